"""Rescan projects after an edit that can change their friction.

Changing a milestone date, a step's status or a procedure's lead time (or its meeting
calendar) can raise or resolve flags. The services that make those changes call
``rescan_enqueue``; the rescan runs in a worker once the change has committed.

The broker may be down: enqueueing then logs a warning and the request still succeeds.
One publish attempt, no retry loop, a connect timeout of a second
(``CELERY_BROKER_TRANSPORT_OPTIONS``); the next scheduled scan catches up.

``governance`` does not import ``projects``, so the admin of procedures and meeting
calendars calls ``rescan_enqueue_for_procedure`` / ``rescan_enqueue_for_meeting_calendar``
from a ModelAdmin that lives in ``projects``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from projects.models import FrictionPoint, ProcedureStep
from web.broker import BROKER_ERRORS, task_publish

logger = logging.getLogger(__name__)


def rescan_enqueue(*, project_ids: Iterable[int]) -> None:
    """Schedule ``projects.tasks.rescan_projects`` for these projects after the commit.

    Safe inside a request: never raises for a broker that is down or slow.
    """
    ids = sorted({int(pk) for pk in project_ids})
    if ids:
        # robust: whatever else goes wrong after the commit is logged, not raised.
        transaction.on_commit(partial(_publish, ids), robust=True)


def rescan_enqueue_for_procedure(*, procedure_id: int) -> None:
    """Rescan the projects whose open steps or open flags use this procedure.

    Call after a procedure's lead time or meeting calendar changed (the admin).
    """
    steps = ProcedureStep.objects.filter(
        procedure_id=procedure_id,
        status__in=[ProcedureStep.Status.TO_START, ProcedureStep.Status.IN_PROGRESS],
    ).values_list("milestone__project_id", flat=True)
    flags = FrictionPoint.objects.filter(
        procedure_id=procedure_id,
        source=FrictionPoint.Source.AUTOMATIC,
        status__in=FrictionPoint.OPEN_STATUSES,
    ).values_list("project_id", flat=True)
    rescan_enqueue(project_ids=[*steps.distinct(), *flags.distinct()])


def rescan_enqueue_for_meeting_calendar(*, calendar_id: int) -> None:
    """Rescan the projects with open steps bound to this meeting calendar.

    Call after meetings of the calendar were added, moved or removed (the admin).
    """
    steps = ProcedureStep.objects.filter(
        procedure__meeting_calendar_id=calendar_id,
        status__in=[ProcedureStep.Status.TO_START, ProcedureStep.Status.IN_PROGRESS],
    ).values_list("milestone__project_id", flat=True)
    rescan_enqueue(project_ids=steps.distinct())


def _publish(project_ids: list[int]) -> None:
    try:
        # Like .delay(project_ids), but one attempt: a retry loop would hold the request.
        task_publish("projects.tasks.rescan_projects", args=[project_ids])
    except BROKER_ERRORS as exc:
        logger.warning(
            "Friction rescan of projects %s not queued, the broker is unreachable (%s); "
            "the next scheduled scan catches up.",
            project_ids,
            exc,
        )
