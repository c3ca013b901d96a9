"""Reads for "Waar wringt het?": where it chafes, which procedures chafe most, how long
points take to resolve, which approaches were chosen and what was learned.

Every aggregate runs in the database over the friction points (not archived) of the
projects the user may see (``projects_visible_to``), so a confidential project never
shows up in a count of someone who may not see it. Each function is one or two queries,
whatever the number of points.

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
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.core.cache import cache
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
from django.db.models.functions import TruncDate, TruncQuarter
from django.utils import timezone, translation
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
CACHE_SECONDS = 60


def insight_friction(*, user: AnyUser) -> QuerySet[FrictionPoint]:
    """The points every aggregate counts: not archived, on projects the user may see
    (archived projects included: their lessons still count)."""
    visible = projects_visible_to(user, Project.objects.all())
    return FrictionPoint.objects.filter(project__in=visible.values("pk"), archived_at__isnull=True)


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


def heatmap(friction: QuerySet[FrictionPoint]) -> Heatmap:
    """Points per department and category (two grouped queries): rows by total, most
    first; a column for points without a category only when there are any."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    named = (
        _named_departments()
        .filter(frictionpoint__in=friction.values("pk"))
        .values_list("department__name", "frictionpoint__category")
        .annotate(n=Count("frictionpoint_id"))
        .order_by()
    )
    from_procedure = (
        friction.filter(procedure__isnull=False)
        .filter(_procedure_department_not_named())
        .values_list("procedure__department__name", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for name, category, n in [*named, *from_procedure]:
        counts[(name, category)] += n
    categories: list[tuple[str, str]] = list(Category.choices)
    if any(category == "" for _name, category in counts):
        categories.append(("", str(_("Geen categorie"))))
    maximum = max(counts.values(), default=0)
    rows = []
    for department in {name for name, _category in counts}:
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


def procedure_friction(friction: QuerySet[FrictionPoint]) -> list[ProcedureFriction]:
    """Per procedure: its points, the open ones and the delay caused (one query)."""
    late = Case(
        When(source=AUTOMATIC, slack_days__lt=0, then=-F("slack_days")),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        friction.filter(procedure__isnull=False)
        .values_list("procedure_id", "procedure__name", "procedure__department__name")
        .annotate(
            count=Count("pk"),
            open=Count("pk", filter=Q(status__in=FrictionPoint.OPEN_STATUSES)),
            delay=Sum(late),
        )
        .order_by()
    )
    return [ProcedureFriction(*row[:5], delay_days=row[5] or 0) for row in rows]


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


def resolve_times(friction: QuerySet[FrictionPoint], *, today: dt.date) -> list[ResolveTime]:
    """Median working days to resolve per department, fastest first (the closed points
    only; three queries: the calendar's closed days and two histograms)."""
    closed = friction.filter(status=FrictionPoint.Status.CLOSED, closed_at__isnull=False)
    days = WorkingDaysBetween(
        "created_at", "closed_at", non_working=non_working_weekdays(today=today)
    )
    named = (
        _named_departments()
        .filter(frictionpoint__in=closed.values("pk"))
        .annotate(
            days=WorkingDaysBetween(
                "frictionpoint__created_at",
                "frictionpoint__closed_at",
                non_working=days.non_working,
            )
        )
        .values_list("department__name", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    from_procedure = (
        closed.filter(procedure__isnull=False)
        .filter(_procedure_department_not_named())
        .annotate(days=days)
        .values_list("procedure__department__name", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    histograms: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for name, value, n in [*named, *from_procedure]:
        histograms[name][value] += n
    times = [
        ResolveTime(name, sum(histogram.values()), _median(histogram))
        for name, histogram in histograms.items()
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


def approaches_by_quarter(
    friction: QuerySet[FrictionPoint], *, today: dt.date, quarters: int = QUARTERS
) -> list[QuarterApproaches]:
    """Closed points per approach in each of the last ``quarters`` quarters (by the local
    date they were closed), oldest first, empty quarters included (one query)."""
    starts = [quarter_start(today)]
    for _step in range(quarters - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(quarter_start(previous))
    starts.reverse()
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time()))
    rows = (
        friction.filter(status=FrictionPoint.Status.CLOSED, closed_at__gte=since)
        .exclude(approach="")
        .annotate(quarter=TruncQuarter("closed_at"))
        .values_list("quarter", "approach")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_quarter = {start: QuarterApproaches(start) for start in starts}
    for quarter, approach, n in rows:
        start = quarter.date() if isinstance(quarter, dt.datetime) else quarter
        if start in by_quarter:
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


# --- all figures at once, briefly cached --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InsightFigures:
    heatmap: Heatmap
    procedures: list[ProcedureFriction]
    resolve_times: list[ResolveTime]
    quarters: list[QuarterApproaches]
    lessons: int  # all lessons learned, for the pager when nothing is searched


def _compute(friction: QuerySet[FrictionPoint], *, today: dt.date) -> InsightFigures:
    return InsightFigures(
        heatmap=heatmap(friction),
        procedures=procedure_friction(friction),
        resolve_times=resolve_times(friction, today=today),
        quarters=approaches_by_quarter(friction, today=today),
        lessons=lessons_learned(friction).count(),
    )


def visibility_scope(user: AnyUser) -> str:
    """A key for what the user may see: "all" for a Beheerder, else a digest of the
    confidential projects they may see (everyone sees the rest). Users with the same
    scope see the same figures, so they share them in the cache."""
    if is_administrator(user):
        return "all"
    confidential = (
        projects_visible_to(user, Project.objects.all())
        .filter(is_confidential=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    digest = hashlib.sha256(",".join(str(pk) for pk in confidential).encode())
    return digest.hexdigest()[:20]


def insight_figures(*, user: AnyUser, today: dt.date) -> InsightFigures:
    """Every aggregate of the page for this user, cached for ``CACHE_SECONDS``.

    The aggregates read all friction points (about 100,000 at 10,000 projects: half a
    second of SQL), so they are kept briefly. The key holds what the figures depend on:
    the user's visibility scope (``visibility_scope``: users who may see the same
    projects share the entry), the language (the labels), the day (the quarters) and the
    last change to any friction point (one index lookup). So a change to friction or to
    who may see a confidential project shows at once; only a project that stops being
    confidential can take up to a minute to show up in the counts of others.
    """
    latest = FrictionPoint.objects.order_by().aggregate(latest=Max("updated_at"))["latest"]
    key = ":".join(
        [
            "bb-insight",
            visibility_scope(user),
            translation.get_language() or "",
            today.isoformat(),
            latest.isoformat() if latest else "-",
        ]
    )
    figures = cache.get(key)
    if figures is None:
        figures = _compute(insight_friction(user=user), today=today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
