"""Reconcile the automatic flags with the schedule: update, refresh and resolve them.

The decisions are plain functions of what the scan read (``_closed_cover``, ``_sort_out``,
``_orphan_reason``, ``_apply_changes``, ``_apply_resolutions``); ``_scan_flags`` only reads
and writes the rows around them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.calendar import WorkingCalendar
from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep
from projects.services.scan.common import (
    ACTIVE_PROJECT_STATUSES,
    AUTOMATIC,
    BATCH_SIZE,
    OPEN,
    Status,
    chunks,
    in_scope,
)
from projects.services.scan.planning import _Evaluation, _meetings_by_calendar, _schedule
from projects.services.scan.raising import _raise_flags
from projects.services.scan.results import FlagChange, ScanResult
from projects.services.scan.texts import _change_text, _day, _resolve_text, _title

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
# What a rescan writes: the engine's fields of a changed flag, and those of a resolved one.
_CHANGED_FIELDS = (
    "title",
    "flag_kind",
    "severity",
    "latest_start",
    "slack_days",
    "meeting",
    "updated_at",
    "version",
)
_RESOLVED_FIELDS = ("status", "closed_at", "updated_at", "version", "latest_start", "slack_days")
# A closed flag's situation (milestone, procedure, kind, latest start) and its severity.
_CLOSED_FIELDS = ("milestone_id", "procedure_id", "flag_kind", "latest_start", "severity")
_LOCKED_FIELDS = ("pk", "status", "flag_kind", "severity", "latest_start", "meeting_id")
_STEP_FIELDS = ("milestone_id", "procedure_id", "status", "done_on")

# (status, kind, severity, latest start, meeting id) of a flag still open, by id.
StillOpen = Mapping[int, tuple]


@dataclass(slots=True)
class _Plan:
    """What a rescan does with each flag it read."""

    create: list[_Evaluation] = field(default_factory=list)
    change: list[tuple[FrictionPoint, _Evaluation]] = field(default_factory=list)
    refresh: list[FrictionPoint] = field(default_factory=list)
    resolve: list[FrictionPoint] = field(default_factory=list)


def _lock_still_open(pks: Sequence[int]) -> dict[int, tuple]:
    """Lock the rows; returns (status, kind, severity, latest start, meeting) of those
    still open, to compare with what the scan read before."""
    still_open: dict[int, tuple] = {}
    for chunk in chunks(pks):
        rows = (
            FrictionPoint.objects.select_for_update()
            .filter(pk__in=chunk, status__in=OPEN)
            .values_list(*_LOCKED_FIELDS)
        )
        still_open.update((pk, tuple(rest)) for pk, *rest in rows)
    return still_open


def _engine_state(flag: FrictionPoint) -> tuple:
    return (flag.flag_kind, flag.severity, flag.latest_start, flag.meeting_id)


def _wanted_state(ev: _Evaluation) -> tuple:
    """The engine's fields as the schedule wants them, in the order of ``_engine_state``."""
    return (ev.flag_kind, ev.severity, ev.latest_start, ev.meeting.id if ev.meeting else None)


def _closed_cover(rows: Iterable[tuple]) -> dict[tuple, int]:
    """The highest severity a person closed per situation (milestone, procedure, kind,
    latest start), from rows of ``_CLOSED_FIELDS``."""
    cover: dict[tuple, int] = {}
    for *situation, severity in rows:
        key = tuple(situation)
        cover[key] = max(severity, cover.get(key, severity))
    return cover


def _sort_out(
    evaluations: Iterable[_Evaluation],
    *,
    open_flags: Sequence[FrictionPoint],
    closed_cover: Mapping[tuple, int],
) -> _Plan:
    """Decide per flag: raise, change (news), refresh the slack (no news) or resolve.

    A situation a person closed is not raised again unless it got worse. A refreshed
    flag gets its new slack here already.
    """
    open_by_key = {(f.milestone_id, f.procedure_id): f for f in open_flags}
    plan = _Plan()
    flagged = set()
    for ev in evaluations:
        if not ev.flag_kind:
            continue
        flagged.add(ev.key)
        flag = open_by_key.get(ev.key)
        if flag is None:
            situation = (ev.milestone_id, ev.procedure_id, ev.flag_kind, ev.latest_start)
            closed = closed_cover.get(situation)
            if closed is None or closed < ev.severity:
                plan.create.append(ev)
        elif _engine_state(flag) != _wanted_state(ev):
            plan.change.append((flag, ev))
        elif flag.slack_days != ev.slack:
            flag.slack_days = ev.slack
            plan.refresh.append(flag)
    plan.resolve = [f for f in open_flags if (f.milestone_id, f.procedure_id) not in flagged]
    return plan


def _orphan_reason(flag: FrictionPoint, step: tuple[str, dt.date | None] | None) -> str:
    """Why an open flag no longer matches any unfinished step; ``step`` is the (status,
    done on) of its milestone's step for its procedure, if that step still exists."""
    if flag.milestone_id is None:
        return _("de mijlpaal bestaat niet meer.")
    if not flag.project_active:
        return _("het project is afgerond, gestopt of gearchiveerd.")
    status, done_on = step or (None, None)
    if status == ProcedureStep.Status.DONE:
        return _("de procedure is afgerond op %(date)s.") % {
            "date": _day(done_on) if done_on else "-"
        }
    if status == ProcedureStep.Status.NOT_NEEDED:
        return _("de procedure is niet meer nodig voor deze mijlpaal.")
    return _("de procedure hoort niet meer bij deze mijlpaal.")


def _orphan_reasons(flags: Sequence[FrictionPoint]) -> dict[int, str]:
    """``_orphan_reason`` of each flag (one query)."""
    milestone_ids = sorted({f.milestone_id for f in flags if f.milestone_id is not None})
    steps: dict[tuple[int, int], tuple[str, dt.date | None]] = {}
    for chunk in chunks(milestone_ids):
        for milestone_id, procedure_id, *step in ProcedureStep.objects.filter(
            milestone_id__in=chunk
        ).values_list(*_STEP_FIELDS):
            steps[(milestone_id, procedure_id)] = tuple(step)
    return {
        flag.pk: _orphan_reason(flag, steps.get((flag.milestone_id, flag.procedure_id)))
        for flag in flags
    }


def _apply_changes(
    pairs: Iterable[tuple[FrictionPoint, _Evaluation]],
    *,
    still_open: StillOpen,
    today: dt.date,
    margin: int,
    now: dt.datetime,
    result: ScanResult,
) -> tuple[list[FrictionPoint], list[FrictionUpdate]]:
    """Give each flag the engine's new state, with a timeline entry saying what changed.

    A flag closed meanwhile, or already recomputed by a scan that ran meanwhile (its
    locked state differs from what was read), is left alone. The title follows a change
    of kind only while it is still the engine's title for the old kind.
    """
    changed: list[FrictionPoint] = []
    updates: list[FrictionUpdate] = []
    for flag, ev in pairs:
        locked = still_open.get(flag.pk)
        if locked is None or locked[1:] != _engine_state(flag):
            continue
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
    return changed, updates


def _apply_resolutions(
    flags: Iterable[FrictionPoint],
    *,
    still_open: StillOpen,
    by_key: Mapping[tuple[int, int], _Evaluation],
    orphan_reasons: Mapping[int, str],
    today: dt.date,
    margin: int,
    now: dt.datetime,
    result: ScanResult,
) -> tuple[list[FrictionPoint], list[FrictionUpdate]]:
    """Resolve each flag still open (``vervallen``), with a timeline entry that explains
    why: the step's new schedule when it is still scheduled, else the orphan reason."""
    resolved: list[FrictionPoint] = []
    updates: list[FrictionUpdate] = []
    for flag in flags:
        if flag.pk not in still_open:
            continue
        ev = by_key.get((flag.milestone_id, flag.procedure_id))
        # The orphan reason is there for exactly the flags whose step is no longer scheduled.
        reason = orphan_reasons[flag.pk] if ev is None else ""
        text = _resolve_text(reason, today=today, margin=margin, ev=ev)
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
            FlagChange.of(
                flag.pk, flag.title, source=flag, slack_days=flag.slack_days, note=_("vervallen")
            )
        )
    return resolved, updates


def _open_flags(project_ids: Sequence[int] | None) -> list[FrictionPoint]:
    """The open automatic flags in scope, with whether their project still runs."""
    return list(
        in_scope(FrictionPoint.objects.filter(source=AUTOMATIC, status__in=OPEN), project_ids)
        .annotate(
            project_active=Q(project__archived_at__isnull=True)
            & Q(project__status__in=ACTIVE_PROJECT_STATUSES),
            meeting_date=F("meeting__date"),
            project_title=F("project__title"),
        )
        .only(*_FLAG_FIELDS)
        .order_by("pk")
    )


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
    meetings = _meetings_by_calendar(evaluations, today=today)
    _schedule(evaluations, today=today, calendar=calendar, meetings=meetings, margin=margin)
    by_key = {ev.key: ev for ev in evaluations}

    open_flags = _open_flags(project_ids)
    closed = FrictionPoint.objects.filter(
        source=AUTOMATIC, status=Status.CLOSED, milestone__isnull=False
    )
    plan = _sort_out(
        evaluations,
        open_flags=open_flags,
        closed_cover=_closed_cover(in_scope(closed, project_ids).values_list(*_CLOSED_FIELDS)),
    )
    orphan_reasons = _orphan_reasons(
        [f for f in plan.resolve if (f.milestone_id, f.procedure_id) not in by_key]
    )

    still_open = _lock_still_open(
        [f.pk for f, _ev in plan.change]
        + [f.pk for f in plan.resolve]
        + [f.pk for f in plan.refresh]
    )
    changed, updates = _apply_changes(
        plan.change, still_open=still_open, today=today, margin=margin, now=now, result=result
    )
    FrictionPoint.objects.bulk_update(changed, _CHANGED_FIELDS, batch_size=BATCH_SIZE)
    FrictionPoint.objects.bulk_update(
        [f for f in plan.refresh if f.pk in still_open], ["slack_days"], batch_size=BATCH_SIZE
    )
    resolved, resolve_updates = _apply_resolutions(
        plan.resolve,
        still_open=still_open,
        by_key=by_key,
        orphan_reasons=orphan_reasons,
        today=today,
        margin=margin,
        now=now,
        result=result,
    )
    updates += resolve_updates
    FrictionPoint.objects.bulk_update(resolved, _RESOLVED_FIELDS, batch_size=BATCH_SIZE)

    if plan.create:
        _raise_flags(
            plan.create, today=today, margin=margin, now=now, updates=updates, result=result
        )
    FrictionUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)


def _change(flag: FrictionPoint, ev: _Evaluation, *, note: str) -> FlagChange:
    return FlagChange.of(flag.pk, flag.title, source=ev, slack_days=ev.slack, note=note)
