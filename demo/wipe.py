"""Wiping the demo organisation before it is rebuilt."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models, reset_queries
from django.db.models import Q

from demo.organisation import DEMO_ACCOUNTS, DEMO_USER_PREFIX
from demo.writer import BATCH_SIZE
from governance.models import ClosedDay, Department, Meeting, MeetingCalendar, Procedure, Sector
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from stakeholders.models import Contact, Stakeholder

# Leaves first: every table is empty before the tables it points to (PROTECT) are wiped.
WIPE_ORDER: tuple[type[models.Model], ...] = (
    FollowUp,
    InteractionParticipant,
    Interaction,
    Agreement,
    FrictionUpdate,
    FrictionPoint.departments.through,
    FrictionPoint,
    ProcedureStep,
    Milestone,
    DepartmentInvolvement,
    StakeholderInvolvement,
    Project,
    Contact,
    # The contact persons' snapshots in the audit trail are personal data: they go with them.
    Contact.pgh_event_model,
    Stakeholder,
    Procedure,
    Meeting,
    MeetingCalendar,
    Department,
    Sector,
    ClosedDay,
)


def demo_users() -> models.QuerySet[User]:
    """The demo's own users: the four demo accounts and every ``demo-`` user."""
    return User.objects.filter(
        Q(username__in=[person.username for person in DEMO_ACCOUNTS])
        | Q(username__startswith=DEMO_USER_PREFIX)
    )


def demo_wipe() -> None:
    """Delete the demo organisation: all domain rows, and of the users only the demo's own."""
    for model in WIPE_ORDER:
        _delete_in_batches(model._base_manager.all())
    _delete_in_batches(demo_users())


def _delete_in_batches(queryset: models.QuerySet) -> None:
    # Deleting by primary-key batches keeps the deletion collector's memory bounded.
    model = queryset.model
    while pks := list(queryset.values_list("pk", flat=True)[:BATCH_SIZE]):
        model._base_manager.filter(pk__in=pks).delete()
        reset_queries()
