"""Celery tasks of the friction engine: thin wrappers around ``friction_scan``.

They take ids and ISO dates, never model instances, and are idempotent: the scan raises
one flag per situation whatever runs twice. A database that is briefly away is retried
with exponential backoff.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.utils import timezone

from projects.services.insight import insight_refresh
from projects.services.scan import friction_scan
from web.history import history_context

RETRY_OPTIONS = {
    "autoretry_for": (DatabaseOperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


# The audit trail names the scan as the actor of the flags it raises, updates and resolves.
@shared_task(name="projects.tasks.scan_friction", **RETRY_OPTIONS)
@history_context(actor="friction_scan")
def scan_friction(today: str | None = None) -> dict[str, int]:
    """The scheduled scan of all projects; ``today`` (YYYY-MM-DD) defaults to the date."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return friction_scan(today=day).counts


@shared_task(name="projects.tasks.rescan_projects", **RETRY_OPTIONS)
@history_context(actor="friction_scan")
def rescan_projects(project_ids: list[int]) -> dict[str, int]:
    """Rescan these projects after an edit (see ``projects.services.rescan``)."""
    return friction_scan(today=timezone.localdate(), project_ids=project_ids).counts


@shared_task(name="projects.tasks.refresh_insight", **RETRY_OPTIONS)
def refresh_insight() -> int:
    """Recompute the figures of "Waar wringt het?" (see ``projects.services.insight``);
    returns the number of buckets."""
    return len(insight_refresh().buckets)
