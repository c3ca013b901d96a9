"""The figures of "Waar wringt het?", kept as one snapshot in the cache and refreshed by a
worker (``projects.tasks.refresh_insight``). The counting itself is a read:
``projects.selectors.insight``; this module writes the cache and enqueues the refresh."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.utils import timezone

from projects.permissions import AnyUser
from projects.selectors.insight import (
    InsightFigures,
    Partials,
    Snapshot,
    build_heatmap,
    build_quarters,
    build_resolve_times,
    compute_partials,
    counted_friction,
    last_change,
    recount,
    shards_left_shared_figures,
    shared_partials,
    visible_confidential,
)
from web.broker import BROKER_ERRORS, task_publish

logger = logging.getLogger(__name__)

SNAPSHOT_KEY = "bb-insight:snapshot:v2"
REFRESH_LOCK_KEY = "bb-insight:refreshing"
REFRESH_LOCK_SECONDS = 120


def insight_refresh(*, today: dt.date | None = None) -> Snapshot:
    """Compute the snapshot of all figures now and keep it (the task
    ``projects.tasks.refresh_insight`` runs this in a worker)."""
    day = today or timezone.localdate()
    try:
        started_at = timezone.now()
        source = last_change()  # before counting: a change meanwhile makes it stale
        buckets = compute_partials(counted_friction(), today=day)
        snapshot = Snapshot(
            buckets=buckets,
            shared=shared_partials(buckets),
            day=day,
            source=source,
            started_at=started_at,
            computed_at=timezone.now(),
        )
        cache.set(SNAPSHOT_KEY, snapshot, None)
    finally:
        cache.delete(REFRESH_LOCK_KEY)
    return snapshot


def _request_refresh() -> None:
    """Ask a worker to recompute the snapshot, once at a time. Without a broker
    (``CELERY_TASK_ALWAYS_EAGER``) it runs here and now; a broker that is down only
    leaves the figures as they were (logged)."""
    if not cache.add(REFRESH_LOCK_KEY, 1, REFRESH_LOCK_SECONDS):
        return
    try:
        task_publish("projects.tasks.refresh_insight")
    except BROKER_ERRORS as exc:
        cache.delete(REFRESH_LOCK_KEY)
        logger.warning("Insight figures not refreshed, the broker is unreachable (%s)", exc)


def insight_figures(*, user: AnyUser, today: dt.date) -> InsightFigures:
    """Every aggregate of the page for this user, from the snapshot.

    The aggregates read all friction points (about 100,000 at 10,000 projects: most of a
    second of SQL), so they are not computed per request. One snapshot holds them for
    everyone, split into buckets: the points on projects anyone may see (in shards by
    project id), and per confidential project its own. A user's figures add up the
    buckets they may see, so a confidential project never counts for someone who may not
    see it, and who may see it is checked on every request.

    A change to any friction point makes the snapshot stale: the page still shows it
    (with the time it was computed) and a worker recomputes it (without a broker, as in
    development and tests, that happens at once, so a change shows at once). Only an
    empty cache (the first view after a deploy or a flush) computes it in the request.
    One change cannot wait for the worker: a project made confidential or archived since
    the snapshot began leaves the shared figures in the very next request, broker or
    not, because the shards holding it are counted again in that request.
    """
    snapshot: Snapshot | None = cache.get(SNAPSHOT_KEY)
    if snapshot is None:
        snapshot = insight_refresh(today=today)
    elif snapshot.source != last_change() or snapshot.day != today:
        _request_refresh()
        snapshot = cache.get(SNAPSHOT_KEY) or snapshot
        if shards := shards_left_shared_figures(snapshot):
            snapshot = recount(snapshot, shards, today=snapshot.day)
    seen = visible_confidential(user)
    total = Partials()
    total.add(snapshot.shared)
    for bucket, partials in snapshot.buckets.items():
        if bucket >= 0 and (seen is None or bucket in seen):
            total.add(partials)
    return InsightFigures(
        heatmap=build_heatmap(total.heat),
        procedures=list(total.procedures.values()),
        resolve_times=build_resolve_times(total.resolve),
        quarters=build_quarters(total.quarters, today=today),
        lessons=total.lessons,
        computed_at=snapshot.computed_at,
    )
