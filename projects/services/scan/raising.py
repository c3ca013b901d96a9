"""Raise new flags: insert them, link their department and add their first timeline entry."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from projects.models import FrictionPoint, FrictionUpdate
from projects.services.scan.common import (
    AUTOMATIC,
    BATCH_SIZE,
    CHUNK_SIZE,
    OPEN,
    Status,
    logger,
)
from projects.services.scan.planning import _Evaluation
from projects.services.scan.results import FlagChange, ScanResult
from projects.services.scan.texts import _day, _description, _summary, _title


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
            FlagChange.of(pk, title, source=ev, slack_days=ev.slack, note=_("gesignaleerd"))
        )
    FrictionPoint.departments.through.objects.bulk_create(
        links, batch_size=BATCH_SIZE, ignore_conflicts=True
    )
