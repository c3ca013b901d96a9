"""Reconcile the automatic flags with the schedule: update, refresh and resolve them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, F, Q
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
