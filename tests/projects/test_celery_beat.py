"""The beat schedule lives in code: every scheduled task imports and its arguments bind."""

from __future__ import annotations

import importlib
import inspect

import pytest
from celery.schedules import crontab

from config.celery import app

SCHEDULE = sorted(app.conf.beat_schedule.items())


def test_there_is_a_schedule():
    assert SCHEDULE


@pytest.mark.parametrize(("name", "entry"), SCHEDULE, ids=[name for name, _entry in SCHEDULE])
def test_every_scheduled_task_imports_and_its_arguments_bind(name, entry):
    module_name, _, attribute = entry["task"].rpartition(".")
    task = getattr(importlib.import_module(module_name), attribute)

    assert task.name == entry["task"]
    assert app.tasks[entry["task"]].name == task.name
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_the_friction_scan_runs_every_night_and_hourly_in_office_hours():
    schedules = [
        entry["schedule"]
        for _name, entry in SCHEDULE
        if entry["task"] == "projects.tasks.scan_friction"
    ]
    assert all(isinstance(schedule, crontab) for schedule in schedules)
    nightly = [s for s in schedules if s.hour == {2}]
    office = [s for s in schedules if s.hour == set(range(8, 19))]
    assert len(nightly) == 1
    assert nightly[0].day_of_week == set(range(7))
    assert len(office) == 1
    assert office[0].day_of_week == {1, 2, 3, 4, 5}
