"""`make bench`: server-side figures on a large organisation in PostgreSQL.

Builds ``seed_demo --projects 10000`` once (reused when the database already holds it),
then for each page prints the SQL queries per request, the median and 95th percentile
of the server time over REQUESTS requests, and the ratio of the page's median to the
median of its slowest SQL query run alone ("main SQL"). The insight page caches its
aggregates for a minute, so it is measured twice: as users meet it, and with the cache
cleared before every request. It also times the friction scan, the streamed CSV
export of all friction (time to the first line, peak memory) and the organisation import
of a 5 MB file of 50,000 procedures (scripts/bench_import.py).

Usage: DATABASE_URL=postgres://... .venv/bin/python scripts/bench.py [--projects N]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

# The table is the output: login and security lines of every request stay out of it.
logging.disable(logging.INFO)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app as celery_app  # noqa: E402
from projects.models import FrictionPoint, Milestone, ProcedureStep, Project  # noqa: E402

REQUESTS = 30


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ensure_data(projects: int) -> None:
    if Project.objects.count() >= projects:
        print(f"reusing the {Project.objects.count()} projects already in the database")
    else:
        print(f"building seed_demo --projects {projects} (once) ...", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", projects=projects)
        print(f"seed_demo took {time.perf_counter() - started:.1f} s")
    vacuum_analyze()


def vacuum_analyze() -> None:
    """Fresh planner statistics and visibility maps, as autovacuum keeps them on a live
    database: right after a bulk load (or the scan's first writes) PostgreSQL still
    estimates the tables as nearly empty and cannot answer from an index alone."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# A model choice field reads its options through a server-side cursor: time its SELECT.
DECLARE_CURSOR = re.compile(r"^DECLARE .*? CURSOR (?:WITH(?:OUT)? HOLD )?FOR (SELECT .*)$", re.S)


def time_query(sql: str, params) -> float:
    declared = DECLARE_CURSOR.match(sql)
    if declared:
        sql = declared.group(1)
    samples = []
    with connection.cursor() as cursor:
        for _ in range(10):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def touch_friction() -> None:
    """A change to one friction point: the insight page's snapshot is stale after it."""
    FrictionPoint.objects.filter(pk=FrictionPoint.objects.order_by("-pk").values("pk")[:1]).update(
        updated_at=timezone.now()
    )


def measure_page(client: Client, url: str, *, cold: bool = False) -> dict[str, float | int | str]:
    response = client.get(url)  # warm caches and connections
    if response.status_code != 200:
        return {"status": response.status_code}
    durations: list[float] = []
    slowest: tuple[float, str] = (0.0, "")
    query_count = 0
    for _ in range(REQUESTS):
        if cold:
            touch_friction()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            durations.append(time.perf_counter() - started)
        query_count = len(captured.captured_queries)
        for query in captured.captured_queries:
            if float(query["time"]) > slowest[0]:
                slowest = (float(query["time"]), query["sql"])
    median = statistics.median(durations)
    main_query = time_query(slowest[1], None) if slowest[1] else 0.0
    return {
        "status": response.status_code,
        "queries": query_count,
        "median_ms": median * 1000,
        "p95_ms": percentile(durations, 0.95) * 1000,
        "main_sql_ms": main_query * 1000,
        "ratio": median / main_query if main_query else 0.0,
    }


def pages() -> list[tuple[str, str, str, bool]]:
    """(label, username, url, cold) for every page that exists in this build; ``cold``
    changes a friction point before each request (the insight page then shows its
    snapshot while a worker recomputes it)."""
    project = (
        Project.objects.filter(leader__username="projectleider").order_by("pk").first()
        or Project.objects.order_by("pk").first()
    )
    candidates = [
        ("dashboard", "bureauhoofd", "projects:dashboard", [], False),
        ("department inbox", "afdelingshoofd", "projects:inbox", [], False),
        ("insight (waar wringt het?)", "bureauhoofd", "projects:insight", [], False),
        ("insight, after a change", "bureauhoofd", "projects:insight", [], True),
        ("project list", "projectleider", "projects:list", [], False),
        ("project page", "projectleider", "projects:detail", [project.pk], False),
        ("friction list", "projectleider", "projects:friction_list", [project.pk], False),
        ("external parties", "projectleider", "stakeholders:list", [], False),
    ]
    found = []
    for label, username, name, args, cold in candidates:
        try:
            found.append((label, username, reverse(name, args=args), cold))
        except NoReverseMatch:
            print(f"(skipping {label}: no URL named {name} in this build)")
    return found


def bench_pages() -> None:
    print(f"\nPages: {REQUESTS} requests each, server time in the Django test client")
    header = (
        f"{'page':32} {'url':28} {'SQL':>4} {'median ms':>10} {'p95 ms':>8} "
        f"{'main SQL ms':>12} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, username, url, cold in pages():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        row = measure_page(client, url, cold=cold)
        if row["status"] != 200:
            print(f"{label:32} {url:28} HTTP {row['status']}")
            continue
        print(
            f"{label:32} {url:28} {row['queries']:>4} {row['median_ms']:>10.1f} "
            f"{row['p95_ms']:>8.1f} {row['main_sql_ms']:>12.1f} {row['ratio']:>6.1f}"
        )


def bench_insight_refresh() -> None:
    """What the worker spends on recomputing the insight snapshot, and the one request
    that computes it itself: the first view after the cache was emptied."""
    from projects.services.insight import insight_refresh

    samples = []
    for _ in range(3):
        started = time.perf_counter()
        snapshot = insight_refresh()
        samples.append(time.perf_counter() - started)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username="bureauhoofd"))
    cache.clear()
    client.force_login(User.objects.get(username="bureauhoofd"))
    started = time.perf_counter()
    client.get(reverse("projects:insight"))
    empty = time.perf_counter() - started
    print(
        f"\nInsight snapshot ({len(snapshot.buckets)} buckets): recomputed by the worker in "
        f"{statistics.median(samples) * 1000:.0f} ms (median of 3); the first view after the "
        f"cache was emptied computes it itself: {empty * 1000:.0f} ms"
    )


def bench_export() -> None:
    """The CSV export of every friction point (a Beheerder, status "alle"): time to the
    first line, total time, rows, and the peak of Python memory while streaming."""
    try:
        url = reverse("projects:dashboard_export_csv") + "?status=alle"
    except NoReverseMatch:
        return
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username="beheerder"))
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_line = time.perf_counter() - started
    lines = first.count(b"\n")
    size = len(first)
    for chunk in chunks:
        lines += chunk.count(b"\n")
        size += len(chunk)
    total = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nCSV export of all friction ({lines - 1} rows, {size / 1e6:.1f} MB): first line after "
        f"{first_line * 1000:.0f} ms, complete after {total:.1f} s, "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )


def bench_scan() -> None:
    from projects.services.scan import friction_scan

    today = timezone.localdate()
    print(
        f"\nFriction scan over {Project.objects.count()} projects, "
        f"{Milestone.objects.count()} milestones, {ProcedureStep.objects.count()} steps, "
        f"{FrictionPoint.objects.count()} friction points"
    )
    for run in ("first", "second (idempotent)"):
        # The digest e-mails go to the console backend in DEBUG: keep them off the table.
        with CaptureQueriesContext(connection) as captured, redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            result = friction_scan(today=today)
            elapsed = time.perf_counter() - started
        print(
            f"scan, {run}: {elapsed:.1f} s, {len(captured.captured_queries)} queries, "
            f"{result.counts}"
        )


def bench_import() -> None:
    """The organisation import of a 5 MB file (scripts/bench_import.py), in a process and
    a throwaway database of its own: the demo data here stays as it is."""
    sys.stdout.flush()
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_import.py"))], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL=postgres://...")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    call_command("migrate", verbosity=0)
    ensure_data(args.projects)
    if not args.skip_scan:
        bench_scan()
    # Pages publish background work (the insight refresh) as with a real worker: to an
    # in-memory broker nobody consumes, so the request times exclude the work itself.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    # Pages render as in production: without debug, templates skip their debug bookkeeping.
    # (The seed needs debug on; the settings module was loaded with it.)
    vacuum_analyze()  # after the scan's writes, as autovacuum would catch up with them
    with override_settings(DEBUG=False):
        bench_pages()
        bench_insight_refresh()
        bench_export()
    if not args.skip_import:
        bench_import()


if __name__ == "__main__":
    main()
