"""Constants and small helpers every part of the scan shares."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from projects.models import FrictionPoint, ProcedureStep, Project

# The package's name, as before the scan was split into modules.
logger = logging.getLogger(__package__)

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


def chunks(items: Sequence[int], size: int = CHUNK_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_scope(queryset: QuerySet, project_ids: Sequence[int] | None) -> QuerySet:
    """``queryset`` of friction points limited to the projects of a scoped scan."""
    return queryset if project_ids is None else queryset.filter(project_id__in=project_ids)
