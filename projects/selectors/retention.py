"""What the projects app still needs of contact persons: its rule for the retention purge
in ``stakeholders/retention.py`` (registered in ``projects.apps``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import InteractionParticipant, Project
from stakeholders.models import Contact

ENDED = (Project.Status.COMPLETED, Project.Status.STOPPED)


def contacts_no_longer_needed(
    contacts: QuerySet[Contact], cutoff: dt.datetime
) -> QuerySet[Contact]:
    """Leave out contacts whose party has a project still running (not archived, not
    afgerond or gestopt) or one that ended on or after ``cutoff`` (at ``archived_at``,
    else at the last change, ``updated_at``), and contacts who took part in a contact
    moment on or after the cutoff's date."""
    still_needed = (
        Project.objects.filter(stakeholder_involvements__stakeholder=OuterRef("stakeholder_id"))
        .annotate(ended_at=Coalesce("archived_at", "updated_at"))
        .filter((Q(archived_at__isnull=True) & ~Q(status__in=ENDED)) | Q(ended_at__gte=cutoff))
    )
    recent_contact_moment = InteractionParticipant.objects.filter(
        contact=OuterRef("pk"), interaction__date__gte=timezone.localdate(cutoff)
    )
    return contacts.exclude(Exists(still_needed)).exclude(Exists(recent_contact_moment))
