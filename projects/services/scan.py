"""The friction engine: flags internal procedures that cannot meet external milestones.

``friction_scan(today=..., project_ids=...)`` is the one entry point; the beat task, the
``scan_friction`` command, the rescan after an edit and the tests all call it.

Back-scheduling, on the organisation's working-day calendar (``WorkingCalendar``):

- A date something is due on means "ready when that day starts". A procedure with a lead
  time of n working days therefore has to start on the n-th working day before the
  milestone at the latest. A milestone on a weekend or holiday leaves the working days
  just before it (a Saturday milestone gives the same latest start as the Monday after).
- A procedure bound to a meeting calendar needs a meeting on or before the milestone
  date (inclusive) that has not yet taken place (on or after today). The last such
  meeting is used: its agenda deadline minus the lead time is the latest start.
- Slack is the working days from the first working day on or after today to the latest
  start: 0 means "start today", negative means the latest start has passed.

Flags (automatic friction points, one open flag per milestone and procedure, enforced by
the database):

- the milestone date has passed with the step unfinished: ``gemist``, blocking;
- no meeting left before the milestone: ``geen_vergadering``, blocking;
- slack below zero: ``doorlooptijd``, blocking; slack within the warning margin
  (``BB_WARNING_MARGIN_DAYS``, inclusive): ``doorlooptijd``, high.

Only projects that are not archived and still run (idee, verkenning, uitvoering) are
scheduled. A rescan keeps one flag per situation:

- The engine owns a flag's kind, severity, latest start, slack and meeting; people own
  everything else (status, description, departments, comments, support, approach). The
  title follows a change of kind only while nobody has edited it.
- A timeline entry (``FrictionUpdate``, kind systeem) is added when a flag is raised and
  whenever its kind, severity, latest start or meeting changes. Slack counting down
  towards an unchanged latest start is no news: the field is refreshed silently.
- A flag resolves itself (``vervallen``, with an explaining entry) when the step is
  finished, no longer needed or removed, the milestone moves so that the procedure fits
  again (slack above the margin), or the milestone or project goes away.
- Flags are never deleted. A flag a person closed covers its situation: no new flag is
  raised while the kind and latest start stay the same and the severity does not rise.
  A new situation (another kind, a moved latest start, or worse) raises a new flag.

Escalation and quiet points (``BB_SUPPORT_ANSWER_DAYS``, ``BB_STALE_DAYS``, in working
days): a support request still unanswered after the n-th working day following the
request is escalated; a person's open point with no activity after the n-th working day
following its last activity is marked stale. Each gets one timeline entry, once.

Concurrency: the scan runs in one transaction that first takes a PostgreSQL advisory
lock, so concurrent scans (two workers, a rescan during the nightly scan) run one after
the other and the later one sees the earlier one's flags. As a second line of defence
the partial unique constraint refuses a duplicate open flag; the insert then skips the
flags raised meanwhile (``bulk_create(..., ignore_conflicts=True)``).
Rows a person may be editing at the same time are locked and re-read just before they
are written, so a point closed meanwhile is left alone. The digest e-mails go out after
the scan has committed (see ``projects.services.notifications``).

Every read and write is set-based: the number of queries does not grow with the number
of projects, milestones or steps.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.calendar import WorkingCalendar
from governance.models import Meeting
from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep, Project

logger = logging.getLogger(__name__)

Kind = FrictionPoint.FlagKind
Severity = FrictionPoint.Severity
Status = FrictionPoint.Status
AUTOMATIC = FrictionPoint.Source.AUTOMATIC
OPEN = tuple(FrictionPoint.OPEN_STATUSES)
OPEN_STEP_STATUSES = (ProcedureStep.Status.TO_START, ProcedureStep.Status.IN_PROGRESS)
ACTIVE_PROJECT_STATUSES = (
    Project.Status.IDEA,
    Project.Status.EXPLORATION,
    Project.Status.EXECUTION,
)
SCAN_LOCK_KEY = zlib.crc32(b"binnenbuiten.friction_scan")
TITLE_MAX_LENGTH = FrictionPoint._meta.get_field("title").max_length
# Bounds the parameters of one ``pk IN (...)`` query (SQLite allows 32766).
CHUNK_SIZE = 5_000
BATCH_SIZE = 1_000


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagChange:
    """A flag the scan raised, updated or resolved, for printing and reporting."""

    friction_point_id: int
    project_id: int
    project_title: str
    title: str
    flag_kind: str
    severity: int
    slack_days: int | None
    latest_start: dt.date | None
    note: str

    def line(self) -> str:
        slack = "-" if self.slack_days is None else str(self.slack_days)
        return (
            f"#{self.friction_point_id} [{Severity(self.severity).label}] "
            f"{self.project_title}: {self.title} ({_('speling')} {slack}) {self.note}"
        )


@dataclass(frozen=True, slots=True)
class PointNote:
    """A friction point the scan escalated or marked stale."""

    friction_point_id: int
    project_id: int
    project_title: str
    title: str
    commissioner_id: int
    since: dt.date

    def line(self) -> str:
        return (
            f"#{self.friction_point_id} {self.project_title}: {self.title} ({self.since:%d-%m-%Y})"
        )


@dataclass(slots=True)
class ScanResult:
    today: dt.date
    steps_scanned: int = 0
    raised: list[FlagChange] = field(default_factory=list)
    updated: list[FlagChange] = field(default_factory=list)
    resolved: list[FlagChange] = field(default_factory=list)
    escalated: list[PointNote] = field(default_factory=list)
    stale: list[PointNote] = field(default_factory=list)
    mails_sent: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "steps": self.steps_scanned,
            "raised": len(self.raised),
            "updated": len(self.updated),
            "resolved": len(self.resolved),
            "escalated": len(self.escalated),
            "stale": len(self.stale),
            "mails": self.mails_sent,
        }


# --- the computation -----------------------------------------------------------------------


class _Meeting(NamedTuple):
    id: int
    date: dt.date
    agenda_deadline: dt.date
    calendar_name: str


@dataclass(slots=True)
class _Evaluation:
    """One unfinished procedure step scheduled back from its milestone."""

    project_id: int
    project_title: str
    milestone_id: int
    milestone_title: str
    milestone_date: dt.date
    procedure_id: int
    procedure_name: str
    lead_time: int
    calendar_id: int | None
    department_id: int
    department_name: str
    step_status: str
    meeting: _Meeting | None = None
    latest_start: dt.date | None = None
    slack: int | None = None
    flag_kind: str = ""
    severity: int | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.milestone_id, self.procedure_id)

    @property
    def category(self) -> str:
        if self.calendar_id is not None:
            return FrictionPoint.Category.AGENDA
        return FrictionPoint.Category.PROCEDURE


_STEP_FIELDS = (
    "milestone__project_id",
    "milestone__project__title",
    "milestone_id",
    "milestone__title",
    "milestone__date",
    "procedure_id",
    "procedure__name",
    "procedure__lead_time_days",
    "procedure__meeting_calendar_id",
    "procedure__department_id",
    "procedure__department__name",
    "status",
)


def _open_steps(project_ids: Sequence[int] | None) -> list[_Evaluation]:
    steps = ProcedureStep.objects.filter(
        status__in=OPEN_STEP_STATUSES,
        milestone__project__archived_at__isnull=True,
        milestone__project__status__in=ACTIVE_PROJECT_STATUSES,
    )
    if project_ids is not None:
        steps = steps.filter(milestone__project_id__in=project_ids)
    rows = steps.order_by("milestone__date", "milestone_id", "procedure_id").values_list(
        *_STEP_FIELDS
    )
    return [_Evaluation(*row) for row in rows.iterator(chunk_size=10_000)]


def _meetings_by_calendar(
    calendar_ids: set[int], *, today: dt.date, until: dt.date
) -> dict[int, tuple[list[dt.date], list[_Meeting]]]:
    """Meetings still to come up to ``until``, per calendar, sorted by date (one query)."""
    by_calendar: dict[int, tuple[list[dt.date], list[_Meeting]]] = {}
    if not calendar_ids:
        return by_calendar
    rows = (
        Meeting.objects.filter(calendar_id__in=calendar_ids, date__gte=today, date__lte=until)
        .order_by("calendar_id", "date")
        .values_list("calendar_id", "id", "date", "agenda_deadline", "calendar__name")
    )
    for calendar_id, *meeting in rows:
        dates, meetings = by_calendar.setdefault(calendar_id, ([], []))
        dates.append(meeting[1])
        meetings.append(_Meeting(*meeting))
    return by_calendar


def _schedule(
    evaluations: Iterable[_Evaluation],
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    meetings: dict[int, tuple[list[dt.date], list[_Meeting]]],
    margin: int,
) -> None:
    """Fill in latest start, slack and the flag (if any) of every evaluation."""
    first_day = calendar.first_working_day_on_or_after(today)
    for ev in evaluations:
        if ev.milestone_date < today:
            ev.latest_start = calendar.subtract_working_days(ev.milestone_date, ev.lead_time)
            ev.slack = calendar.working_days_between(first_day, ev.latest_start)
            ev.flag_kind, ev.severity = Kind.MISSED, Severity.BLOCKING
            continue
        due = ev.milestone_date
        if ev.calendar_id is not None:
            dates, calendar_meetings = meetings.get(ev.calendar_id, ((), ()))
            position = bisect_right(dates, ev.milestone_date) - 1
            if position < 0:
                ev.flag_kind, ev.severity = Kind.NO_MEETING, Severity.BLOCKING
                continue
            ev.meeting = calendar_meetings[position]
            due = ev.meeting.agenda_deadline
        ev.latest_start = calendar.subtract_working_days(due, ev.lead_time)
        ev.slack = calendar.working_days_between(first_day, ev.latest_start)
        if ev.slack < 0:
            ev.flag_kind, ev.severity = Kind.LEAD_TIME, Severity.BLOCKING
        elif ev.slack <= margin:
            ev.flag_kind, ev.severity = Kind.LEAD_TIME, Severity.HIGH


# --- Dutch texts ----------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return date_format(value, "l j F Y")


def _days(n: int) -> str:
    return ngettext("%(n)s werkdag", "%(n)s werkdagen", abs(n)) % {"n": n}


def _title(kind: str, *, procedure: str, milestone: str) -> str:
    names = {"procedure": procedure, "milestone": milestone}
    if kind == Kind.MISSED:
        text = _("Mijlpaal “%(milestone)s” verstreken: %(procedure)s niet afgerond") % names
    elif kind == Kind.NO_MEETING:
        text = _("Geen vergadering meer voor %(procedure)s vóór “%(milestone)s”") % names
    else:
        text = _("Doorlooptijd %(procedure)s knelt met “%(milestone)s”") % names
    return text[:TITLE_MAX_LENGTH]


def _summary(ev: _Evaluation, *, margin: int) -> str:
    """One sentence: what is wrong, or that it fits."""
    values = {
        "procedure": ev.procedure_name,
        "milestone": ev.milestone_title,
        "date": _day(ev.milestone_date),
        "latest": _day(ev.latest_start) if ev.latest_start else "",
        "slack": _days(ev.slack) if ev.slack is not None else "",
        "late": _days(-ev.slack) if ev.slack is not None else "",
        "margin": _days(margin),
        "status": ProcedureStep.Status(ev.step_status).label,
    }
    if ev.flag_kind == Kind.MISSED:
        return (
            _(
                "De mijlpaal “%(milestone)s” was op %(date)s, maar %(procedure)s is nog niet "
                "afgerond (status: %(status)s)."
            )
            % values
        )
    if ev.flag_kind == Kind.NO_MEETING:
        return (
            _(
                "Er is geen vergadering meer op of vóór %(date)s, dus het besluit voor "
                "%(procedure)s kan niet op tijd vallen voor “%(milestone)s”."
            )
            % values
        )
    if ev.flag_kind == Kind.LEAD_TIME and ev.severity == Severity.BLOCKING:
        return (
            _(
                "%(procedure)s had uiterlijk %(latest)s moeten starten om op tijd klaar te zijn "
                "voor “%(milestone)s”; die datum is %(late)s verstreken."
            )
            % values
        )
    if ev.flag_kind == Kind.LEAD_TIME:
        return (
            _(
                "%(procedure)s moet uiterlijk %(latest)s starten om op tijd klaar te zijn voor "
                "“%(milestone)s”; de speling is %(slack)s, binnen de waarschuwingsmarge van "
                "%(margin)s."
            )
            % values
        )
    return (
        _(
            "%(procedure)s past vóór “%(milestone)s”: uiterste start %(latest)s, speling "
            "%(slack)s, meer dan de waarschuwingsmarge van %(margin)s."
        )
        % values
    )


def _computation(ev: _Evaluation, *, today: dt.date, margin: int) -> str:
    """The computation behind a flag, line by line."""
    lines = [
        _("Berekening (in werkdagen: zonder weekenden, feestdagen en sluitingsdagen):"),
        _("- Procedure: %(procedure)s van afdeling %(department)s, doorlooptijd %(lead)s.")
        % {
            "procedure": ev.procedure_name,
            "department": ev.department_name,
            "lead": _days(ev.lead_time),
        },
        _("- Mijlpaal: “%(milestone)s” op %(date)s.")
        % {"milestone": ev.milestone_title, "date": _day(ev.milestone_date)},
    ]
    if ev.meeting is not None:
        lines.append(
            _(
                "- Vergadering: %(calendar)s op %(date)s, agendadeadline %(deadline)s (de "
                "laatste vergadering op of vóór de mijlpaal)."
            )
            % {
                "calendar": ev.meeting.calendar_name,
                "date": _day(ev.meeting.date),
                "deadline": _day(ev.meeting.agenda_deadline),
            }
        )
    elif ev.flag_kind == Kind.NO_MEETING:
        lines.append(_("- Vergadering: geen vergadering meer tussen vandaag en de mijlpaal."))
    if ev.latest_start is not None:
        anchor = _("de agendadeadline") if ev.meeting is not None else _("de mijlpaal")
        lines.append(
            _("- Uiterste start: %(latest)s, %(lead)s vóór %(anchor)s.")
            % {"latest": _day(ev.latest_start), "lead": _days(ev.lead_time), "anchor": anchor}
        )
    if ev.slack is not None:
        lines.append(
            _("- Speling: %(slack)s vanaf %(today)s (waarschuwingsmarge: %(margin)s).")
            % {"slack": _days(ev.slack), "today": _day(today), "margin": _days(margin)}
        )
    return "\n".join(lines)


def _description(ev: _Evaluation, *, today: dt.date, margin: int) -> str:
    return (
        _("Automatisch gesignaleerd op %(today)s.") % {"today": _day(today)}
        + "\n\n"
        + _summary(ev, margin=margin)
        + "\n\n"
        + _computation(ev, today=today, margin=margin)
    )


def _change_text(
    flag: FrictionPoint, ev: _Evaluation, *, today: dt.date, margin: int, meeting_name: str
) -> str:
    changes = []
    if flag.flag_kind != ev.flag_kind:
        changes.append(
            _("soort: %(old)s → %(new)s")
            % {"old": Kind(flag.flag_kind).label, "new": Kind(ev.flag_kind).label}
        )
    if flag.severity != ev.severity:
        changes.append(
            _("ernst: %(old)s → %(new)s")
            % {"old": Severity(flag.severity).label, "new": Severity(ev.severity).label}
        )
    if flag.latest_start != ev.latest_start:
        changes.append(
            _("uiterste start: %(old)s → %(new)s")
            % {
                "old": _day(flag.latest_start) if flag.latest_start else "-",
                "new": _day(ev.latest_start) if ev.latest_start else "-",
            }
        )
    if flag.meeting_id != (ev.meeting.id if ev.meeting else None):
        changes.append(
            _("vergadering: %(old)s → %(new)s")
            % {
                "old": meeting_name or "-",
                "new": _day(ev.meeting.date) if ev.meeting else "-",
            }
        )
    return (
        _("Herberekend op %(today)s: %(changes)s.")
        % {"today": _day(today), "changes": "; ".join(changes)}
        + "\n\n"
        + _summary(ev, margin=margin)
        + "\n\n"
        + _computation(ev, today=today, margin=margin)
    )


def _resolve_text(reason: str, *, today: dt.date, margin: int, ev: _Evaluation | None) -> str:
    intro = _("Vervallen op %(today)s: ") % {"today": _day(today)}
    if ev is not None:
        return (
            intro
            + _summary(ev, margin=margin)
            + "\n\n"
            + _computation(ev, today=today, margin=margin)
        )
    return intro + reason


# --- the scan ------------------------------------------------------------------------------


def chunks(items: Sequence[int], size: int = CHUNK_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _scan_lock() -> None:
    """Serialise scans on PostgreSQL for the rest of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])


def _load_calendar(*, today: dt.date, dates: Iterable[dt.date]) -> WorkingCalendar:
    first, last = today, today
    for day in dates:
        first, last = min(first, day), max(last, day)
    # A year back covers latest starts before early milestones and old support requests.
    return WorkingCalendar.load(start=dt.date(first.year - 1, 1, 1), end=last)


def in_scope(queryset: QuerySet, project_ids: Sequence[int] | None) -> QuerySet:
    """``queryset`` of friction points limited to the projects of a scoped scan."""
    return queryset if project_ids is None else queryset.filter(project_id__in=project_ids)


_FLAG_FIELDS = (
    "id",
    "project_id",
    "milestone_id",
    "procedure_id",
    "title",
    "status",
    "severity",
    "flag_kind",
    "latest_start",
    "slack_days",
    "meeting_id",
    "version",
)


def _lock_still_open(pks: Sequence[int]) -> dict[int, tuple]:
    """Lock the rows; returns (status, kind, severity, latest start, meeting) of those
    still open, to compare with what the scan read before."""
    still_open: dict[int, tuple] = {}
    for chunk in chunks(pks):
        rows = (
            FrictionPoint.objects.select_for_update()
            .filter(pk__in=chunk, status__in=OPEN)
            .values_list("pk", "status", "flag_kind", "severity", "latest_start", "meeting_id")
        )
        still_open.update((pk, tuple(rest)) for pk, *rest in rows)
    return still_open


def _engine_state(flag: FrictionPoint) -> tuple:
    return (flag.flag_kind, flag.severity, flag.latest_start, flag.meeting_id)


def _orphan_reasons(flags: Sequence[FrictionPoint]) -> dict[int, str]:
    """Why an open flag no longer matches any unfinished step (one query)."""
    milestone_ids = sorted({f.milestone_id for f in flags if f.milestone_id is not None})
    steps: dict[tuple[int, int], tuple[str, dt.date | None]] = {}
    for chunk in chunks(milestone_ids):
        for milestone_id, procedure_id, status, done_on in ProcedureStep.objects.filter(
            milestone_id__in=chunk
        ).values_list("milestone_id", "procedure_id", "status", "done_on"):
            steps[(milestone_id, procedure_id)] = (status, done_on)
    reasons = {}
    for flag in flags:
        if flag.milestone_id is None:
            reasons[flag.pk] = _("de mijlpaal bestaat niet meer.")
            continue
        if not flag.project_active:
            reasons[flag.pk] = _("het project is afgerond, gestopt of gearchiveerd.")
            continue
        status, done_on = steps.get((flag.milestone_id, flag.procedure_id), ("", None))
        if status == ProcedureStep.Status.DONE:
            reasons[flag.pk] = _("de procedure is afgerond op %(date)s.") % {
                "date": _day(done_on) if done_on else "-"
            }
        elif status == ProcedureStep.Status.NOT_NEEDED:
            reasons[flag.pk] = _("de procedure is niet meer nodig voor deze mijlpaal.")
        else:
            reasons[flag.pk] = _("de procedure hoort niet meer bij deze mijlpaal.")
    return reasons


def _scan_flags(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    evaluations: list[_Evaluation],
    calendar: WorkingCalendar,
    result: ScanResult,
) -> None:
    margin = settings.BB_WARNING_MARGIN_DAYS
    now = timezone.now()
    max_date = max((ev.milestone_date for ev in evaluations), default=today)
    meetings = _meetings_by_calendar(
        {ev.calendar_id for ev in evaluations if ev.calendar_id is not None},
        today=today,
        until=max_date,
    )
    _schedule(evaluations, today=today, calendar=calendar, meetings=meetings, margin=margin)
    by_key = {ev.key: ev for ev in evaluations}

    open_flags = list(
        in_scope(FrictionPoint.objects.filter(source=AUTOMATIC, status__in=OPEN), project_ids)
        .annotate(
            project_active=ExpressionWrapper(
                Q(project__archived_at__isnull=True)
                & Q(project__status__in=ACTIVE_PROJECT_STATUSES),
                output_field=BooleanField(),
            ),
            meeting_date=F("meeting__date"),
            project_title=F("project__title"),
        )
        .only(*_FLAG_FIELDS)
        .order_by("pk")
    )
    open_by_key = {(f.milestone_id, f.procedure_id): f for f in open_flags}
    closed_cover: dict[tuple, int] = {}
    for *situation, severity in in_scope(
        FrictionPoint.objects.filter(
            source=AUTOMATIC, status=Status.CLOSED, milestone__isnull=False
        ),
        project_ids,
    ).values_list("milestone_id", "procedure_id", "flag_kind", "latest_start", "severity"):
        key = tuple(situation)
        closed_cover[key] = max(severity, closed_cover.get(key, 0))

    to_create: list[_Evaluation] = []
    to_change: list[tuple[FrictionPoint, _Evaluation]] = []
    to_refresh: list[FrictionPoint] = []
    for ev in evaluations:
        if not ev.flag_kind:
            continue
        flag = open_by_key.get(ev.key)
        if flag is None:
            situation = (ev.milestone_id, ev.procedure_id, ev.flag_kind, ev.latest_start)
            if closed_cover.get(situation, 0) < ev.severity:
                to_create.append(ev)
        elif _engine_state(flag) != (
            ev.flag_kind,
            ev.severity,
            ev.latest_start,
            ev.meeting.id if ev.meeting else None,
        ):
            to_change.append((flag, ev))
        elif flag.slack_days != ev.slack:
            to_refresh.append(flag)
            flag.slack_days = ev.slack

    flagged = {ev.key for ev in evaluations if ev.flag_kind}
    to_resolve = [f for f in open_flags if (f.milestone_id, f.procedure_id) not in flagged]
    orphan_reasons = _orphan_reasons(
        [f for f in to_resolve if (f.milestone_id, f.procedure_id) not in by_key]
    )

    still_open = _lock_still_open(
        [f.pk for f, _ev in to_change] + [f.pk for f in to_resolve] + [f.pk for f in to_refresh]
    )
    updates: list[FrictionUpdate] = []

    changed: list[FrictionPoint] = []
    for flag, ev in to_change:
        if still_open.get(flag.pk, ("",))[1:] != _engine_state(flag):
            continue  # closed, or already recomputed by a scan that ran meanwhile
        text = _change_text(
            flag,
            ev,
            today=today,
            margin=margin,
            meeting_name=_day(flag.meeting_date) if flag.meeting_date else "",
        )
        old_title = _title(
            flag.flag_kind, procedure=ev.procedure_name, milestone=ev.milestone_title
        )
        if flag.flag_kind != ev.flag_kind and flag.title == old_title:
            flag.title = _title(
                ev.flag_kind, procedure=ev.procedure_name, milestone=ev.milestone_title
            )
        flag.flag_kind, flag.severity = ev.flag_kind, ev.severity
        flag.latest_start, flag.slack_days = ev.latest_start, ev.slack
        flag.meeting_id = ev.meeting.id if ev.meeting else None
        flag.updated_at, flag.version = now, F("version") + 1
        changed.append(flag)
        updates.append(
            FrictionUpdate(friction_point_id=flag.pk, kind=FrictionUpdate.Kind.SYSTEM, text=text)
        )
        result.updated.append(_change(flag, ev, note=_("bijgewerkt")))
    FrictionPoint.objects.bulk_update(
        changed,
        [
            "title",
            "flag_kind",
            "severity",
            "latest_start",
            "slack_days",
            "meeting",
            "updated_at",
            "version",
        ],
        batch_size=BATCH_SIZE,
    )
    FrictionPoint.objects.bulk_update(
        [f for f in to_refresh if f.pk in still_open], ["slack_days"], batch_size=BATCH_SIZE
    )

    resolved: list[FrictionPoint] = []
    for flag in to_resolve:
        if flag.pk not in still_open:
            continue
        ev = by_key.get((flag.milestone_id, flag.procedure_id))
        text = _resolve_text(orphan_reasons.get(flag.pk, ""), today=today, margin=margin, ev=ev)
        updates.append(
            FrictionUpdate(
                friction_point_id=flag.pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=text,
                old_status=still_open[flag.pk][0],
                new_status=Status.RESOLVED,
            )
        )
        if ev is not None:
            flag.latest_start, flag.slack_days = ev.latest_start, ev.slack
        flag.status, flag.closed_at, flag.updated_at = Status.RESOLVED, now, now
        flag.version = F("version") + 1
        resolved.append(flag)
        result.resolved.append(
            FlagChange(
                friction_point_id=flag.pk,
                project_id=flag.project_id,
                project_title=flag.project_title,
                title=flag.title,
                flag_kind=flag.flag_kind,
                severity=flag.severity,
                slack_days=flag.slack_days,
                latest_start=flag.latest_start,
                note=_("vervallen"),
            )
        )
    FrictionPoint.objects.bulk_update(
        resolved,
        ["status", "closed_at", "updated_at", "version", "latest_start", "slack_days"],
        batch_size=BATCH_SIZE,
    )

    if to_create:
        _raise_flags(to_create, today=today, margin=margin, now=now, updates=updates, result=result)
    FrictionUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)


def _change(flag: FrictionPoint, ev: _Evaluation, *, note: str) -> FlagChange:
    return FlagChange(
        friction_point_id=flag.pk,
        project_id=ev.project_id,
        project_title=ev.project_title,
        title=flag.title,
        flag_kind=ev.flag_kind,
        severity=ev.severity,
        slack_days=ev.slack,
        latest_start=ev.latest_start,
        note=note,
    )


def _new_flag(ev: _Evaluation, *, today: dt.date, margin: int) -> FrictionPoint:
    return FrictionPoint(
        project_id=ev.project_id,
        title=_title(ev.flag_kind, procedure=ev.procedure_name, milestone=ev.milestone_title),
        description=_description(ev, today=today, margin=margin),
        procedure_id=ev.procedure_id,
        milestone_id=ev.milestone_id,
        category=ev.category,
        severity=ev.severity,
        status=Status.OPEN,
        source=AUTOMATIC,
        flag_kind=ev.flag_kind,
        latest_start=ev.latest_start,
        slack_days=ev.slack,
        meeting_id=ev.meeting.id if ev.meeting else None,
    )


def _insert_flags(
    evaluations: list[_Evaluation], *, today: dt.date, margin: int, now: dt.datetime
) -> list[tuple[int, str, _Evaluation]]:
    """Insert a flag per evaluation; returns (id, title, evaluation) of those inserted.

    Under the scan lock no other scan inserts flags, so the plain insert (which returns
    the ids) succeeds. A scan that did not take the lock may have raised some of them
    meanwhile: then the partial unique constraint refuses the duplicates, and the
    insert is redone skipping them (``ignore_conflicts``) and the new ids read back.
    """
    flags = [_new_flag(ev, today=today, margin=margin) for ev in evaluations]
    try:
        with transaction.atomic():
            FrictionPoint.objects.bulk_create(flags, batch_size=BATCH_SIZE)
        return [(f.pk, f.title, ev) for f, ev in zip(flags, evaluations, strict=True)]
    except IntegrityError:
        pass
    scope = sorted({ev.project_id for ev in evaluations})
    open_flags = FrictionPoint.objects.filter(source=AUTOMATIC, status__in=OPEN)
    if len(scope) <= CHUNK_SIZE:
        open_flags = open_flags.filter(project_id__in=scope)
    taken = set(open_flags.values_list("milestone_id", "procedure_id"))
    wanted = {ev.key: ev for ev in evaluations if ev.key not in taken}
    logger.warning(
        "Friction scan: %d flags were raised meanwhile by a concurrent scan.",
        len(evaluations) - len(wanted),
    )
    FrictionPoint.objects.bulk_create(
        [_new_flag(ev, today=today, margin=margin) for ev in wanted.values()],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    inserted = []
    # auto_now_add stamps every row this scan inserts with a moment after ``now``.
    for pk, milestone_id, procedure_id, title in open_flags.filter(created_at__gte=now).values_list(
        "pk", "milestone_id", "procedure_id", "title"
    ):
        ev = wanted.pop((milestone_id, procedure_id), None)
        if ev is not None:
            inserted.append((pk, title, ev))
    return inserted


def _raise_flags(
    evaluations: list[_Evaluation],
    *,
    today: dt.date,
    margin: int,
    now: dt.datetime,
    updates: list[FrictionUpdate],
    result: ScanResult,
) -> None:
    links = []
    for pk, title, ev in _insert_flags(evaluations, today=today, margin=margin, now=now):
        links.append(
            FrictionPoint.departments.through(frictionpoint_id=pk, department_id=ev.department_id)
        )
        updates.append(
            FrictionUpdate(
                friction_point_id=pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=_("Gesignaleerd op %(today)s: %(summary)s")
                % {"today": _day(today), "summary": _summary(ev, margin=margin)},
                new_status=Status.OPEN,
            )
        )
        result.raised.append(
            FlagChange(
                friction_point_id=pk,
                project_id=ev.project_id,
                project_title=ev.project_title,
                title=title,
                flag_kind=ev.flag_kind,
                severity=ev.severity,
                slack_days=ev.slack,
                latest_start=ev.latest_start,
                note=_("gesignaleerd"),
            )
        )
    FrictionPoint.departments.through.objects.bulk_create(
        links, batch_size=BATCH_SIZE, ignore_conflicts=True
    )


# --- escalation and quiet points -------------------------------------------------------------


def _escalate(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    calendar: WorkingCalendar,
    now: dt.datetime,
) -> list[PointNote]:
    """Escalate support requests the commissioner left unanswered too long (once)."""
    days = settings.BB_SUPPORT_ANSWER_DAYS
    pending = in_scope(
        FrictionPoint.objects.filter(
            status__in=OPEN,
            support_answered_at__isnull=True,
            support_requested_at__isnull=False,
            escalated_at__isnull=True,
        ).exclude(support_asked=""),
        project_ids,
    )
    candidates = pending.filter(support_requested_at__lt=_days_ago(today, days)).values_list(
        "pk",
        "support_requested_at",
        "project_id",
        "project__title",
        "title",
        "project__commissioner_id",
    )
    due: dict[int, PointNote] = {}
    for pk, requested_at, project_id, project_title, title, commissioner_id in candidates:
        requested = timezone.localdate(requested_at)
        if today > calendar.add_working_days(requested, days):
            due[pk] = PointNote(pk, project_id, project_title, title, commissioner_id, requested)
    if not due:
        return []
    locked = _lock_matching(pending, due)
    FrictionPoint.objects.filter(pk__in=locked).update(escalated_at=now, updated_at=now)
    FrictionUpdate.objects.bulk_create(
        [
            FrictionUpdate(
                friction_point_id=pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=_(
                    "Geëscaleerd op %(today)s: de ondersteuningsvraag van %(asked)s is na "
                    "%(days)s nog niet beantwoord. De opdrachtgever krijgt een herinnering."
                )
                % {"today": _day(today), "asked": _day(due[pk].since), "days": _days(days)},
            )
            for pk in locked
        ],
        batch_size=BATCH_SIZE,
    )
    return [due[pk] for pk in locked]


def _mark_stale(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    calendar: WorkingCalendar,
    now: dt.datetime,
) -> list[PointNote]:
    """Mark a person's open points without activity for too long as stale (once)."""
    days = settings.BB_STALE_DAYS
    points = in_scope(FrictionPoint.objects.filter(source=FrictionPoint.Source.PERSON), project_ids)
    # Activity after the mark makes a point lively again (the friction services also clear
    # it); without this a point could never be marked stale a second time.
    points.filter(stale_since__isnull=False, last_activity_at__gt=F("stale_since")).update(
        stale_since=None
    )
    pending = points.filter(status__in=OPEN, stale_since__isnull=True)
    candidates = pending.filter(last_activity_at__lt=_days_ago(today, days)).values_list(
        "pk",
        "last_activity_at",
        "project_id",
        "project__title",
        "title",
        "project__commissioner_id",
    )
    due: dict[int, PointNote] = {}
    for pk, last_activity_at, project_id, project_title, title, commissioner_id in candidates:
        last_activity = timezone.localdate(last_activity_at)
        if today > calendar.add_working_days(last_activity, days):
            due[pk] = PointNote(
                pk, project_id, project_title, title, commissioner_id, last_activity
            )
    if not due:
        return []
    locked = _lock_matching(pending, due)
    # updated_at stays: marking a point stale is not activity on it.
    FrictionPoint.objects.filter(pk__in=locked).update(stale_since=now)
    FrictionUpdate.objects.bulk_create(
        [
            FrictionUpdate(
                friction_point_id=pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=_(
                    "Stil sinds %(since)s: dit knelpunt staat open zonder reactie of update "
                    "in de afgelopen %(days)s."
                )
                % {"since": _day(due[pk].since), "days": _days(days)},
            )
            for pk in locked
        ],
        batch_size=BATCH_SIZE,
    )
    return [due[pk] for pk in locked]


def _days_ago(today: dt.date, days: int) -> dt.datetime:
    """Midnight ``days`` calendar days before ``today``: n working days after a moment
    span at least n calendar days, so only moments before this can be overdue."""
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time()))


def _lock_matching(pending, due: dict[int, PointNote]) -> list[int]:
    """Lock the due rows that still match ``pending``; returns their ids in order."""
    locked: list[int] = []
    for chunk in chunks(sorted(due)):
        locked.extend(pending.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
    return sorted(locked)


# --- entry point -----------------------------------------------------------------------------


def friction_scan(*, today: dt.date, project_ids: Collection[int] | None = None) -> ScanResult:
    """Scan milestones against procedure lead times and raise, update or resolve flags.

    ``today`` is the day the scan runs as (the clock is a parameter, for tests and the
    command). ``project_ids`` limits the scan to those projects (a rescan after an edit);
    ``None`` scans all. Idempotent: running it twice changes nothing the second time.
    Sends the digest e-mails after the scan's transaction has committed.
    """
    from projects.services.notifications import send_digests

    scope = None if project_ids is None else sorted({int(pk) for pk in project_ids})
    result = ScanResult(today=today)
    if scope == []:
        return result
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        _scan_lock()
        now = timezone.now()
        evaluations = _open_steps(scope)
        result.steps_scanned = len(evaluations)
        calendar = _load_calendar(today=today, dates=(ev.milestone_date for ev in evaluations))
        _scan_flags(
            today=today,
            project_ids=scope,
            evaluations=evaluations,
            calendar=calendar,
            result=result,
        )
        result.escalated = _escalate(today=today, project_ids=scope, calendar=calendar, now=now)
        result.stale = _mark_stale(today=today, project_ids=scope, calendar=calendar, now=now)
    result.mails_sent = send_digests(
        today=today, project_ids=scope, escalated=result.escalated, stale=result.stale
    )
    logger.info("Friction scan %s: %s", today.isoformat(), result.counts)
    return result
