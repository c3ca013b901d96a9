"""PostgreSQL restarts while gunicorn and the worker run: both carry on without a restart.

gunicorn keeps its connections between requests (``CONN_MAX_AGE``), so after the restart
each kept connection is dead. Django's connection health checks (``conn_health_checks``)
notice that at the first use in a request and connect again, so even the very first
request after the restart is answered normally. The worker connects afresh for every
task (Celery's Django fixup closes the connections after each one).
"""

from __future__ import annotations

import re

import pytest

from loadtest.stack import (
    celery_worker,
    client_session,
    free_port,
    gunicorn,
    log_in,
    production_env,
    task_succeeded,
    wait_for_http,
    wait_for_worker,
    wait_until,
)
from tests.faults.conftest import APP_DATABASE, PASSWORD

pytestmark = pytest.mark.faults
SCAN = "projects.tasks.scan_friction"


@pytest.fixture
def stack(postgres, app_database, redis_server, log_dir, started):
    env = production_env(
        database_url=app_database, redis_url=redis_server.url(), DATABASE_CONN_MAX_AGE="600"
    )
    base_url = f"http://127.0.0.1:{free_port()}"
    # One worker with one thread: one kept connection, so the request after the restart
    # certainly meets a dead one.
    web = started(gunicorn(env=env, base_url=base_url, log_dir=log_dir, workers=1, threads=1))
    worker = started(celery_worker(env=env, log_dir=log_dir))
    wait_for_http(web, base_url)
    wait_for_worker(worker)
    return base_url, web, worker


def kept_connections(postgres) -> int:
    with postgres.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [APP_DATABASE],
        ).fetchone()[0]


def test_gunicorn_and_the_worker_carry_on_after_a_postgres_restart(
    postgres, stack, redis_server, send_task
):
    base_url, web, worker = stack
    session = client_session(base_url)
    log_in(session, "projectleider", PASSWORD)
    assert session.get(f"{base_url}/projects/", timeout=10).status_code == 200
    before = send_task(redis_server.url(), SCAN)
    wait_until(lambda: task_succeeded(worker, before), timeout=30, what="the scan before")
    # gunicorn's thread keeps its connection between requests (the worker does not: Celery
    # closes the task's connections after each task).
    assert kept_connections(postgres) == 1
    web_pid, worker_pid = web.pid, worker.pid

    postgres.restart()

    first = session.get(f"{base_url}/projects/", timeout=10)
    assert first.status_code == 200, first.text[:500]
    assert 'name="scope"' in first.text  # the project list, still signed in
    health = session.get(f"{base_url}/health/", timeout=10)
    assert (health.status_code, health.json()["database"]) == (200, "up")
    after = send_task(redis_server.url(), SCAN)
    wait_until(lambda: task_succeeded(worker, after), timeout=30, what="the scan after")
    # Not by a retry: the worker noticed the dead connection before using it.
    assert not re.search(rf"{after}\].*Retry", worker.log())
    assert (web.pid, worker.pid) == (web_pid, worker_pid)
    assert web.running() and worker.running()
    assert " ERROR " not in web.log(), web.tail()
