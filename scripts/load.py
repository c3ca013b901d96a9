"""`make load`: a load test of the production stack (gunicorn gthread, PostgreSQL, Redis,
a Celery worker) with Locust.

It migrates and seeds a database of its own (``seed_demo --projects N``), collects the
static files, starts gunicorn with production settings and a worker, and runs
``loadtest/locustfile.py`` headless: the demo's people sign in, read pages and log
friction. Then it prints requests per second and, per page, the median and 95th
percentile response times and the errors; it exits 1 when any request failed or the
worker logged an error. gunicorn and the worker are stopped at the end, also on failure.

Servers: the PostgreSQL server of ``DATABASE_URL`` and the Redis server of ``REDIS_URL``
(default: both on 127.0.0.1, the standard ports), but always a database of the load
test's own, never the one those variables name: PostgreSQL database ``binnenbuiten_load``
(created when missing, its data rebuilt on every run) and Redis database 14 (emptied at
the start). ``LOAD_DATABASE_URL`` and ``LOAD_REDIS_URL`` name other ones.

Usage: .venv/bin/python scripts/load.py [--users 50] [--seconds 60] [--projects 300]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtest.stack import (  # noqa: E402
    BIN,
    ROOT,
    celery_worker,
    free_port,
    gunicorn,
    manage,
    production_env,
    stop_all,
    wait_for_http,
    wait_for_worker,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/binnenbuiten_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LOAD_DATABASE = "/binnenbuiten_load"
LOAD_REDIS_DB = "/14"
# Celery's log line for a task that raised, Django's for a request that failed (a 4xx is
# logged as a warning: the load's own checks count those).
LOGGED_ERROR = re.compile(r"\b(ERROR|CRITICAL)\b")


def load_urls() -> tuple[str, str]:
    """The load test's own database and Redis database, on the configured servers."""
    database_url = os.environ.get("LOAD_DATABASE_URL")
    if not database_url:
        configured = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
        if not configured.scheme.startswith("postgres"):
            configured = urlsplit(DEFAULT_DATABASE_URL)
        database_url = urlunsplit(configured._replace(path=LOAD_DATABASE, query=""))
    redis_url = os.environ.get("LOAD_REDIS_URL")
    if not redis_url:
        configured = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
        redis_url = urlunsplit(configured._replace(path=LOAD_REDIS_DB, query=""))
    return database_url, redis_url


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def analyze(url: str) -> None:
    """Fresh planner statistics, as autovacuum would have them on a live database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def step(label: str, started: float) -> None:
    print(f"  {label} ({time.monotonic() - started:.1f} s)", flush=True)


def read_stats(prefix: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    pages = sorted((row for row in rows if row["Name"] != "Aggregated"), key=lambda r: r["Name"])
    return pages, total


def print_table(pages: list[dict[str, str]], total: dict[str, str]) -> None:
    header = (
        f"{'page':<26} {'requests':>8} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'errors':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in [*pages, total]:
        name = "all pages" if row is total else f"{row['Type']} {row['Name']}"
        if row is total:
            print("-" * len(header))
        print(
            f"{name:<26} {int(row['Request Count']):>8} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>10} {row['95%']:>8} {int(row['Failure Count']):>7}"
        )
    print()


def count_exceptions(prefix: Path) -> int:
    """Errors in the load's own code (a page it could not read, say): they count too."""
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return 0
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        print(f"  {row['Count']}x exception in the load: {row['Message']}")
    return sum(int(row["Count"]) for row in rows)


def print_failures(prefix: Path) -> None:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            print(f"  {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 60)))
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--projects", type=int, default=int(os.environ.get("LOAD_PROJECTS", 300)))
    options = parser.parse_args()

    database_url, redis_url = load_urls()
    env = production_env(
        database_url=database_url,
        redis_url=redis_url,
        # As in production: a connection per gunicorn thread, kept and health-checked.
        DATABASE_CONN_MAX_AGE="60",
        # The demo accounts (the Beheerder too) log in with their password alone.
        BB_2FA_REQUIRED_FOR="none",
    )
    log_dir = Path(tempfile.mkdtemp(prefix="binnenbuiten-load-"))
    started = time.monotonic()
    print(f"load test: {options.users} users for {options.seconds} s; logs in {log_dir}")
    print(f"  database {urlsplit(database_url).path.lstrip('/')}, Redis {redis_url}")

    ensure_database(database_url)
    redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
    with ThreadPoolExecutor(max_workers=1) as background:
        # Compressing the static files is mostly CPU, seeding mostly the database's work.
        static = background.submit(
            manage, "collectstatic", "--no-input", "--verbosity", "0", env=env
        )
        manage("migrate", "--no-input", env=env)
        step("migrated", started)
        manage("seed_demo", "--projects", str(options.projects), env=env, debug=True)
        analyze(database_url)
        step(f"seeded {options.projects} projects", started)
        static.result()
    step("static files collected", started)

    base_url = f"http://127.0.0.1:{free_port()}"
    services = []
    failed = True
    try:
        web = gunicorn(env=env, base_url=base_url, log_dir=log_dir)
        services.append(web)
        worker = celery_worker(env=env, log_dir=log_dir)
        services.append(worker)
        wait_for_http(web, base_url)
        wait_for_worker(worker)
        step(f"gunicorn (gthread, 2 workers x 8 threads) on {base_url} and a worker ready", started)

        prefix = log_dir / "locust"
        # fmt: off
        command = [
            str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
            "--users", str(options.users), "--spawn-rate", str(options.spawn_rate),
            "--run-time", f"{options.seconds}s", "--host", base_url, "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING",
        ]
        # fmt: on
        with (log_dir / "locust.log").open("wb") as locust_log:
            locust = subprocess.run(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=locust_log,
                stderr=locust_log,
                timeout=options.seconds + 120,
            )
        step(f"locust done (exit {locust.returncode})", started)
        if not Path(f"{prefix}_stats.csv").exists():
            print((log_dir / "locust.log").read_text(errors="replace"))
            return 1
        pages, total = read_stats(prefix)
        print_table(pages, total)
        errors = int(total["Failure Count"]) + count_exceptions(prefix)
        worker_errors = [line for line in worker.log().splitlines() if LOGGED_ERROR.search(line)]
        web_errors = [line for line in web.log().splitlines() if LOGGED_ERROR.search(line)]
        print(
            f"{float(total['Requests/s']):.1f} requests/s over {int(total['Request Count'])} "
            f"requests; {errors} errors; server log errors: {len(web_errors)}; "
            f"worker log errors: {len(worker_errors)}"
        )
        if errors:
            print_failures(prefix)
        for line in (web_errors + worker_errors)[:20]:
            print(f"  {line}")
        failed = bool(errors or web_errors or worker_errors or locust.returncode not in (0, 1))
    finally:
        stop_all(*services)
        if failed:
            print(f"\nlogs: {log_dir}")
        else:
            shutil.rmtree(log_dir, ignore_errors=True)
    print(f"load test {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
