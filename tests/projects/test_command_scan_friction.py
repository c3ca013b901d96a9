"""``manage.py scan_friction``: runs the scan and prints what it raised, updated, resolved."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from projects.models import FrictionPoint, ProcedureStep
from tests.factories import ProcedureFactory, ProcedureStepFactory

D = dt.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def run(*args: str) -> str:
    out = StringIO()
    call_command("scan_friction", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def step(db):
    procedure = ProcedureFactory(name="Juridische toets", lead_time_days=10)
    return ProcedureStepFactory(
        milestone__date=D(2026, 5, 29),
        milestone__title="Ondertekening convenant",
        milestone__project__title="Warmtenet Oost",
        procedure=procedure,
    )


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=AMSTERDAM), tick=False):
        yield


def test_it_prints_what_it_raised(step):
    output = run("--today", "2026-05-04")

    [flag] = FrictionPoint.objects.filter(source=FrictionPoint.Source.AUTOMATIC)
    assert "Knelpuntenscan 2026-05-04: 1 open procedurestappen, 1 gesignaleerd" in output
    assert "Gesignaleerd:" in output
    assert f"#{flag.pk} [Hoog] Warmtenet Oost: {flag.title} (speling 7)" in output


def test_it_prints_what_it_updated_and_resolved(step):
    run("--today", "2026-05-04")

    updated = run("--today", "2026-05-18")
    assert "1 bijgewerkt" in updated
    assert "[Blokkerend]" in updated

    ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)
    resolved = run("--today", "2026-05-19")
    assert "1 vervallen" in resolved
    assert "Vervallen:" in resolved


def test_it_scans_as_of_the_current_date_by_default(step):
    assert "1 gesignaleerd" in run()


def test_it_can_scan_one_project(step):
    other = ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=step.procedure)

    output = run("--today", "2026-05-04", "--project", str(other.milestone.project_id))

    assert "1 gesignaleerd" in output
    assert FrictionPoint.objects.get().project_id == other.milestone.project_id


def test_a_second_run_has_nothing_new(step):
    run("--today", "2026-05-04")

    output = run("--today", "2026-05-04")

    assert "0 gesignaleerd, 0 bijgewerkt, 0 vervallen" in output
    assert "Gesignaleerd:" not in output


def test_it_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="not a date"):
        run("--today", "4-5-2026")
