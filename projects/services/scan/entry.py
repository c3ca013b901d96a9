"""The entry point: one transaction under the scan lock, then the digest e-mails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from projects.services.scan.common import SCAN_LOCK_KEY, logger
from projects.services.scan.escalation import _escalate, _mark_stale
from projects.services.scan.flags import _scan_flags
from projects.services.scan.planning import _load_calendar, _open_steps
from projects.services.scan.results import ScanResult


def _scan_lock() -> None:
    """Serialise scans on PostgreSQL for the rest of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])


def friction_scan(*, today: dt.date, project_ids: Collection[int] | None = None) -> ScanResult:
    """Scan milestones against procedure lead times and raise, update or resolve flags.

    ``today`` is the day the scan runs as (the clock is a parameter, for tests and the
    command). ``project_ids`` limits the scan to those projects (a rescan after an edit);
    ``None`` scans all. Idempotent: running it twice changes nothing the second time.
    Sends the digest e-mails after the scan's transaction has committed.
    """
    from projects.services.scan.digests import send_digests

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
