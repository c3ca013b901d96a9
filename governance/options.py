"""The organisation's option lists, kept in the cache: departments (with their sector),
active procedures, closed days and the meetings of each meeting calendar.

Every form that asks "which department?" or "which procedure?", and every working-day
calculation, reads these lists. They change only when a Beheerder edits the
organisation (admin or CSV import), so they are read from the cache under a version that
every save or delete of a sector, department, procedure, closed day, meeting calendar or
meeting replaces (``governance.apps``). Bulk writes that bypass signals call
``options_changed``; the entries also expire after ``TIMEOUT`` seconds as a safety net.

Validation never trusts these lists: forms still check a submitted id against the
database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

if TYPE_CHECKING:
    from governance.models import Meeting

VERSION_KEY = "bb-governance:version"
TIMEOUT = 600


@dataclass(frozen=True, slots=True)
class DepartmentOption:
    pk: int
    name: str
    sector: str


@dataclass(frozen=True, slots=True)
class ProcedureOption:
    pk: int
    name: str
    department_id: int
    department: str


# True inside ``options_changed_once``: the saves there leave the version alone.
_batched: ContextVar[bool] = ContextVar("bb_governance_options_batched", default=False)


def options_changed() -> None:
    """Forget every cached list (call after writes that send no model signals)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def options_batched() -> bool:
    return _batched.get()


@contextmanager
def options_changed_once() -> Iterator[None]:
    """Many writes, one new version: inside, saves and deletes do not each replace the
    version (two cache round trips per row, one of them after the commit); it is
    replaced once on the way out and again after the commit, as a single save does.
    Nobody reads the lists inside (the CSV import), so nothing stale is served there."""
    token = _batched.set(True)
    try:
        yield
    finally:
        _batched.reset(token)
        options_changed()
        transaction.on_commit(options_changed)


def _key(name: str) -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
    return f"bb-governance:{version}:{name}"


def departments() -> list[DepartmentOption]:
    """Every department, by sector then name."""
    key = _key("departments")
    options = cache.get(key)
    if options is None:
        from governance.models import Department

        options = [
            DepartmentOption(pk, name, sector)
            for pk, name, sector in Department.objects.order_by("sector__name", "name").values_list(
                "pk", "name", "sector__name"
            )
        ]
        cache.set(key, options, TIMEOUT)
    return options


def departments_by_sector(exclude: Iterable[int] = ()) -> dict[str, list[tuple[int, str]]]:
    """The departments as choices grouped by sector (for ``<optgroup>``s)."""
    left_out = set(exclude)
    grouped: dict[str, list[tuple[int, str]]] = {}
    for department in departments():
        if department.pk not in left_out:
            grouped.setdefault(department.sector, []).append((department.pk, department.name))
    return grouped


def procedures() -> list[ProcedureOption]:
    """The active procedures, by owning department then name."""
    key = _key("procedures")
    options = cache.get(key)
    if options is None:
        from governance.models import Procedure

        rows = (
            Procedure.objects.filter(is_active=True)
            .order_by("department__name", "department_id", "name")
            .values_list("pk", "name", "department_id", "department__name")
        )
        options = [ProcedureOption(*row) for row in rows]
        cache.set(key, options, TIMEOUT)
    return options


def closed_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The organisation's closed days from ``first`` to ``last``, inclusive."""
    key = _key(f"closed:{first.isoformat()}:{last.isoformat()}")
    days = cache.get(key)
    if days is None:
        from governance.models import ClosedDay

        days = list(
            ClosedDay.objects.filter(date__range=(first, last))
            .order_by("date")
            .values_list("date", flat=True)
        )
        cache.set(key, days, TIMEOUT)
    return days


def meetings(calendar_ids: Iterable[int]) -> dict[int, list[Meeting]]:
    """Every meeting of these calendars by date, keyed by calendar (with ``calendar``
    loaded); one query for the calendars not cached yet."""
    keys = {calendar_id: _key(f"meetings:{calendar_id}") for calendar_id in set(calendar_ids)}
    cached = cache.get_many(keys.values())
    found = {calendar_id: cached[key] for calendar_id, key in keys.items() if key in cached}
    missing = keys.keys() - found.keys()
    if missing:
        from governance.models import Meeting

        loaded: dict[int, list[Meeting]] = {calendar_id: [] for calendar_id in missing}
        rows = (
            Meeting.objects.filter(calendar_id__in=missing)
            .select_related("calendar")
            .order_by("date", "pk")
        )
        for meeting in rows:
            loaded[meeting.calendar_id].append(meeting)
        cache.set_many({keys[calendar_id]: loaded[calendar_id] for calendar_id in missing}, TIMEOUT)
        found.update(loaded)
    return found
