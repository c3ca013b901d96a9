"""Redis stops while gunicorn and a worker run.

- Pages keep working and people can still sign in: sessions live in the database, and
  what is cached (the organisation's option lists, the insight figures) is computed from
  the database instead (``config.cache``).
- Friction logged meanwhile is saved.
- ``/health/`` says the broker is down, and answers 200 because the database is up.
- An edit that asks for a rescan is saved; the rescan itself cannot be queued (a warning
  in the log, ``projects.services.rescan``) and is not retried. The worker, which lived
  through the outage, reconnects when Redis is back, and the next scheduled scan of the
  beat schedule catches up with the edit.
"""

from __future__ import annotations

import re
import time

import pytest

from config.celery import app as project_app
from loadtest.stack import (
    celery_worker,
    client_session,
    form_post,
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

DEPARTMENT_BOX = re.compile(r'name="departments" value="(\d+)"')
# A finished step on a running project of the demo's project leader, with no flag yet.
FINISHED_STEP = """
    SELECT s.id, s.milestone_id, s.procedure_id, m.project_id
    FROM projects_procedurestep s
    JOIN projects_milestone m ON m.id = s.milestone_id
    JOIN projects_project p ON p.id = m.project_id
    JOIN auth_user u ON u.id = p.leader_id
    WHERE u.username = 'projectleider' AND s.status = 'klaar'
      AND p.status IN ('idee', 'verkenning', 'uitvoering') AND p.archived_at IS NULL
      AND NOT EXISTS (
          SELECT 1 FROM projects_frictionpoint f
          WHERE f.milestone_id = s.milestone_id AND f.procedure_id = s.procedure_id)
    ORDER BY s.id LIMIT 1
"""
OPEN_FLAG = """
    SELECT count(*) FROM projects_frictionpoint
    WHERE source = 'automatisch' AND status IN ('open', 'in_behandeling')
      AND milestone_id = %s AND procedure_id = %s
"""


@pytest.fixture
def stack(app_database, redis_server, log_dir, started):
    env = production_env(database_url=app_database, redis_url=redis_server.url())
    base_url = f"http://127.0.0.1:{free_port()}"
    web = started(gunicorn(env=env, base_url=base_url, log_dir=log_dir, workers=1, threads=4))
    worker = started(celery_worker(env=env, log_dir=log_dir))
    wait_for_http(web, base_url)
    wait_for_worker(worker)
    return base_url, web, worker


def get(session, path: str):
    started = time.monotonic()
    response = session.get(session.base_url + path, timeout=10)
    return response, time.monotonic() - started


def test_while_redis_is_down_the_site_works_and_the_scan_catches_up_afterwards(
    postgres, stack, redis_server, send_task
):
    base_url, web, worker = stack
    with postgres.connect(APP_DATABASE) as db:
        step_id, milestone_id, procedure_id, project_id = db.execute(FINISHED_STEP).fetchone()
        # Its milestone comes close: open again, the step would no longer fit before it.
        db.execute(
            "UPDATE projects_milestone SET date = current_date + 5 WHERE id = %s", [milestone_id]
        )
    leader = client_session(base_url)
    log_in(leader, "projectleider", PASSWORD)
    assert leader.get(f"{base_url}/health/", timeout=5).json()["broker"] == "up"

    redis_server.stop()

    health, _ = get(leader, "/health/")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "up", "broker": "down"}

    commissioner = client_session(base_url)
    log_in(commissioner, "bureauhoofd", PASSWORD)  # signing in needs no Redis
    for session, path in [
        (leader, "/projects/"),
        (leader, f"/projects/{project_id}/"),
        (leader, "/stakeholders/"),
        (commissioner, "/dashboard/"),
        (commissioner, "/inzicht/"),
    ]:
        response, seconds = get(session, path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert seconds < 5, f"{path} took {seconds:.1f} s"

    # Friction logged meanwhile ("Knelpunt melden", the form without JavaScript) is saved.
    page, _ = get(leader, f"/projects/{project_id}/")
    department = DEPARTMENT_BOX.search(page.text).group(1)
    title = "Gemeld terwijl Redis uit stond"
    logged = form_post(
        leader,
        f"/projects/{project_id}/friction/new/",
        {"title": title, "departments": department, "severity": "3"},
        token_from=f"/projects/{project_id}/",
        allow_redirects=False,
    )
    assert logged.status_code == 302, logged.text[:500]
    # The step is opened again: saved, though the rescan it asks for cannot be queued.
    started = time.monotonic()
    reopened = form_post(
        leader,
        f"/projects/{project_id}/steps/{step_id}/status/",
        {"status": "todo"},
        token_from=f"/projects/{project_id}/",
        allow_redirects=False,
    )
    assert reopened.status_code == 302, reopened.text[:500]
    assert time.monotonic() - started < 5
    with postgres.connect(APP_DATABASE) as db:
        saved = db.execute(
            "SELECT count(*) FROM projects_frictionpoint WHERE title = %s AND project_id = %s",
            [title, project_id],
        ).fetchone()[0]
        status = db.execute(
            "SELECT status FROM projects_procedurestep WHERE id = %s", [step_id]
        ).fetchone()[0]
    assert (saved, status) == (1, "todo")
    assert "not queued, the broker is unreachable" in web.log()

    redis_server.start()  # same port and folder: what Redis held is back too

    wait_until(
        lambda: leader.get(f"{base_url}/health/", timeout=5).json()["broker"] == "up",
        timeout=10,
        what="the health check to see the broker again",
    )
    with postgres.connect(APP_DATABASE) as db:
        assert db.execute(OPEN_FLAG, [milestone_id, procedure_id]).fetchone()[0] == 0
        # The next scheduled scan, published as celery beat publishes it.
        entry = project_app.conf.beat_schedule["scan-friction-office-hours"]
        task_id = send_task(redis_server.url(), entry["task"])
        wait_until(
            lambda: task_succeeded(worker, task_id),
            timeout=60,
            what="the worker to run the scheduled scan after the outage",
        )
        assert db.execute(OPEN_FLAG, [milestone_id, procedure_id]).fetchone()[0] == 1
    assert worker.running() and web.running()
    assert not re.search(r"\b(ERROR|CRITICAL)\b", web.log()), web.tail()
