"""Automatic flags in the demo, following the friction engine's scheduling rules.

The rules are those documented in ``projects.services.scan`` (back-scheduling from the
milestone, or from the agenda deadline of the last meeting on or before it, slack counted
from the first working day on or after today, the warning margin inclusive). Raising the
same flags here means a scan right after ``seed_demo`` agrees with the demo instead of
resolving and re-raising its flags, while the demo still dates each flag to the day the
nightly scan would have raised it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from demo.clock import Clock
from demo.specs import (
    FrictionSpec,
    MeetingRef,
    MilestoneSpec,
    ProcedureRef,
    ProjectSpec,
    Refs,
    UpdateSpec,
)
from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep, Project

Kind = FrictionPoint.FlagKind
Severity = FrictionPoint.Severity

ACTIVE_PROJECT_STATUSES = (
    Project.Status.IDEA,
    Project.Status.EXPLORATION,
    Project.Status.EXECUTION,
)
OPEN_STEP_STATUSES = (ProcedureStep.Status.TO_START, ProcedureStep.Status.IN_PROGRESS)

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(day: dt.date) -> str:
    # Written out here rather than through the active locale, so the text is the same in
    # every process that seeds the demo.
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: str
    severity: int
    latest_start: dt.date | None
    slack: int | None
    meeting: MeetingRef | None


def schedule(
    *,
    clock: Clock,
    procedure: ProcedureRef,
    milestone_date: dt.date,
    meetings: dict[str, list[MeetingRef]],
    margin: int,
) -> Schedule | None:
    """The flag the engine raises for an unfinished step, or None when the step fits."""
    calendar, today = clock.calendar, clock.today
    first_day = calendar.first_working_day_on_or_after(today)
    if milestone_date < today:
        latest = calendar.subtract_working_days(milestone_date, procedure.lead_time_days)
        slack = calendar.working_days_between(first_day, latest)
        return Schedule(Kind.MISSED, Severity.BLOCKING, latest, slack, None)
    due, meeting = milestone_date, None
    if procedure.calendar is not None:
        held = meetings.get(procedure.calendar, [])
        position = bisect_right([m.date for m in held], milestone_date) - 1
        if position < 0 or held[position].date < today:
            return Schedule(Kind.NO_MEETING, Severity.BLOCKING, None, None, None)
        meeting = held[position]
        due = meeting.agenda_deadline
    latest = calendar.subtract_working_days(due, procedure.lead_time_days)
    slack = calendar.working_days_between(first_day, latest)
    if slack < 0:
        return Schedule(Kind.LEAD_TIME, Severity.BLOCKING, latest, slack, meeting)
    if slack <= margin:
        return Schedule(Kind.LEAD_TIME, Severity.HIGH, latest, slack, meeting)
    return None


def _category(procedure: ProcedureRef) -> str:
    # As the engine: a procedure bound to a meeting calendar chafes on the agenda.
    if procedure.calendar:
        return FrictionPoint.Category.AGENDA
    return FrictionPoint.Category.PROCEDURE


def flag_title(kind: str, *, procedure: str, milestone: str) -> str:
    # The engine's wording, so a rescan keeps the title as it is.
    if kind == Kind.MISSED:
        text = f"Mijlpaal “{milestone}” verstreken: {procedure} niet afgerond"
    elif kind == Kind.NO_MEETING:
        text = f"Geen vergadering meer voor {procedure} vóór “{milestone}”"
    else:
        text = f"Doorlooptijd {procedure} knelt met “{milestone}”"
    return text[:200]


def _summary(plan: Schedule, *, procedure: ProcedureRef, milestone: MilestoneSpec) -> str:
    if plan.kind == Kind.MISSED:
        return (
            f"De mijlpaal “{milestone.title}” van {dutch_date(milestone.date)} is verstreken, "
            f"maar {procedure.name} is nog niet afgerond."
        )
    if plan.kind == Kind.NO_MEETING:
        return (
            f"Er is geen vergadering meer op of vóór {dutch_date(milestone.date)}, dus het "
            f"besluit voor {procedure.name} kan niet op tijd vallen voor “{milestone.title}”."
        )
    assert plan.latest_start is not None and plan.slack is not None
    if plan.slack < 0:
        return (
            f"{procedure.name} had uiterlijk {dutch_date(plan.latest_start)} moeten starten om "
            f"op tijd klaar te zijn voor “{milestone.title}”; die datum is {-plan.slack} "
            "werkdagen verstreken."
        )
    return (
        f"{procedure.name} moet uiterlijk {dutch_date(plan.latest_start)} starten om op tijd "
        f"klaar te zijn voor “{milestone.title}”; de speling is {plan.slack} werkdagen."
    )


def _raised_on(*, clock: Clock, plan: Schedule, milestone: MilestoneSpec, margin: int) -> dt.date:
    """The day the nightly scan first saw the problem (at the latest, the last working day)."""
    calendar = clock.calendar
    if plan.kind == Kind.MISSED:
        day = calendar.add_working_days(milestone.date, 1)
    elif plan.latest_start is not None:
        day = calendar.subtract_working_days(plan.latest_start, margin)
    else:
        day = clock.today
    return min(day, clock.day(-1))


def open_flags(*, spec: ProjectSpec, clock: Clock, refs: Refs) -> Iterator[FrictionSpec]:
    """The open flags the engine would hold for this project's unfinished steps."""
    if spec.status not in ACTIVE_PROJECT_STATUSES:
        return
    margin = settings.BB_WARNING_MARGIN_DAYS
    for index, milestone in enumerate(spec.milestones):
        for step in milestone.steps:
            if step.status not in OPEN_STEP_STATUSES:
                continue
            procedure = refs.procedures[step.procedure]
            plan = schedule(
                clock=clock,
                procedure=procedure,
                milestone_date=milestone.date,
                meetings=refs.meetings,
                margin=margin,
            )
            if plan is None:
                continue
            raised = max(
                clock.at(_raised_on(clock=clock, plan=plan, milestone=milestone, margin=margin)),
                milestone.created_at + dt.timedelta(minutes=30),
            )
            summary = _summary(plan, procedure=procedure, milestone=milestone)
            yield FrictionSpec(
                title=flag_title(plan.kind, procedure=procedure.name, milestone=milestone.title),
                created_at=raised,
                author=None,
                departments=(procedure.department,),
                description=(
                    f"Automatisch gesignaleerd op {dutch_date(raised.date())}.\n\n{summary}"
                ),
                category=_category(procedure),
                severity=plan.severity,
                source=FrictionPoint.Source.AUTOMATIC,
                flag_kind=plan.kind,
                procedure=step.procedure,
                milestone=index,
                latest_start=plan.latest_start,
                slack_days=plan.slack,
                meeting=plan.meeting.pk if plan.meeting else None,
                updates=[
                    UpdateSpec(
                        at=raised,
                        text=f"Signalering aangemaakt. {summary}",
                        author=None,
                        kind=FrictionUpdate.Kind.SYSTEM,
                    )
                ],
            )


def resolved_flag(
    *,
    clock: Clock,
    procedure: ProcedureRef,
    procedure_key: str,
    milestone: MilestoneSpec,
    milestone_index: int,
    raised: dt.datetime,
    resolved: dt.datetime,
) -> FrictionSpec:
    """A flag from the past that resolved itself when its step was finished in time."""
    latest = clock.calendar.subtract_working_days(milestone.date, procedure.lead_time_days)
    return FrictionSpec(
        title=flag_title(Kind.LEAD_TIME, procedure=procedure.name, milestone=milestone.title),
        created_at=raised,
        author=None,
        departments=(procedure.department,),
        description=(
            f"Automatisch gesignaleerd op {dutch_date(raised.date())}.\n\n{procedure.name} moest "
            f"uiterlijk {dutch_date(latest)} starten om op tijd klaar te zijn voor "
            f"“{milestone.title}”."
        ),
        category=_category(procedure),
        severity=Severity.HIGH,
        status=FrictionPoint.Status.RESOLVED,
        source=FrictionPoint.Source.AUTOMATIC,
        flag_kind=Kind.LEAD_TIME,
        procedure=procedure_key,
        milestone=milestone_index,
        latest_start=latest,
        slack_days=clock.calendar.working_days_between(resolved.date(), latest),
        closed_at=resolved,
        updates=[
            UpdateSpec(
                at=raised,
                text=f"Signalering aangemaakt: {procedure.name} knelt met “{milestone.title}”.",
                author=None,
                kind=FrictionUpdate.Kind.SYSTEM,
            ),
            UpdateSpec(
                at=resolved,
                text=f"Vervallen: {procedure.name} is afgerond.",
                author=None,
                kind=FrictionUpdate.Kind.SYSTEM,
                old_status=FrictionPoint.Status.OPEN,
                new_status=FrictionPoint.Status.RESOLVED,
            ),
        ],
    )


def engine_marks_apply(*, spec: ProjectSpec, clock: Clock) -> None:
    """Escalate and mark quiet what the nightly scan would have by now (once each)."""
    calendar, today = clock.calendar, clock.today
    last_day = clock.day(-1)
    for f in spec.frictions:
        if f.status not in FrictionPoint.OPEN_STATUSES:
            continue
        if f.support_asked and f.support_requested_at and not f.support_answered_at:
            asked = f.support_requested_at.date()
            due = calendar.add_working_days(asked, settings.BB_SUPPORT_ANSWER_DAYS)
            if today > due and f.escalated_at is None:
                f.escalated_at = clock.at(min(due + dt.timedelta(days=1), last_day), 1)
                f.updates.append(
                    UpdateSpec(
                        at=f.escalated_at,
                        text=(
                            f"Geëscaleerd op {dutch_date(f.escalated_at.date())}: de "
                            f"ondersteuningsvraag van {dutch_date(asked)} is na "
                            f"{settings.BB_SUPPORT_ANSWER_DAYS} werkdagen nog niet beantwoord. "
                            "De opdrachtgever krijgt een herinnering."
                        ),
                        author=None,
                        kind=FrictionUpdate.Kind.SYSTEM,
                    )
                )
        if f.source == FrictionPoint.Source.PERSON:
            active = f.last_activity_at.date()
            due = calendar.add_working_days(active, settings.BB_STALE_DAYS)
            if today > due:
                f.stale_since = clock.at(min(due + dt.timedelta(days=1), last_day), 2)
                f.updates.append(
                    UpdateSpec(
                        at=f.stale_since,
                        text=(
                            f"Stil sinds {dutch_date(active)}: dit knelpunt staat open zonder "
                            "reactie of update in de afgelopen "
                            f"{settings.BB_STALE_DAYS} werkdagen."
                        ),
                        author=None,
                        kind=FrictionUpdate.Kind.SYSTEM,
                    )
                )
