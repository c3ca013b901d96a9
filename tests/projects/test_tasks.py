"""The friction engine's Celery tasks, the rescan after an edit, and a broker that is down."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from zoneinfo import ZoneInfo

import kombu.pools
import pytest
import time_machine
from celery.exceptions import Retry
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from config.celery import app
from projects import tasks
from projects.models import FrictionPoint
from projects.services.rescan import (
    rescan_enqueue,
    rescan_enqueue_for_meeting_calendar,
    rescan_enqueue_for_procedure,
)
from tests.factories import (
    FrictionPointFactory,
    MeetingCalendarFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
)

D = dt.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CLOSED_PORT = "redis://127.0.0.1:6399/0"


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=AMSTERDAM)


def tight_step(milestone_date: dt.date):
    """A 10-working-day procedure before a milestone on ``milestone_date``."""
    procedure = ProcedureFactory(name="Juridische toets", lead_time_days=10)
    return ProcedureStepFactory(milestone__date=milestone_date, procedure=procedure)


def automatic_flags():
    return FrictionPoint.objects.filter(source=FrictionPoint.Source.AUTOMATIC)


@pytest.fixture
def celery_conf():
    """Change the Celery app's configuration for one test and put it back afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_write_url")}

    def reset_connections() -> None:
        # Drop every pooled broker connection, so the next publish uses the new URL.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    yield app.conf, reset_connections
    app.conf.update(saved)
    reset_connections()


@pytest.fixture
def eager(celery_conf):
    conf, _reset = celery_conf
    conf.task_always_eager = True


@pytest.fixture
def broker_down(celery_conf):
    conf, reset = celery_conf
    conf.task_always_eager = False
    conf.broker_url = CLOSED_PORT
    conf.broker_write_url = None
    reset()


class TestTasks:
    def test_the_scheduled_scan_raises_flags_and_reports_counts(self, db):
        tight_step(D(2026, 5, 29))

        with time_machine.travel(at(D(2026, 5, 4)), tick=False):
            result = tasks.scan_friction.apply(kwargs={"today": "2026-05-04"}).get()

        assert result["raised"] == 1
        assert automatic_flags().get().slack_days == 7

    def test_the_scheduled_scan_runs_as_of_the_current_date(self, db):
        tight_step(D(2026, 5, 29))

        with time_machine.travel(at(D(2026, 4, 20)), tick=False):
            assert tasks.scan_friction.apply().get()["raised"] == 0
        with time_machine.travel(at(D(2026, 5, 18)), tick=False):
            assert tasks.scan_friction.apply().get()["raised"] == 1

    def test_running_it_twice_is_harmless(self, db):
        tight_step(D(2026, 5, 29))

        with time_machine.travel(at(D(2026, 5, 4)), tick=False):
            tasks.scan_friction.apply(kwargs={"today": "2026-05-04"})
            second = tasks.scan_friction.apply(kwargs={"today": "2026-05-04"}).get()

        assert second["raised"] == second["updated"] == 0
        assert automatic_flags().count() == 1

    def test_a_rescan_touches_only_the_projects_it_names(self, db):
        mine = tight_step(D(2026, 5, 29))
        tight_step(D(2026, 5, 29))

        with time_machine.travel(at(D(2026, 5, 4)), tick=False):
            result = tasks.rescan_projects.apply(args=[[mine.milestone.project_id]]).get()

        assert result["raised"] == 1
        assert automatic_flags().get().project_id == mine.milestone.project_id

    def test_a_database_hiccup_is_retried_with_backoff(self, db, monkeypatch):
        def down(**kwargs):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(tasks, "friction_scan", down)

        for task, args in ((tasks.scan_friction, ["2026-05-04"]), (tasks.rescan_projects, [[1]])):
            with pytest.raises(Retry) as retry:
                task.apply(args=args)
            assert isinstance(retry.value.exc, OperationalError)
            assert 0 <= retry.value.when <= 1  # backoff with jitter: 2**0 s at most

    def test_it_gives_up_after_the_last_retry(self, db, monkeypatch):
        def down(**kwargs):
            raise OperationalError("the database is down")

        monkeypatch.setattr(tasks, "friction_scan", down)

        with pytest.raises(OperationalError):
            tasks.scan_friction.apply(args=["2026-05-04"], retries=5)

    def test_other_errors_are_not_retried(self, db, monkeypatch):
        def broken(**kwargs):
            raise ValueError("a bug, not a hiccup")

        monkeypatch.setattr(tasks, "friction_scan", broken)

        with pytest.raises(ValueError):
            tasks.scan_friction.apply(args=["2026-05-04"])


class TestRescanEnqueue:
    def test_the_rescan_waits_for_the_commit(self, db, eager, django_capture_on_commit_callbacks):
        step = tight_step(D(2026, 5, 29))
        project_id = step.milestone.project_id

        with time_machine.travel(at(D(2026, 5, 4)), tick=False):
            with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
                rescan_enqueue(project_ids=[project_id, project_id])
                assert not automatic_flags().exists()
            assert len(callbacks) == 1
            assert not automatic_flags().exists()
            callbacks[0]()

        assert automatic_flags().get().project_id == project_id

    def test_nothing_to_rescan_enqueues_nothing(self, db, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            rescan_enqueue(project_ids=[])
        assert callbacks == []

    def test_it_publishes_the_ids_once_without_a_retry_loop(
        self, db, monkeypatch, django_capture_on_commit_callbacks
    ):
        published = []
        monkeypatch.setattr(
            tasks.rescan_projects,
            "apply_async",
            lambda *args, **kwargs: published.append((args, kwargs)),
        )

        with django_capture_on_commit_callbacks(execute=True):
            rescan_enqueue(project_ids=[3, 1, 3])

        assert published == [((), {"args": [[1, 3]], "retry": False})]

    def test_a_lead_time_change_rescans_the_projects_using_the_procedure(
        self, db, monkeypatch, django_capture_on_commit_callbacks
    ):
        procedure = ProcedureFactory()
        open_step = ProcedureStepFactory(procedure=procedure)
        ProcedureStepFactory(procedure=procedure, done=True)
        flagged = FrictionPointFactory(automatic=True, procedure=procedure)
        ProcedureStepFactory()  # another procedure
        published = []
        monkeypatch.setattr(
            tasks.rescan_projects, "apply_async", lambda **kwargs: published.append(kwargs)
        )

        with django_capture_on_commit_callbacks(execute=True):
            rescan_enqueue_for_procedure(procedure_id=procedure.pk)

        expected = sorted([open_step.milestone.project_id, flagged.project_id])
        assert published == [{"args": [expected], "retry": False}]

    def test_a_meeting_change_rescans_the_projects_bound_to_the_calendar(
        self, db, monkeypatch, django_capture_on_commit_callbacks
    ):
        calendar = MeetingCalendarFactory()
        bound = ProcedureStepFactory(procedure__meeting_calendar=calendar)
        ProcedureStepFactory()
        published = []
        monkeypatch.setattr(
            tasks.rescan_projects, "apply_async", lambda **kwargs: published.append(kwargs)
        )

        with django_capture_on_commit_callbacks(execute=True):
            rescan_enqueue_for_meeting_calendar(calendar_id=calendar.pk)

        assert published == [{"args": [[bound.milestone.project_id]], "retry": False}]


class TestBrokerDown:
    def test_saving_a_milestone_succeeds_quickly_while_the_broker_is_unreachable(
        self, db, broker_down, django_capture_on_commit_callbacks, caplog
    ):
        milestone = MilestoneFactory(date=D(2026, 5, 29))
        caplog.set_level(logging.WARNING, logger="projects.services.rescan")

        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            milestone.date = D(2026, 6, 5)
            milestone.save()
            rescan_enqueue(project_ids=[milestone.project_id])
        elapsed = time.monotonic() - started

        assert len(callbacks) == 1
        assert elapsed < 2
        milestone.refresh_from_db()
        assert milestone.date == D(2026, 6, 5)
        assert "not queued, the broker is unreachable" in caplog.text

    def test_saving_a_friction_point_succeeds_quickly_while_the_broker_is_unreachable(
        self, db, broker_down, django_capture_on_commit_callbacks
    ):
        point = FrictionPointFactory()

        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            point.severity = FrictionPoint.Severity.BLOCKING
            point.save()
            rescan_enqueue(project_ids=[point.project_id])
        assert time.monotonic() - started < 2

        point.refresh_from_db()
        assert point.severity == FrictionPoint.Severity.BLOCKING

    def test_the_next_scheduled_scan_catches_up(
        self, db, broker_down, django_capture_on_commit_callbacks
    ):
        step = tight_step(D(2026, 5, 29))
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            rescan_enqueue(project_ids=[step.milestone.project_id])
        assert not automatic_flags().exists()

        with time_machine.travel(at(D(2026, 5, 4)), tick=False):
            tasks.scan_friction.apply(kwargs={"today": "2026-05-04"})

        assert automatic_flags().count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL")
def test_a_real_worker_runs_the_rescan_from_the_broker(celery_conf):
    from celery.contrib.testing.worker import start_worker

    conf, _reset = celery_conf
    assert not conf.task_always_eager
    today = timezone.localdate()
    # Seven calendar days hold fewer than ten working days: the latest start has passed.
    step = tight_step(today + dt.timedelta(days=7))
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(conf.task_default_queue)
    # The worker thread's own connection must close after each task, or the test
    # database could not be dropped at the end of the session.
    connection.settings_dict["CONN_MAX_AGE"], max_age = 0, connection.settings_dict["CONN_MAX_AGE"]
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            rescan_enqueue(project_ids=[step.milestone.project_id])
            deadline = time.monotonic() + 20
            while not automatic_flags().exists() and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age

    flag = automatic_flags().get()
    assert flag.milestone_id == step.milestone_id
    assert flag.severity == FrictionPoint.Severity.BLOCKING
