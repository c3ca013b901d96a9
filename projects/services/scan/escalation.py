"""Escalation of unanswered support requests and stale marks on quiet points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.calendar import WorkingCalendar
from projects.models import FrictionPoint, FrictionUpdate
from projects.services.scan.common import BATCH_SIZE, OPEN, chunks, in_scope
from projects.services.scan.results import PointNote
from projects.services.scan.texts import _day, _days


def _escalate(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    calendar: WorkingCalendar,
    now: dt.datetime,
) -> list[PointNote]:
    """Escalate support requests the commissioner left unanswered too long (once)."""
    days = settings.BB_SUPPORT_ANSWER_DAYS
    pending = in_scope(
        FrictionPoint.objects.filter(
            status__in=OPEN,
            support_answered_at__isnull=True,
            support_requested_at__isnull=False,
            escalated_at__isnull=True,
        ).exclude(support_asked=""),
        project_ids,
    )
    candidates = pending.filter(support_requested_at__lt=_days_ago(today, days)).values_list(
        "pk",
        "support_requested_at",
        "project_id",
        "project__title",
        "title",
        "project__commissioner_id",
    )
    due: dict[int, PointNote] = {}
    for pk, requested_at, project_id, project_title, title, commissioner_id in candidates:
        requested = timezone.localdate(requested_at)
        if today > calendar.add_working_days(requested, days):
            due[pk] = PointNote(pk, project_id, project_title, title, commissioner_id, requested)
    if not due:
        return []
    locked = _lock_matching(pending, due)
    FrictionPoint.objects.filter(pk__in=locked).update(escalated_at=now, updated_at=now)
    FrictionUpdate.objects.bulk_create(
        [
            FrictionUpdate(
                friction_point_id=pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=_(
                    "Geëscaleerd op %(today)s: de ondersteuningsvraag van %(asked)s is na "
                    "%(days)s nog niet beantwoord. De opdrachtgever krijgt een herinnering."
                )
                % {"today": _day(today), "asked": _day(due[pk].since), "days": _days(days)},
            )
            for pk in locked
        ],
        batch_size=BATCH_SIZE,
    )
    return [due[pk] for pk in locked]


def _mark_stale(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    calendar: WorkingCalendar,
    now: dt.datetime,
) -> list[PointNote]:
    """Mark a person's open points without activity for too long as stale (once)."""
    days = settings.BB_STALE_DAYS
    points = in_scope(FrictionPoint.objects.filter(source=FrictionPoint.Source.PERSON), project_ids)
    # Activity after the mark makes a point lively again (the friction services also clear
    # it); without this a point could never be marked stale a second time.
    points.filter(stale_since__isnull=False, last_activity_at__gt=F("stale_since")).update(
        stale_since=None
    )
    pending = points.filter(status__in=OPEN, stale_since__isnull=True)
    candidates = pending.filter(last_activity_at__lt=_days_ago(today, days)).values_list(
        "pk",
        "last_activity_at",
        "project_id",
        "project__title",
        "title",
        "project__commissioner_id",
    )
    due: dict[int, PointNote] = {}
    for pk, last_activity_at, project_id, project_title, title, commissioner_id in candidates:
        last_activity = timezone.localdate(last_activity_at)
        if today > calendar.add_working_days(last_activity, days):
            due[pk] = PointNote(
                pk, project_id, project_title, title, commissioner_id, last_activity
            )
    if not due:
        return []
    locked = _lock_matching(pending, due)
    # updated_at stays: marking a point stale is not activity on it.
    FrictionPoint.objects.filter(pk__in=locked).update(stale_since=now)
    FrictionUpdate.objects.bulk_create(
        [
            FrictionUpdate(
                friction_point_id=pk,
                kind=FrictionUpdate.Kind.SYSTEM,
                text=_(
                    "Stil sinds %(since)s: dit knelpunt staat open zonder reactie of update "
                    "in de afgelopen %(days)s."
                )
                % {"since": _day(due[pk].since), "days": _days(days)},
            )
            for pk in locked
        ],
        batch_size=BATCH_SIZE,
    )
    return [due[pk] for pk in locked]


def _days_ago(today: dt.date, days: int) -> dt.datetime:
    """Midnight ``days`` calendar days before ``today``: n working days after a moment
    span at least n calendar days, so only moments before this can be overdue."""
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time()))


def _lock_matching(pending, due: dict[int, PointNote]) -> list[int]:
    """Lock the due rows that still match ``pending``; returns their ids in order."""
    locked: list[int] = []
    for chunk in chunks(sorted(due)):
        locked.extend(pending.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
    return sorted(locked)
