"""Reads for the commissioning dashboard, the department inbox and the board reports.

Every function returns a queryset with its joins and annotations applied (or one
aggregate), so the pages cost the same number of queries for 10 projects as for 10,000.
The visibility rule always comes from ``projects.permissions.projects_visible_to``.

The health of a project is defined once, in ``with_health``:

- **geblokkeerd** (blocked): an open friction point of severity *blokkerend*;
- **risico** (at risk): otherwise an open point of severity *hoog*, an open automatic
  flag, or a support request that was escalated and is still unanswered;
- **op koers** (on track): everything else.

Only open points (open, in behandeling) that are not archived count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.models import FrictionPoint, FrictionUpdate, Project, ProjectQuerySet
from projects.permissions import is_administrator, projects_visible_to

AnyUser = AbstractBaseUser | AnonymousUser

OPEN = tuple(FrictionPoint.OPEN_STATUSES)
Severity = FrictionPoint.Severity


class Health(models.TextChoices):
    """A project's health, worst first (the order of ``HEALTH_RANK``)."""

    BLOCKED = "geblokkeerd", _("Geblokkeerd")
    AT_RISK = "risico", _("Risico")
    ON_TRACK = "op_koers", _("Op koers")


HEALTH_RANK = {Health.BLOCKED: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2}
SUPPORT_ORDER = [value for value in FrictionPoint.Support.values if value]


# --- conditions shared by the sections ---------------------------------------------------------


def open_points() -> QuerySet[FrictionPoint]:
    return FrictionPoint.objects.filter(status__in=OPEN, archived_at__isnull=True)


def support_pending_q() -> Q:
    """The condition of ``FrictionPoint.support_pending`` as a query: asked, not yet
    answered, on an open point."""
    return Q(status__in=OPEN, support_answered_at__isnull=True) & ~Q(support_asked="")


# --- the projects -------------------------------------------------------------------------------


def dashboard_projects(*, user: AnyUser) -> ProjectQuerySet:
    """The active projects on the user's dashboard: those they commission, or for a
    Beheerder every project (narrowed by the commissioner filter)."""
    projects = projects_visible_to(user, Project.objects.active())
    if is_administrator(user):
        return projects
    return projects.filter(commissioner=user)


def with_health(projects: ProjectQuerySet) -> ProjectQuerySet:
    """Annotate ``health_rank`` (0 blocked, 1 at risk, 2 on track) by the rule in the
    module docstring: two EXISTS on the open points of the project, no join, no GROUP
    BY. ``label_health`` turns the rank into a ``Health`` on the fetched rows."""
    points = open_points().filter(project=OuterRef("pk"))
    blocked = Exists(points.filter(severity=Severity.BLOCKING))
    escalated = support_pending_q() & Q(escalated_at__isnull=False)
    at_risk = Exists(
        points.filter(
            Q(severity=Severity.HIGH) | Q(source=FrictionPoint.Source.AUTOMATIC) | escalated
        )
    )
    return projects.annotate(
        health_rank=Case(
            When(blocked, then=Value(HEALTH_RANK[Health.BLOCKED])),
            When(at_risk, then=Value(HEALTH_RANK[Health.AT_RISK])),
            default=Value(HEALTH_RANK[Health.ON_TRACK]),
            output_field=IntegerField(),
        )
    )


HEALTH_BY_RANK = {rank: health for health, rank in HEALTH_RANK.items()}


def label_health(projects: Iterable[Project]) -> list[Project]:
    """Set ``health`` (a ``Health``: ``{{ project.health }}`` is the value for a CSS
    class, ``{{ project.health.label }}`` the text) from the annotated rank."""
    projects = list(projects)
    for project in projects:
        project.health = HEALTH_BY_RANK[project.health_rank]
    return projects


@dataclass(frozen=True, slots=True)
class HealthCount:
    health: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class HealthSummary:
    total: int
    states: list[HealthCount]


def health_summary(projects: ProjectQuerySet) -> HealthSummary:
    """How many projects are in each health state, worst first (one query)."""
    rows = (
        with_health(projects.order_by())
        .values("health_rank")
        .annotate(n=Count("pk"))
        .values_list("health_rank", "n")
    )
    by_rank = dict(rows)
    return HealthSummary(
        total=sum(by_rank.values()),
        states=[
            HealthCount(health.value, str(health.label), by_rank.get(rank, 0))
            for health, rank in HEALTH_RANK.items()
        ],
    )


def _open_count(*conditions: Q) -> Coalesce:
    points = open_points().filter(*conditions, project=OuterRef("pk"))
    counted = points.order_by().values("project").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_dashboard_figures(projects: ProjectQuerySet) -> ProjectQuerySet:
    """Health, the leader, and per project the open points, the blocking ones and the
    support requests waiting, worst health first. The counts are correlated subqueries,
    computed only for the rows of the page."""
    return (
        with_health(projects)
        .select_related("leader")
        .annotate(
            open_total=_open_count(),
            open_blocking=_open_count(Q(severity=Severity.BLOCKING)),
            support_waiting=_open_count(support_pending_q()),
        )
        .order_by("health_rank", "title", "pk")
    )


# --- the friction sections ----------------------------------------------------------------------


def dashboard_friction(*, projects: ProjectQuerySet) -> QuerySet[FrictionPoint]:
    """The friction points (not archived) of ``projects``: what the filters narrow."""
    return FrictionPoint.objects.filter(project__in=projects.values("pk"), archived_at__isnull=True)


def friction_summary(friction: QuerySet[FrictionPoint], *, listed: Q) -> dict[str, int]:
    """Counts for the headings and the pagers in one query over ``friction`` (the points
    matching every filter but the status): ``listed`` (those also matching ``listed``,
    the status filter), ``at_risk`` (open automatic flags) and ``support`` (support
    requests waiting)."""
    return friction.aggregate(
        listed=Count("pk", filter=listed),
        at_risk=Count("pk", filter=Q(status__in=OPEN, source=FrictionPoint.Source.AUTOMATIC)),
        support=Count("pk", filter=support_pending_q()),
    )


def milestones_at_risk(friction: QuerySet[FrictionPoint]) -> QuerySet[FrictionPoint]:
    """Open automatic flags, least slack first. A flag without slack (no meeting left
    before the milestone) has no room at all and comes first."""
    return (
        friction.filter(status__in=OPEN, source=FrictionPoint.Source.AUTOMATIC)
        .select_related("project", "milestone", "procedure__department")
        .order_by(F("slack_days").asc(nulls_first=True), "milestone__date", "pk")
    )


def friction_by_severity_and_age(friction: QuerySet[FrictionPoint]) -> QuerySet[FrictionPoint]:
    """Most severe first, then what has chafed longest."""
    return friction.select_related("project", "procedure__department").order_by(
        "-severity", "created_at", "pk"
    )


def support_waiting(friction: QuerySet[FrictionPoint]) -> QuerySet[FrictionPoint]:
    """Support requests waiting for an answer, grouped by what is asked (knowledge, a
    listening ear, the route to the board), the longest waiting first in each group."""
    return (
        friction.filter(support_pending_q())
        .select_related("project", "procedure")
        .annotate(
            support_order=Case(
                *[
                    When(support_asked=value, then=Value(i))
                    for i, value in enumerate(SUPPORT_ORDER)
                ],
                default=Value(len(SUPPORT_ORDER)),
                output_field=IntegerField(),
            )
        )
        .order_by("support_order", "support_requested_at", "pk")
    )


@dataclass(frozen=True, slots=True)
class SupportGroup:
    support: str
    label: str
    points: list[FrictionPoint]


def group_support(points: Iterable[FrictionPoint]) -> list[SupportGroup]:
    """``support_waiting`` rows in their groups (the rows come ordered by group)."""
    return [
        SupportGroup(value, str(FrictionPoint.Support(value).label), list(group))
        for value, group in groupby(points, key=lambda point: point.support_asked)
    ]


def recent_activity(friction: QuerySet[FrictionPoint], *, limit: int = 15) -> list[FrictionUpdate]:
    """The latest timeline entries on ``friction``, newest first."""
    return list(
        FrictionUpdate.objects.filter(friction_point__in=friction.values("pk"))
        .select_related("author", "friction_point__project")
        .order_by("-created_at", "-pk")[:limit]
    )
