"""Reads for the department inbox: the points about a head's departments and their
procedures."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from governance.models import Procedure
from projects.models import FrictionPoint, Project
from projects.permissions import AnyUser, projects_visible_to
from projects.selectors.dashboard import OPEN, open_points


def inbox_friction(*, user: AnyUser) -> QuerySet[FrictionPoint]:
    """Friction points involving a department the user heads (named on the point) or one
    of its procedures, on active projects the user may see."""
    named = FrictionPoint.departments.through.objects.filter(department__head=user).values(
        "frictionpoint_id"
    )
    by_procedure = FrictionPoint.objects.filter(procedure__department__head=user).values("pk")
    visible = projects_visible_to(user, Project.objects.active())
    return FrictionPoint.objects.filter(
        pk__in=named.union(by_procedure),
        project__in=visible.values("pk"),
        archived_at__isnull=True,
    )


def inbox_cards(friction: QuerySet[FrictionPoint]) -> QuerySet[FrictionPoint]:
    """What an inbox card shows, loaded with the points."""
    return friction.select_related("project", "procedure__department").prefetch_related(
        "departments"
    )


def inbox_page(
    friction: QuerySet[FrictionPoint], *, number: Any, per_page: int
) -> tuple[Page, dict[str, int]]:
    """One page of the inbox, open points first, then the most severe and the oldest,
    and the counts (``total``, ``open``); three queries.

    The order is taken over the ids alone (a narrow sort of the department's points),
    then the page's cards are loaded by id: with a LIMIT on the wide rows PostgreSQL
    tends to sort the whole friction table before it filters.
    """
    ranked = list(
        friction.annotate(
            open_rank=Case(
                When(status__in=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_rank", "-severity", "created_at", "pk")
        .values_list("pk", "open_rank")
    )
    counts = {"total": len(ranked), "open": sum(1 for _, rank in ranked if rank == 0)}
    page = Paginator([pk for pk, _ in ranked], per_page).get_page(number)
    cards = inbox_cards(FrictionPoint.objects.filter(pk__in=list(page.object_list))).in_bulk()
    page.object_list = [cards[pk] for pk in page.object_list]
    return page, counts


def procedures_headed_by(*, user: AnyUser) -> QuerySet[Procedure]:
    """The procedures of the user's departments, with their open friction on projects the
    user may see (``open_friction``)."""
    return procedures_with_open_friction(
        user=user, procedures=Procedure.objects.filter(department__head=user)
    )


def procedures_with_open_friction(
    *, user: AnyUser, procedures: QuerySet[Procedure]
) -> QuerySet[Procedure]:
    """``procedures`` with their open friction on projects the user may see
    (``open_friction``)."""
    visible = projects_visible_to(user, Project.objects.active())
    counted = (
        open_points()
        .filter(procedure=OuterRef("pk"), project__in=visible.values("pk"))
        .order_by()
        .values("procedure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        procedures.select_related("department")
        .annotate(open_friction=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        .order_by("department__name", "name", "pk")
    )
