"""The computation: load the unfinished steps and schedule them back from their milestones."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from governance.calendar import WorkingCalendar
from governance.models import Meeting
from projects.models import FrictionPoint, ProcedureStep
from projects.services.scan.common import (
    ACTIVE_PROJECT_STATUSES,
    OPEN_STEP_STATUSES,
    Kind,
    Severity,
)


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
    evaluations: Sequence[_Evaluation], *, today: dt.date
) -> dict[int, tuple[list[dt.date], list[_Meeting]]]:
    """Meetings from ``today`` up to the last milestone, for each calendar an evaluation is
    bound to, sorted by date (one query; none when no procedure is bound to a calendar)."""
    by_calendar: dict[int, tuple[list[dt.date], list[_Meeting]]] = {}
    calendar_ids = {ev.calendar_id for ev in evaluations if ev.calendar_id is not None}
    if not calendar_ids:
        return by_calendar
    until = max(ev.milestone_date for ev in evaluations)
    rows = (
        Meeting.objects.filter(calendar_id__in=calendar_ids, date__gte=today, date__lte=until)
        .order_by("date")
        .values_list("calendar_id", "id", "date", "agenda_deadline", "calendar__name")
    )
    for calendar_id, *meeting in rows:
        dates, meetings = by_calendar.setdefault(calendar_id, ([], []))
        dates.append(meeting[1])
        meetings.append(_Meeting(*meeting))
    return by_calendar


def _load_calendar(*, today: dt.date, dates: Iterable[dt.date]) -> WorkingCalendar:
    first, last = today, today
    for day in dates:
        first, last = min(first, day), max(last, day)
    # A year back covers latest starts before early milestones and old support requests.
    return WorkingCalendar.load(start=dt.date(first.year - 1, 1, 1), end=last)


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
