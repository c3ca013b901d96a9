"""A worker killed in the middle of the friction scan: the scan runs again, and the flags
come out exactly as from a scan that was never interrupted.

Why it holds: the task is acknowledged only after it finished (``task_acks_late``) and
given back when its process dies (``task_reject_on_worker_lost``); the scan writes in one
transaction, so a killed scan leaves nothing behind; and one open flag per milestone and
procedure is a unique index besides.

"In the middle" is made exact instead of left to timing: the test holds a lock on the
table of timeline entries, which the scan writes right after inserting the flags it
raises. The scan stops there, with its flags inserted but not committed, and the test
kills the worker while the database shows it so.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from loadtest.stack import (
    celery_worker,
    manage,
    production_env,
    task_succeeded,
    wait_for_worker,
    wait_until,
)

pytestmark = pytest.mark.faults

SCAN = "projects.tasks.scan_friction"
SEED = "faults_scan_seed"
# The scan must raise flags, not only find the ones the demo data already holds.
WITHOUT_FLAGS = [
    """DELETE FROM projects_frictionupdate WHERE friction_point_id IN (
           SELECT id FROM projects_frictionpoint WHERE source = 'automatisch')""",
    """DELETE FROM projects_frictionpoint_departments WHERE frictionpoint_id IN (
           SELECT id FROM projects_frictionpoint WHERE source = 'automatisch')""",
    "DELETE FROM projects_frictionpoint WHERE source = 'automatisch'",
]
# A backend of the scan that has written (it has a transaction id) and waits for a lock.
STOPPED_MID_SCAN = """
    SELECT pid FROM pg_stat_activity
    WHERE datname = %s AND pid <> pg_backend_pid()
      AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL
"""


@pytest.fixture(scope="module")
def scan_template(postgres, demo_template) -> str:
    """The demo without automatic flags: the state every scan here starts from."""
    postgres.create_database(SEED, template=demo_template)
    with postgres.connect(SEED) as db:
        for statement in WITHOUT_FLAGS:
            db.execute(statement)
    return SEED


def outcome(postgres, database: str) -> dict[str, object]:
    """What a scan leaves: every automatic flag, timeline entries, escalated/stale marks."""
    with postgres.connect(database) as db:
        return {
            "flags": db.execute(
                """SELECT milestone_id, procedure_id, flag_kind, severity, status
                   FROM projects_frictionpoint WHERE source = 'automatisch'
                   ORDER BY 1, 2, 3, 4, 5"""
            ).fetchall(),
            "updates": db.execute("SELECT count(*) FROM projects_frictionupdate").fetchone()[0],
            "marks": db.execute(
                """SELECT count(escalated_at), count(stale_since)
                   FROM projects_frictionpoint"""
            ).fetchone(),
        }


@pytest.fixture(scope="module")
def clean_outcome(postgres, scan_template) -> dict[str, object]:
    url = postgres.create_database("faults_scan_clean", template=scan_template)
    manage("scan_friction", env=production_env(database_url=url, redis_url=""))
    result = outcome(postgres, "faults_scan_clean")
    assert len(result["flags"]) > 50  # work enough for a scan to be worth killing
    return result


@pytest.fixture
def scan_database(request, postgres, scan_template):
    name = f"faults_scan_{request.node.name[:40].lower()}"
    return name, postgres.create_database(name, template=scan_template)


def stop_scan_midway(postgres, database: str):
    """Lock the timeline table; returns the connection that holds the lock (closing it,
    or leaving its ``with`` block, lets go)."""
    hold = postgres.connect(database, autocommit=False)
    hold.execute("LOCK TABLE projects_frictionupdate IN SHARE MODE")
    return hold


def wait_mid_scan(postgres, database: str) -> int:
    with postgres.connect() as db:
        return wait_until(
            lambda: db.execute(STOPPED_MID_SCAN, [database]).fetchone(),
            timeout=60,
            what="the scan to be in the middle of writing",
        )[0]


def pool_processes(worker) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_scan_whose_pool_process_is_killed_runs_again_on_the_same_worker(
    postgres, clean_outcome, scan_database, redis_server, send_task, log_dir, started
):
    name, url = scan_database
    env = production_env(database_url=url, redis_url=redis_server.url())
    worker = started(celery_worker(env=env, log_dir=log_dir))
    with stop_scan_midway(postgres, name) as hold:
        wait_for_worker(worker)
        task_id = send_task(redis_server.url(), SCAN)
        wait_mid_scan(postgres, name)
        (child,) = pool_processes(worker)

        os.kill(child, signal.SIGKILL)  # as the kernel's OOM killer would
        hold.rollback()

    wait_until(lambda: task_succeeded(worker, task_id), timeout=60, what="the scan again")
    assert "WorkerLostError" in worker.log()
    assert worker.running()
    assert outcome(postgres, name) == clean_outcome


def test_a_scan_whose_whole_worker_dies_is_run_by_the_next_worker(
    postgres, clean_outcome, scan_database, redis_server, send_task, log_dir, started
):
    name, url = scan_database
    env = production_env(database_url=url, redis_url=redis_server.url())
    # The shortened visibility timeout stands in for production's twelve minutes.
    app = "tests.faults.celery_app"
    first = started(celery_worker(env=env, log_dir=log_dir, name="first", app=app))
    with stop_scan_midway(postgres, name) as hold:
        wait_for_worker(first)
        task_id = send_task(redis_server.url(), SCAN)
        wait_mid_scan(postgres, name)

        first.kill()  # main process and pool at once, as when the machine dies
        hold.rollback()

    second = started(celery_worker(env=env, log_dir=log_dir, name="second", app=app))
    wait_until(lambda: task_succeeded(second, task_id), timeout=60, what="the next worker's scan")
    assert not task_succeeded(first, task_id)
    assert outcome(postgres, name) == clean_outcome
