"""Reads about the outside as the projects see it: a party's projects, contact moments,
agreements and friction; the register's list figures; overdue agreements; the portfolio
power/interest grid. Querysets come back with their joins and annotations applied, so
the pages cost the same number of queries whatever the number of rows.

Visibility always starts from ``projects.permissions.projects_visible_to``. Contact
persons' names follow ``stakeholders.selectors.may_see_contact_details``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Role
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    Interaction,
    InteractionParticipant,
    Project,
    ProjectQuerySet,
    StakeholderInvolvement,
)
from projects.permissions import has_any_role, is_administrator, projects_visible_to
from projects.selectors.projects import GRID_LEFT, GRID_PLOT, GRID_TOP, LABEL_MAX, PowerInterestGrid
from stakeholders.models import Stakeholder
from stakeholders.selectors import stakeholders_with_visible_contacts
from stakeholders.similarity import similar_stakeholders

AnyUser = AbstractBaseUser | AnonymousUser

OPEN = tuple(FrictionPoint.OPEN_STATUSES)
PARTY_INTERACTIONS_SHOWN = 20
PROJECT_INTERACTIONS_SHOWN = 10
PARTY_FRICTION_SHOWN = 25
PORTFOLIO_POINTS_SHOWN = 30


# --- who may do what (on top of projects.permissions) ---------------------------------------


def projects_contributable_by(user: AnyUser, queryset: ProjectQuerySet) -> ProjectQuerySet:
    """The projects of ``queryset`` where ``permissions.can(user, Action.CONTRIBUTE, p)``
    holds, as one queryset: Beheerders, leaders, commissioners and heads of involved
    departments. The same rule as ``permissions._relation`` (a test keeps them equal);
    writes still check ``permissions.can`` itself. Archived projects are read-only."""
    if not has_any_role(user):
        return queryset.none()
    queryset = queryset.filter(archived_at__isnull=True)
    if is_administrator(user):
        return queryset
    heads = DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department__head=user)
    return queryset.filter(Q(leader=user) | Q(commissioner=user) | Exists(heads))


def projects_editable_by(user: AnyUser, queryset: ProjectQuerySet) -> ProjectQuerySet:
    """The projects of ``queryset`` where ``permissions.can(user, Action.EDIT, p)`` holds:
    Beheerders, leaders and commissioners (kept equal by the same test), not archived."""
    if not has_any_role(user):
        return queryset.none()
    queryset = queryset.filter(archived_at__isnull=True)
    if is_administrator(user):
        return queryset
    return queryset.filter(Q(leader=user) | Q(commissioner=user))


# --- contact persons' names ------------------------------------------------------------------


@dataclass(frozen=True)
class ContactVisibility:
    """Whose contact persons a user may see by name: every party, or these."""

    everything: bool
    party_ids: frozenset[int]

    def shows(self, stakeholder_id: int) -> bool:
        return self.everything or stakeholder_id in self.party_ids


def contact_visibility(user: AnyUser) -> ContactVisibility:
    """One query (none for a Beheerder)."""
    parties = stakeholders_with_visible_contacts(user)
    if parties is None:
        return ContactVisibility(everything=True, party_ids=frozenset())
    return ContactVisibility(everything=False, party_ids=frozenset(row["pk"] for row in parties))


def label_participants(
    interactions: Iterable[Interaction], visibility: ContactVisibility
) -> list[Interaction]:
    """Put the participants in words on each contact moment: ``staff_names``,
    ``contact_names`` (only for parties whose contacts the user may see),
    ``hidden_contacts`` (how many others) and ``erased_contacts`` (erased persons).
    Expects ``participants`` prefetched with contact and staff."""
    labelled = []
    for interaction in interactions:
        staff, contacts, hidden, erased = [], [], 0, 0
        for participant in interaction.participants.all():
            if participant.staff_id is not None:
                staff.append(participant.staff.get_full_name() or participant.staff.username)
            elif participant.contact_id is None:
                erased += 1
            elif visibility.shows(interaction.stakeholder_id):
                contacts.append(participant.contact.name)
            else:
                hidden += 1
        interaction.staff_names = sorted(staff)
        interaction.contact_names = sorted(contacts)
        interaction.hidden_contacts = hidden
        interaction.erased_contacts = erased
        labelled.append(interaction)
    return labelled


# --- the register's list (stakeholders.extensions) ----------------------------------------------


def _count(queryset: QuerySet, group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def annotate_party_list(queryset: QuerySet[Stakeholder], user: AnyUser) -> QuerySet[Stakeholder]:
    """``project_count``, ``my_project_count`` and ``last_contact`` per party for this user,
    as correlated subqueries (no extra query, no duplicated rows).

    Visibility is checked per row with EXISTS on the project's primary key rather than
    ``IN (visible projects)``: PostgreSQL then estimates the query as cheap as it is, and
    does not spend seconds compiling it (JIT) for a list of a few hundred parties."""
    visible = projects_visible_to(user, Project.objects.active())
    mine = (
        visible.filter(
            Q(leader=user)
            | Q(commissioner=user)
            | Exists(
                DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department__head=user)
            )
        )
        if user.is_authenticated
        else visible.none()
    )
    involvements = StakeholderInvolvement.objects.filter(
        Exists(visible.filter(pk=OuterRef("project"))), stakeholder=OuterRef("pk")
    )
    latest = (
        Interaction.objects.filter(stakeholder=OuterRef("pk"))
        .filter(Q(project__isnull=True) | Exists(visible.filter(pk=OuterRef("project"))))
        .order_by("-date")
        .values("date")[:1]
    )
    return queryset.annotate(
        project_count=_count(involvements, "stakeholder"),
        my_project_count=_count(
            involvements.filter(Exists(mine.filter(pk=OuterRef("project")))), "stakeholder"
        ),
        last_contact=Subquery(latest),
    )


# --- contact moments -----------------------------------------------------------------------


def interaction_queryset() -> QuerySet[Interaction]:
    participants = InteractionParticipant.objects.select_related("contact", "staff").order_by("pk")
    follow_ups = FollowUp.objects.select_related("owner").order_by("is_done", "due_date", "pk")
    return (
        Interaction.objects.select_related("project", "stakeholder", "author")
        .prefetch_related(
            Prefetch("participants", queryset=participants),
            Prefetch("follow_ups", queryset=follow_ups),
        )
        .order_by("-date", "-created_at", "-pk")
    )


def interactions_for_project(*, project: Project) -> QuerySet[Interaction]:
    return interaction_queryset().filter(project=project)


def interactions_for_party(*, user: AnyUser, stakeholder: Stakeholder) -> QuerySet[Interaction]:
    """Contact moments with the party on projects the user may see, and those with the
    party as such (no project)."""
    visible = projects_visible_to(user, Project.objects.all()).values("pk")
    return interaction_queryset().filter(
        Q(project__isnull=True) | Q(project__in=visible), stakeholder=stakeholder
    )


def open_follow_ups_for(*, user: AnyUser) -> QuerySet[FollowUp]:
    """The user's own follow-ups still to do, the most urgent first."""
    return (
        FollowUp.objects.filter(owner=user, is_done=False)
        .select_related("interaction__stakeholder", "interaction__project")
        .order_by("due_date", "pk")
    )


# --- agreements ----------------------------------------------------------------------------


def agreement_queryset(*, today: dt.date) -> QuerySet[Agreement]:
    """With ``is_overdue`` (open, date passed); open ones first, then by date."""
    overdue = Q(status=Agreement.Status.OPEN, due_date__lt=today)
    is_open = Case(When(status=Agreement.Status.OPEN, then=0), default=1)
    return (
        Agreement.objects.select_related("project", "stakeholder", "milestone")
        .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .order_by(is_open, "due_date", "pk")
    )


def agreements_for_project(*, project: Project, today: dt.date) -> QuerySet[Agreement]:
    return agreement_queryset(today=today).filter(project=project)


def agreements_for_party(
    *, user: AnyUser, stakeholder: Stakeholder, today: dt.date
) -> QuerySet[Agreement]:
    visible = projects_visible_to(user, Project.objects.all()).values("pk")
    return agreement_queryset(today=today).filter(stakeholder=stakeholder, project__in=visible)


def overdue_agreements_for_commissioner(
    user: AnyUser, *, today: dt.date | None = None, projects: ProjectQuerySet | None = None
) -> QuerySet[Agreement]:
    """Open agreements past their date on the commissioner's dashboard projects: the
    active projects they commission (a Beheerder: every active project), or ``projects``
    when the dashboard narrowed them already. Oldest first."""
    today = today or timezone.localdate()
    if projects is None:
        projects = projects_visible_to(user, Project.objects.active())
        if not is_administrator(user):
            projects = projects.filter(commissioner=user)
    return (
        Agreement.objects.filter(
            project__in=projects.values("pk"),
            status=Agreement.Status.OPEN,
            due_date__lt=today,
        )
        .select_related("project", "stakeholder")
        .order_by("due_date", "project__title", "pk")
    )


# --- a party's page ------------------------------------------------------------------------


def party_involvements(*, user: AnyUser, stakeholder: Stakeholder) -> QuerySet:
    """The party's roles in the active projects the user may see, each project with
    ``open_friction`` (its open friction points) and ``contributable`` (the user may log
    contact moments and agreements on it)."""
    visible = projects_visible_to(user, Project.objects.active()).values("pk")
    open_points = FrictionPoint.objects.filter(
        project=OuterRef("project"), status__in=OPEN, archived_at__isnull=True
    )
    contributable = projects_contributable_by(user, Project.objects.filter(pk=OuterRef("project")))
    return (
        StakeholderInvolvement.objects.filter(stakeholder=stakeholder, project__in=visible)
        .select_related("project__leader", "project__commissioner")
        .annotate(
            open_friction=_count(open_points, "project"),
            contributable=Exists(contributable),
        )
        .order_by("project__title", "pk")
    )


def friction_for_party(*, user: AnyUser, stakeholder: Stakeholder) -> QuerySet[FrictionPoint]:
    """Open friction points of the active projects with this party that the user may
    see: where the inside keeps this partner waiting. Most severe, then oldest first."""
    visible = projects_visible_to(user, Project.objects.active()).values("pk")
    return (
        FrictionPoint.objects.filter(
            project__in=visible,
            project__stakeholder_involvements__stakeholder=stakeholder,
            status__in=OPEN,
            archived_at__isnull=True,
        )
        .select_related("project", "procedure")
        .prefetch_related("departments")
        .order_by("-severity", "created_at", "pk")
    )


def people_of(projects: Iterable[Project]) -> list[int]:
    """Ids of the leaders, commissioners and heads of involved departments of these
    projects (``department_involvements`` prefetched with their department)."""
    ids: set[int] = set()
    for project in projects:
        ids.update((project.leader_id, project.commissioner_id))
        for involvement in project.department_involvements.all():
            if involvement.department.head_id:
                ids.add(involvement.department.head_id)
    return sorted(ids)


def staff_queryset(ids: Iterable[int]) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(pk__in=list(ids), is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def party_duplicates(stakeholder: Stakeholder) -> list[Stakeholder]:
    """Parties whose names resemble this one's: candidates for a merge."""
    return similar_stakeholders(stakeholder.name, exclude=[stakeholder.pk])


# --- the portfolio power/interest grid ---------------------------------------------------------


def commissioners() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COMMISSIONER)
        .order_by("first_name", "last_name", "username")
    )


def portfolio_projects(*, user: AnyUser, commissioner: AbstractBaseUser | None) -> ProjectQuerySet:
    """A Bureauhoofd's own active projects; for a Beheerder those of the chosen
    commissioner, or all active projects."""
    projects = projects_visible_to(user, Project.objects.active())
    if not is_administrator(user):
        return projects.filter(commissioner=user)
    if commissioner is not None:
        return projects.filter(commissioner=commissioner)
    return projects


def portfolio_rows(projects: ProjectQuerySet) -> list[dict[str, Any]]:
    """Per party over these projects: ``project_count``, ``avg_influence``,
    ``avg_interest`` and ``open_friction`` (open friction points on those of the projects
    the party is in), who matters most (influence times interest) first.

    Two queries, summed up here: the open friction per project, and the involvements.
    (A correlated count per party over the projects' involvements took minutes on a
    large organisation.)"""
    scope = projects.values("pk")
    open_per_project = dict(
        FrictionPoint.objects.filter(project__in=scope, status__in=OPEN, archived_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(total=Count("pk"))
        .values_list("project", "total")
    )
    totals: dict[int, dict[str, Any]] = {}
    involvements = (
        StakeholderInvolvement.objects.filter(project__in=scope)
        .order_by()
        .values_list("stakeholder", "stakeholder__name", "project", "influence", "interest")
    )
    for party, name, project, influence, interest in involvements:
        row = totals.setdefault(
            party,
            {"stakeholder": party, "stakeholder__name": name, "projects": set(), "open": 0},
        )
        row.setdefault("influence", []).append(influence)
        row.setdefault("interest", []).append(interest)
        if project not in row["projects"]:
            row["projects"].add(project)
            row["open"] += open_per_project.get(project, 0)
    rows = [
        {
            "stakeholder": row["stakeholder"],
            "stakeholder__name": row["stakeholder__name"],
            "project_count": len(row["projects"]),
            "avg_influence": sum(row["influence"]) / len(row["influence"]),
            "avg_interest": sum(row["interest"]) / len(row["interest"]),
            "open_friction": row["open"],
        }
        for row in totals.values()
    ]
    rows.sort(
        key=lambda row: (
            -row["avg_influence"] * row["avg_interest"],
            row["stakeholder__name"].casefold(),
            row["stakeholder"],
        )
    )
    return rows


@dataclass(frozen=True)
class PortfolioPoint:
    row: dict
    x: float
    y: float
    radius: float
    label: str
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class PortfolioGrid:
    frame: PowerInterestGrid
    points: list[PortfolioPoint]
    total: int  # parties in the table; the picture shows the first ``len(points)``

    @property
    def omitted(self) -> int:
        return self.total - len(self.points)


def _x(score: float) -> float:
    return round(GRID_LEFT + (score - 0.5) * GRID_PLOT / 5, 1)


def _y(score: float) -> float:
    return round(GRID_TOP + GRID_PLOT - (score - 0.5) * GRID_PLOT / 5, 1)


def _label(name: str, open_friction: int) -> str:
    short = name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1].rstrip() + "…"
    return f"{short} ({open_friction})"


def portfolio_grid(rows: Sequence[dict], *, total: int) -> PortfolioGrid:
    """Positions for the picture: average influence up, average interest right; the
    circle grows with the open friction on the party's projects, and the label names the
    number. Parties at the same spot are spread side by side with stacked labels."""
    cells: dict[tuple[float, float], list[dict]] = defaultdict(list)
    for row in rows:
        key = (round(float(row["avg_influence"]), 1), round(float(row["avg_interest"]), 1))
        cells[key].append(row)
    points: list[PortfolioPoint] = []
    for (influence, interest), group in sorted(cells.items(), reverse=True):
        centre_x, centre_y = _x(interest), _y(influence)
        spread = min(12.0, 48.0 / max(len(group), 1))
        anchor = "end" if interest >= 3.5 else "start"
        for index, row in enumerate(group):
            offset = index - (len(group) - 1) / 2
            friction = int(row["open_friction"])
            points.append(
                PortfolioPoint(
                    row=row,
                    x=round(centre_x + offset * spread, 1),
                    y=centre_y,
                    radius=round(min(16.0, 5 + 3 * math.sqrt(friction)), 1),
                    label=_label(row["stakeholder__name"], friction),
                    label_x=round(centre_x - 14, 1) if anchor == "end" else round(centre_x + 14, 1),
                    label_y=round(centre_y + 4 + offset * 13, 1),
                    anchor=anchor,
                )
            )
    return PortfolioGrid(frame=PowerInterestGrid(points=[]), points=points, total=total)


def portfolio_description(grid: PortfolioGrid) -> str:
    """The picture in words, for its <desc>."""
    if not grid.points:
        return _("Geen partijen in deze projecten.")
    top = grid.points[0].row
    return _(
        "%(count)s partijen. Gemiddelde invloed staat verticaal, gemiddeld belang "
        "horizontaal, elk van 1 tot en met 5; hoe groter de cirkel, hoe meer open "
        "knelpunten in de projecten met die partij (het getal achter de naam). "
        "Belangrijkste partij: %(name)s. De tabel bij de figuur geeft dezelfde gegevens."
    ) % {"count": len(grid.points), "name": top["stakeholder__name"]}
