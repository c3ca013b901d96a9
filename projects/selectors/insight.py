"""Reads for "Waar wringt het?": where it chafes, which procedures chafe most, how long
points take to resolve, which approaches were chosen and what was learned.

Every aggregate runs in the database over the friction points that are not archived, of
projects that are not archived, counted per bucket (the projects anyone may see, in a few
shards, and each confidential project apart); a user's figures add up the buckets of the
projects they may see (``projects_visible_to``), so a confidential project never shows up
in a count of someone who may not see it. See ``projects.services.insight``.

Definitions:

- **The departments of a point**: the departments named on it plus the department owning
  its procedure, each once. A point about two departments counts for both.
- **Delay caused by a procedure**: the working days its automatic flags ran late,
  ``max(0, -slack_days)`` summed over its flags (open or not: a resolved flag's last
  slack is what it cost). A person's point has no measured delay and adds nothing.
- **Time to resolve**: working days from the day a point was reported to the day it was
  closed (status gesloten), counted like ``WorkingCalendar.working_days_between``: the
  working days after the reporting day up to and including the closing day, so a point
  closed on the day it was reported took 0. Computed in SQL (``WorkingDaysBetween``);
  the median per department comes from the histogram of those values.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.db import NotSupportedError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Mod, TruncDate, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.calendar import WorkingCalendar
from projects.models import FrictionPoint, Project
from projects.permissions import AnyUser, is_administrator, projects_visible_to

Category = FrictionPoint.Category
Approach = FrictionPoint.Approach
AUTOMATIC = FrictionPoint.Source.AUTOMATIC
EPOCH = dt.date(2000, 1, 3)  # a Monday: day number 0
EPOCH_JULIAN = 2451546.5  # SQLite's julianday('2000-01-03')
# Public holidays and closed days are looked up this many years back.
CALENDAR_YEARS_BACK = 10
QUARTERS = 8
TOP = 10

logger = logging.getLogger(__name__)

# A confidential project's id, or (negative) a shard of the points on projects anyone may
# see: -1 - (project id mod SHARDS). See ``_bucket``.
Bucket = int
SHARDS = 32


def counted_friction() -> QuerySet[FrictionPoint]:
    """The points the figures count: not archived, of projects that are not archived (an
    archived project leaves every shared figure)."""
    return FrictionPoint.objects.filter(archived_at__isnull=True, project__archived_at__isnull=True)


def insight_friction(*, user: AnyUser) -> QuerySet[FrictionPoint]:
    """The points every aggregate counts, on projects the user may see."""
    visible = projects_visible_to(user, Project.objects.active())
    return counted_friction().filter(project__in=visible.values("pk"))


def _named_departments() -> Any:
    return FrictionPoint.departments.through.objects


def _procedure_department_not_named() -> Exists:
    """True when the point's procedure belongs to a department not named on it, so that
    department is counted from the procedure (and a named one only once)."""
    return ~Exists(
        _named_departments().filter(
            frictionpoint_id=OuterRef("pk"), department_id=OuterRef("procedure__department_id")
        )
    )


# --- where it chafes: department × category ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeatCell:
    count: int
    level: int  # 0 (none) to 4 (the most), for the shading class


@dataclass(frozen=True, slots=True)
class HeatRow:
    department: str
    cells: list[HeatCell]
    total: int


@dataclass(frozen=True, slots=True)
class Heatmap:
    columns: list[str]
    rows: list[HeatRow]
    maximum: int

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def _level(count: int, maximum: int) -> int:
    return 0 if count == 0 or maximum == 0 else max(1, ceil(4 * count / maximum))


def _bucket(path: str = "project") -> Case:
    """The bucket a point's figures are kept in: the project's id for a confidential one,
    else the shard of projects anyone may see it falls in (see
    ``projects.services.insight.insight_figures``)."""
    return Case(
        When(**{f"{path}__is_confidential": True}, then=F(f"{path}_id")),
        default=-1 - Mod(F(f"{path}_id"), Value(SHARDS)),
        output_field=IntegerField(),
    )


def shard_of(project_id: int) -> int:
    return -1 - project_id % SHARDS


def _heat_rows(friction: QuerySet[FrictionPoint]) -> list[tuple[Bucket, str, str, int]]:
    """(bucket, department, category, points), in two grouped queries."""
    named = (
        _named_departments()
        .filter(frictionpoint__in=friction.values("pk"))
        .annotate(bucket=_bucket("frictionpoint__project"))
        .values_list("bucket", "department__name", "frictionpoint__category")
        .annotate(n=Count("frictionpoint_id"))
        .order_by()
    )
    from_procedure = (
        friction.filter(procedure__isnull=False)
        .filter(_procedure_department_not_named())
        .annotate(bucket=_bucket())
        .values_list("bucket", "procedure__department__name", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [*named, *from_procedure]


def build_heatmap(counts: Mapping[tuple[str, str], int]) -> Heatmap:
    """Rows by total, most first; a column for points without a category only when there
    are any."""
    categories: list[tuple[str, str]] = list(Category.choices)
    if any(category == "" and n for (_name, category), n in counts.items()):
        categories.append(("", str(_("Geen categorie"))))
    maximum = max(counts.values(), default=0)
    rows = []
    for department in {name for (name, _category), n in counts.items() if n}:
        values = [counts.get((department, value), 0) for value, _label in categories]
        rows.append(
            HeatRow(
                department=department,
                cells=[HeatCell(n, _level(n, maximum)) for n in values],
                total=sum(values),
            )
        )
    rows.sort(key=lambda row: (-row.total, row.department))
    return Heatmap(columns=[str(label) for _, label in categories], rows=rows, maximum=maximum)


# --- procedures that chafe ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcedureFriction:
    procedure_id: int
    name: str
    department: str
    count: int
    open: int
    delay_days: int


def _procedure_rows(
    friction: QuerySet[FrictionPoint],
) -> list[tuple[Bucket, int, str, str, int, int, int | None]]:
    """(bucket, procedure, name, department, points, open ones, delay), one query."""
    late = Case(
        When(source=AUTOMATIC, slack_days__lt=0, then=-F("slack_days")),
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        friction.filter(procedure__isnull=False)
        .annotate(bucket=_bucket())
        .values_list("bucket", "procedure_id", "procedure__name", "procedure__department__name")
        .annotate(
            count=Count("pk"),
            open=Count("pk", filter=Q(status__in=FrictionPoint.OPEN_STATUSES)),
            delay=Sum(late),
        )
        .order_by()
    )


def _add_procedure(
    into: dict[int, ProcedureFriction], row: tuple[int, str, str, int, int, int | None]
) -> None:
    procedure_id, name, department, count, open_, delay = row
    known = into.get(procedure_id)
    into[procedure_id] = ProcedureFriction(
        procedure_id,
        name,
        department,
        count + (known.count if known else 0),
        open_ + (known.open if known else 0),
        (delay or 0) + (known.delay_days if known else 0),
    )


def ranked_by_count(
    procedures: Iterable[ProcedureFriction], top: int = TOP
) -> list[ProcedureFriction]:
    return sorted(procedures, key=lambda p: (-p.count, -p.delay_days, p.name))[:top]


def ranked_by_delay(
    procedures: Iterable[ProcedureFriction], top: int = TOP
) -> list[ProcedureFriction]:
    late = [p for p in procedures if p.delay_days > 0]
    return sorted(late, key=lambda p: (-p.delay_days, -p.count, p.name))[:top]


# --- time to resolve, in working days ----------------------------------------------------------


def non_working_weekdays(*, today: dt.date) -> list[int]:
    """Day numbers (days since ``EPOCH``) of the Mondays to Fridays that are no working
    day (public holidays, closed days) in the last ``CALENDAR_YEARS_BACK`` years and the
    next one: what ``WorkingDaysBetween`` subtracts. One query (the closed days)."""
    first = dt.date(today.year - CALENDAR_YEARS_BACK, 1, 1)
    last = dt.date(today.year + 1, 12, 31)
    calendar = WorkingCalendar.load(start=first, end=last)
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not calendar.is_working_day(day):
            days.append((day - EPOCH).days)
        day += dt.timedelta(days=1)
    return days


class WorkingDaysBetween(Func):
    """Working days in (local date of ``start``, local date of ``end``], in SQL.

    With x a day number (days since the Monday ``EPOCH``), the weekdays up to and
    including x are ``5 * (x / 7) + least(x % 7 + 1, 5)``; minus the non-working weekdays
    up to x (``width_bucket`` over the sorted list on PostgreSQL, a CASE on SQLite) that
    is a running count of working days, and the difference of two is the answer. It
    agrees with ``WorkingCalendar.working_days_between`` for dates from 2000 on within
    the years of ``non_working_weekdays``.
    """

    output_field = IntegerField()

    def __init__(self, start: str, end: str, *, non_working: Sequence[int]) -> None:
        super().__init__(TruncDate(start), TruncDate(end))
        self.non_working = sorted(int(day) for day in non_working)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        raise NotSupportedError("WorkingDaysBetween runs on PostgreSQL and SQLite.")

    @staticmethod
    def _running(day: str, holidays: str, *, least: str = "LEAST", mod: str = "MOD") -> str:
        """Working days from the epoch up to and including day number ``day`` (the
        function names differ per database: SQLite has MIN(a, b) and no MOD)."""
        # "%%": Django's SQL goes through %-formatting with the parameters.
        remainder = f"(({day}) %% 7)" if mod == "%" else f"MOD({day}, 7)"
        return f"((5 * (({day}) / 7) + {least}({remainder} + 1, 5)) - {holidays})"

    def _endpoints(self, compiler: Any, build: Any) -> tuple[str, list]:
        start, end = (build(*compiler.compile(e)) for e in self.get_source_expressions())
        return f"({end[0]} - {start[0]})", [*end[1], *start[1]]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        def build(sql: str, params: Sequence[Any]) -> tuple[str, list]:
            day = f"(({sql}) - DATE '{EPOCH.isoformat()}')"
            if not self.non_working:
                return self._running(day, "0"), [*params, *params]
            holidays = f"width_bucket({day}, %s::integer[])"
            return self._running(day, holidays), [*params, *params, *params, self.non_working]

        return self._endpoints(compiler, build)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        def build(sql: str, params: Sequence[Any]) -> tuple[str, list]:
            day = f"CAST(julianday({sql}) - {EPOCH_JULIAN} AS INTEGER)"
            whens = " ".join(
                f"WHEN {day} < {threshold} THEN {index}"
                for index, threshold in enumerate(self.non_working)
            )
            holidays = f"(CASE {whens} ELSE {len(self.non_working)} END)" if whens else "0"
            running = self._running(day, holidays, least="MIN", mod="%")
            return running, list(params) * (2 + len(self.non_working))

        return self._endpoints(compiler, build)


@dataclass(frozen=True, slots=True)
class ResolveTime:
    department: str
    closed: int
    median_days: float


def _median(histogram: dict[int, int]) -> float:
    """The median of values given as {value: how often}, like ``statistics.median``."""
    total = sum(histogram.values())
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    middle = total // 2
    if total % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2


def _resolve_rows(
    friction: QuerySet[FrictionPoint], *, today: dt.date
) -> list[tuple[Bucket, str, int, int]]:
    """(bucket, department, working days to resolve, closed points): the closed points'
    histogram per department (three queries: the closed days and two histograms)."""
    closed = friction.filter(status=FrictionPoint.Status.CLOSED, closed_at__isnull=False)
    days = WorkingDaysBetween(
        "created_at", "closed_at", non_working=non_working_weekdays(today=today)
    )
    named = (
        _named_departments()
        .filter(frictionpoint__in=closed.values("pk"))
        .annotate(
            bucket=_bucket("frictionpoint__project"),
            days=WorkingDaysBetween(
                "frictionpoint__created_at",
                "frictionpoint__closed_at",
                non_working=days.non_working,
            ),
        )
        .values_list("bucket", "department__name", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    from_procedure = (
        closed.filter(procedure__isnull=False)
        .filter(_procedure_department_not_named())
        .annotate(bucket=_bucket(), days=days)
        .values_list("bucket", "procedure__department__name", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [*named, *from_procedure]


def build_resolve_times(histograms: Mapping[str, Mapping[int, int]]) -> list[ResolveTime]:
    """The median per department from its histogram, fastest first."""
    times = [
        ResolveTime(name, sum(histogram.values()), _median(dict(histogram)))
        for name, histogram in histograms.items()
        if sum(histogram.values())
    ]
    return sorted(times, key=lambda t: (t.median_days, -t.closed, t.department))


# --- approaches chosen over time --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterApproaches:
    start: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.start.year} K{(self.start.month - 1) // 3 + 1}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def values(self) -> list[int]:
        return [self.counts.get(value, 0) for value in Approach.values]


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_starts(today: dt.date, quarters: int = QUARTERS) -> list[dt.date]:
    """The first days of the last ``quarters`` quarters up to ``today``, oldest first."""
    starts = [quarter_start(today)]
    for _step in range(quarters - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(quarter_start(previous))
    starts.reverse()
    return starts


def _quarter_rows(
    friction: QuerySet[FrictionPoint], *, since: dt.date
) -> list[tuple[Bucket, dt.date, str, int]]:
    """(bucket, quarter, approach, closed points) from ``since`` on, by the local date the
    points were closed (one query)."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    rows = (
        friction.filter(status=FrictionPoint.Status.CLOSED, closed_at__gte=start)
        .exclude(approach="")
        .annotate(bucket=_bucket(), quarter=TruncQuarter("closed_at"))
        .values_list("bucket", "quarter", "approach")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (bucket, quarter.date() if isinstance(quarter, dt.datetime) else quarter, approach, n)
        for bucket, quarter, approach, n in rows
    ]


def build_quarters(
    counts: Mapping[tuple[dt.date, str], int], *, today: dt.date, quarters: int = QUARTERS
) -> list[QuarterApproaches]:
    """The last ``quarters`` quarters up to ``today``, oldest first, empty ones included."""
    by_quarter = {start: QuarterApproaches(start) for start in quarter_starts(today, quarters)}
    for (start, approach), n in counts.items():
        if start in by_quarter and n:
            by_quarter[start].counts[approach] = n
    return list(by_quarter.values())


# --- lessons learned -------------------------------------------------------------------------


def lessons_learned(
    friction: QuerySet[FrictionPoint], *, search: str = ""
) -> QuerySet[FrictionPoint]:
    """Closed points with a lesson, the most recent first; ``search`` looks in the
    lesson, the point's title and its procedure's name."""
    lessons = (
        friction.filter(status=FrictionPoint.Status.CLOSED)
        .exclude(lesson_learned="")
        .select_related("project", "procedure")
        .order_by("-closed_at", "-pk")
    )
    search = search.strip()
    if search:
        lessons = lessons.filter(
            Q(lesson_learned__icontains=search)
            | Q(title__icontains=search)
            | Q(procedure__name__icontains=search)
        )
    return lessons


# --- all figures at once: a snapshot kept up to date in the background --------------------


@dataclass(slots=True)
class Partials:
    """The additive counts behind the figures, for one bucket of points: those on
    projects anyone may see, or those of one confidential project. Figures for a user are
    the sum of the buckets they may see; medians come from summed histograms."""

    heat: Counter[tuple[str, str]] = field(default_factory=Counter)
    procedures: dict[int, ProcedureFriction] = field(default_factory=dict)
    resolve: dict[str, Counter[int]] = field(default_factory=dict)
    quarters: Counter[tuple[dt.date, str]] = field(default_factory=Counter)
    lessons: int = 0

    def add(self, other: Partials) -> None:
        self.heat.update(other.heat)
        for p in other.procedures.values():
            _add_procedure(
                self.procedures,
                (p.procedure_id, p.name, p.department, p.count, p.open, p.delay_days),
            )
        for name, histogram in other.resolve.items():
            self.resolve.setdefault(name, Counter()).update(histogram)
        self.quarters.update(other.quarters)
        self.lessons += other.lessons


@dataclass(frozen=True, slots=True)
class Snapshot:
    buckets: dict[Bucket, Partials]
    shared: Partials  # the shards added up: what everyone counts
    day: dt.date  # the day it was computed for (the quarters, the calendar)
    source: str  # the last change to any friction point or project it includes
    started_at: dt.datetime  # before counting began: later changes are not in it
    computed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class InsightFigures:
    heatmap: Heatmap
    procedures: list[ProcedureFriction]
    resolve_times: list[ResolveTime]
    quarters: list[QuarterApproaches]
    lessons: int  # all lessons learned, for the pager when nothing is searched
    computed_at: dt.datetime


def compute_partials(
    friction: QuerySet[FrictionPoint], *, today: dt.date
) -> dict[Bucket, Partials]:
    """Every count of the page per bucket, in eight queries over ``friction``."""
    buckets: dict[Bucket, Partials] = defaultdict(Partials)
    for bucket, name, category, n in _heat_rows(friction):
        buckets[bucket].heat[(name, category)] += n
    for bucket, *row in _procedure_rows(friction):
        _add_procedure(buckets[bucket].procedures, row)
    for bucket, name, value, n in _resolve_rows(friction, today=today):
        buckets[bucket].resolve.setdefault(name, Counter())[value] += n
    since = quarter_starts(today, QUARTERS + 1)[0]  # a quarter more: the snapshot can age
    for bucket, start, approach, n in _quarter_rows(friction, since=since):
        buckets[bucket].quarters[(start, approach)] += n
    lessons = (
        lessons_learned(friction)
        .annotate(bucket=_bucket())
        .values_list("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for bucket, n in lessons:
        buckets[bucket].lessons += n
    return dict(buckets)


def last_change() -> str:
    """The last change to any friction point or any project (two index lookups): a
    project made confidential must leave the shared bucket at once, not only after the
    next change to friction."""
    latest = [
        model.objects.order_by().aggregate(latest=Max("updated_at"))["latest"]
        for model in (FrictionPoint, Project)
    ]
    return "|".join(value.isoformat() if value else "-" for value in latest)


def shared_partials(buckets: Mapping[Bucket, Partials]) -> Partials:
    total = Partials()
    for bucket, partials in buckets.items():
        if bucket < 0:
            total.add(partials)
    return total


def visible_confidential(user: AnyUser) -> list[int] | None:
    """The confidential projects the user may see (``None``: all of them, a Beheerder).
    Everyone who may open the page sees every other project."""
    if is_administrator(user):
        return None
    return list(
        projects_visible_to(user, Project.objects.all())
        .filter(is_confidential=True)
        .values_list("pk", flat=True)
    )


def shards_left_shared_figures(snapshot: Snapshot) -> set[int]:
    """The shards holding a project made confidential or archived since the snapshot was
    started: their counts in it are no longer for everyone."""
    moved = (
        Project.objects.filter(updated_at__gte=snapshot.started_at)
        .filter(Q(is_confidential=True) | Q(archived_at__isnull=False))
        .values_list("pk", flat=True)
    )
    return {shard_of(pk) for pk in moved}


def recount(snapshot: Snapshot, shards: set[int], *, today: dt.date) -> Snapshot:
    """The snapshot with these shards (and the confidential projects in them) counted
    again from the database now: a few small queries over a 1/SHARDS part of the points."""
    projects = Project.objects.annotate(shard=-1 - Mod(F("pk"), Value(SHARDS))).filter(
        shard__in=shards
    )
    fresh = compute_partials(
        counted_friction().filter(project__in=projects.values("pk")), today=today
    )
    buckets = {
        bucket: partials
        for bucket, partials in snapshot.buckets.items()
        if (bucket if bucket < 0 else shard_of(bucket)) not in shards
    }
    buckets.update(fresh)
    return Snapshot(
        buckets=buckets,
        shared=shared_partials(buckets),
        day=snapshot.day,
        source=snapshot.source,
        started_at=snapshot.started_at,
        computed_at=snapshot.computed_at,
    )
