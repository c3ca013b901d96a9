"""Reads for the project pages: list and detail querysets, the milestone schedule and the
power/interest grid. Querysets come back with their joins and annotations applied, so a
page costs the same number of queries whatever the size of the project."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from governance import options
from governance.calendar import WorkingCalendar
from governance.models import Meeting, Role
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    Milestone,
    ProcedureStep,
    Project,
    ProjectQuerySet,
    StakeholderInvolvement,
)
from projects.permissions import has_role, projects_visible_to

AnyUser = AbstractBaseUser | AnonymousUser


# --- people ---------------------------------------------------------------------------------


def users_in_role(role: Role) -> QuerySet:
    """Active users in one role's group, by name (for choosing a leader or commissioner)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role)
        .order_by("first_name", "last_name", "username")
    )


# --- the project list ----------------------------------------------------------------------


class Scope(StrEnum):
    MINE = "mine"
    COMMISSIONED = "commissioned"
    DEPARTMENTS = "departments"
    ALL = "all"

    @property
    def label(self) -> str:
        return str(SCOPE_LABELS[self])


SCOPE_LABELS = {
    Scope.MINE: _("Mijn projecten"),
    Scope.COMMISSIONED: _("Mijn opdrachten"),
    Scope.DEPARTMENTS: _("Mijn afdelingen"),
    Scope.ALL: _("Alle zichtbare projecten"),
}


def default_scope(user: AnyUser) -> Scope:
    """The list a user sees first: what they lead, commission or head, in that order."""
    if has_role(user, Role.PROJECT_LEADER):
        return Scope.MINE
    if has_role(user, Role.COMMISSIONER):
        return Scope.COMMISSIONED
    if has_role(user, Role.DEPARTMENT_HEAD):
        return Scope.DEPARTMENTS
    return Scope.ALL


def scope_filter(queryset: ProjectQuerySet, *, user: AnyUser, scope: Scope) -> ProjectQuerySet:
    """Narrow to one scope. Uses EXISTS, not joins, so the friction counts stay exact."""
    if scope == Scope.MINE:
        return queryset.filter(leader=user)
    if scope == Scope.COMMISSIONED:
        return queryset.filter(commissioner=user)
    if scope == Scope.DEPARTMENTS:
        return queryset.filter(
            Exists(
                DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department__head=user)
            )
        )
    return queryset


def _open_count(severity: int | None = None) -> Count:
    condition = Q(friction_points__status__in=FrictionPoint.OPEN_STATUSES)
    if severity is not None:
        condition &= Q(friction_points__severity=severity)
    return Count("friction_points", filter=condition)


def project_list_queryset(*, user: AnyUser) -> ProjectQuerySet:
    """The projects the user may see, by title: what the list filters, counts and pages.
    Archived ones too: the list's filter leaves them out unless asked (``ProjectFilter``).
    The per-row figures come from ``with_list_figures`` for one page at a time."""
    return projects_visible_to(user, Project.objects.all()).order_by("title", "pk")


def with_list_figures(queryset: ProjectQuerySet, *, today: dt.date) -> ProjectQuerySet:
    """Per-severity open friction counts and the next milestone on or after ``today``
    (its date and title) on each project."""
    upcoming = Milestone.objects.filter(project=OuterRef("pk"), date__gte=today).order_by(
        "date", "title", "pk"
    )
    severity = FrictionPoint.Severity
    return queryset.select_related("leader", "commissioner").annotate(
        open_total=_open_count(),
        open_low=_open_count(severity.LOW),
        open_medium=_open_count(severity.MEDIUM),
        open_high=_open_count(severity.HIGH),
        open_blocking=_open_count(severity.BLOCKING),
        next_milestone_date=Subquery(upcoming.values("date")[:1]),
        next_milestone_title=Subquery(upcoming.values("title")[:1]),
    )


def project_list_page(projects: QuerySet, *, today: dt.date) -> list[Project]:
    """One page of the list with its figures, in the page's order (two queries). Counting
    and paging the plain filtered queryset first keeps the aggregation to these rows."""
    ids = list(projects.values_list("pk", flat=True))
    rows = with_list_figures(Project.objects.filter(pk__in=ids), today=today).in_bulk()
    return [rows[pk] for pk in ids]


def project_search(queryset: ProjectQuerySet, text: str) -> ProjectQuerySet:
    """Title, purpose or the name of a partner contains ``text`` (case-insensitive)."""
    text = text.strip()
    if not text:
        return queryset
    partner = StakeholderInvolvement.objects.filter(
        project=OuterRef("pk"), stakeholder__name__icontains=text
    )
    return queryset.filter(Q(title__icontains=text) | Q(purpose__icontains=text) | Exists(partner))


# --- the project page ----------------------------------------------------------------------


def project_detail_queryset() -> ProjectQuerySet:
    """Everything the project page shows, in a fixed number of queries."""
    steps = ProcedureStep.objects.select_related(
        "procedure__department", "procedure__meeting_calendar"
    ).order_by("procedure__name", "pk")
    return Project.objects.select_related("leader", "commissioner").prefetch_related(
        Prefetch(
            "stakeholder_involvements",
            queryset=StakeholderInvolvement.objects.select_related("stakeholder").order_by(
                "-influence", "-interest", "stakeholder__name"
            ),
        ),
        Prefetch(
            "department_involvements",
            queryset=DepartmentInvolvement.objects.select_related(
                "department__head", "department__sector"
            ).order_by("department__name"),
        ),
        Prefetch(
            "milestones",
            queryset=Milestone.objects.order_by("date", "title", "pk").prefetch_related(
                Prefetch("steps", queryset=steps)
            ),
        ),
    )


def project_edit_queryset() -> ProjectQuerySet:
    return Project.objects.select_related("leader", "commissioner")


# --- the schedule: milestones beside the latest start of each procedure ----------------------


@dataclass(frozen=True)
class StepPlan:
    """One procedure that must be finished before a milestone, planned backwards."""

    step: ProcedureStep
    latest_start: dt.date | None
    meeting: Meeting | None
    slack_days: int | None
    # The procedure is meeting-bound but no meeting is left before the milestone.
    no_meeting: bool = False
    # The milestone has passed while this step is still open.
    milestone_passed: bool = False

    @property
    def is_open(self) -> bool:
        return self.step.is_open

    @property
    def is_late(self) -> bool:
        return self.is_open and (
            self.no_meeting or self.milestone_passed or (self.slack_days or 0) < 0
        )

    @property
    def late_days(self) -> int:
        """Working days past the latest start (0 when not late)."""
        return max(0, -(self.slack_days or 0))


@dataclass(frozen=True)
class MilestonePlan:
    milestone: Milestone
    steps: list[StepPlan]
    is_past: bool

    @property
    def late_count(self) -> int:
        return sum(1 for plan in self.steps if plan.is_late)


def step_plans(*, steps: Sequence[ProcedureStep], today: dt.date) -> dict[int, StepPlan]:
    """Latest start and slack per step, keyed by step id, by the friction engine's rules
    (``projects.services.scan``): a meeting-bound procedure uses the last meeting from
    today up to the milestone date and must be ready by its agenda deadline; slack counts
    working days from the first working day on or after today (0: start today). Steps
    need ``milestone`` and ``procedure`` loaded. The meetings and closed days come from the
    organisation's cached lists (``governance.options``): no query once cached."""
    open_steps = [s for s in steps if s.is_open]
    plans = {
        s.pk: StepPlan(step=s, latest_start=None, meeting=None, slack_days=None)
        for s in steps
        if not s.is_open
    }
    if not open_steps:
        return plans
    last_date = max(s.milestone.date for s in open_steps)
    calendar_ids = {
        s.procedure.meeting_calendar_id for s in open_steps if s.procedure.meeting_calendar_id
    }
    meetings: dict[int, list[Meeting]] = {
        calendar_id: [m for m in found if today <= m.date <= last_date]
        for calendar_id, found in options.meetings(calendar_ids).items()
    }
    first_date = min(today, *(s.milestone.date for s in open_steps))
    # Reach back far enough for the longest lead time, so the calendar never has to grow
    # (and query again) while planning.
    reach = dt.timedelta(days=2 * max(s.procedure.lead_time_days for s in open_steps) + 60)
    calendar = WorkingCalendar.load(start=first_date - reach, end=max(today, last_date))
    first_day = calendar.first_working_day_on_or_after(today)

    for step in open_steps:
        procedure = step.procedure
        meeting: Meeting | None = None
        due = step.milestone.date
        if procedure.meeting_calendar_id and due >= today:
            candidates = [m for m in meetings[procedure.meeting_calendar_id] if m.date <= due]
            if not candidates:
                plans[step.pk] = StepPlan(
                    step=step, latest_start=None, meeting=None, slack_days=None, no_meeting=True
                )
                continue
            meeting = candidates[-1]
            due = meeting.agenda_deadline
        latest_start = calendar.subtract_working_days(due, procedure.lead_time_days)
        plans[step.pk] = StepPlan(
            step=step,
            latest_start=latest_start,
            meeting=meeting,
            slack_days=calendar.working_days_between(first_day, latest_start),
            milestone_passed=step.milestone.date < today,
        )
    return plans


def milestone_schedule(*, milestones: Iterable[Milestone], today: dt.date) -> list[MilestonePlan]:
    """The milestones in date order, each with its procedures planned backwards from it.
    Expects ``steps`` prefetched (see ``project_detail_queryset``)."""
    milestones = sorted(milestones, key=lambda m: (m.date, m.title, m.pk))
    steps = []
    for milestone in milestones:
        for step in milestone.steps.all():
            step.milestone = milestone
            steps.append(step)
    plans = step_plans(steps=steps, today=today)
    return [
        MilestonePlan(
            milestone=milestone,
            steps=[plans[step.pk] for step in milestone.steps.all()],
            is_past=milestone.date < today,
        )
        for milestone in milestones
    ]


# --- the power/interest grid ---------------------------------------------------------------

GRID_SIZE = 420
GRID_LEFT = 56
GRID_TOP = 16
GRID_PLOT = 340  # width and height of the plotting area
LABEL_MAX = 22


@dataclass(frozen=True)
class GridPoint:
    involvement: StakeholderInvolvement
    x: float
    y: float
    label: str
    label_x: float
    label_y: float
    anchor: str  # "start" or "end": labels on the right half point leftwards


QUADRANT_LABELS = (
    _("Tevreden houden"),  # much influence, little interest
    _("Nauw betrekken"),  # much influence, much interest
    _("Monitoren"),  # little influence, little interest
    _("Informeren"),  # little influence, much interest
)


@dataclass(frozen=True)
class Quadrant:
    key: str
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class PowerInterestGrid:
    points: list[GridPoint]
    size: int = GRID_SIZE
    left: int = GRID_LEFT
    top: int = GRID_TOP
    plot: int = GRID_PLOT

    @property
    def right(self) -> int:
        return self.left + self.plot

    @property
    def bottom(self) -> int:
        return self.top + self.plot

    @property
    def middle_x(self) -> float:
        return self.left + self.plot / 2

    @property
    def middle_y(self) -> float:
        return self.top + self.plot / 2

    @property
    def quadrants(self) -> list[Quadrant]:
        half = self.plot / 2
        right, bottom = self.right - 8, self.bottom - 8
        top, left = self.top + 18, self.left + 8
        return [
            Quadrant(
                "satisfied", self.left, self.top, half, half, QUADRANT_LABELS[0], left, top, "start"
            ),
            Quadrant(
                "engage", self.middle_x, self.top, half, half, QUADRANT_LABELS[1], right, top, "end"
            ),
            Quadrant(
                "monitor",
                self.left,
                self.middle_y,
                half,
                half,
                QUADRANT_LABELS[2],
                left,
                bottom,
                "start",
            ),
            Quadrant(
                "inform",
                self.middle_x,
                self.middle_y,
                half,
                half,
                QUADRANT_LABELS[3],
                right,
                bottom,
                "end",
            ),
        ]

    @property
    def ticks(self) -> list[tuple[int, float, float]]:
        """(score, x of the interest tick label, baseline of the influence tick label)."""
        return [(s, _scale_x(s), _scale_y(s) + 4) for s in range(1, 6)]


def _scale_x(score: float) -> float:
    # Scores 1..5 sit in the middle of five equal bands, so 3 lies on the dividing line.
    return round(GRID_LEFT + (score - 0.5) * GRID_PLOT / 5, 1)


def _scale_y(score: float) -> float:
    return round(GRID_TOP + GRID_PLOT - (score - 0.5) * GRID_PLOT / 5, 1)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1].rstrip() + "…"


def power_interest_grid(involvements: Iterable[StakeholderInvolvement]) -> PowerInterestGrid:
    """Positions for the picture: influence up, interest right; parties with the same
    scores are spread side by side with their labels stacked so none hides another."""
    cells: dict[tuple[int, int], list[StakeholderInvolvement]] = defaultdict(list)
    for involvement in involvements:
        cells[(involvement.influence, involvement.interest)].append(involvement)
    points: list[GridPoint] = []
    for (influence, interest), group in sorted(cells.items(), reverse=True):
        group.sort(key=lambda i: i.stakeholder.name.lower())
        centre_x, centre_y = _scale_x(interest), _scale_y(influence)
        spread = min(10.0, 40.0 / max(len(group), 1))
        anchor = "end" if interest >= 4 else "start"
        for index, involvement in enumerate(group):
            x = round(centre_x + (index - (len(group) - 1) / 2) * spread, 1)
            label_y = round(centre_y + 4 + (index - (len(group) - 1) / 2) * 13, 1)
            points.append(
                GridPoint(
                    involvement=involvement,
                    x=x,
                    y=centre_y,
                    label=_short(involvement.stakeholder.name),
                    label_x=round(centre_x - 10, 1) if anchor == "end" else round(centre_x + 10, 1),
                    label_y=label_y,
                    anchor=anchor,
                )
            )
    return PowerInterestGrid(points=points)
