"""Changes made in the admin that move the schedule enqueue a rescan after the commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import tasks
from tests.factories import (
    AdministratorFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch) -> list[list[int]]:
    """What would have gone to the broker (the edge we do not cross in these tests)."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        tasks.rescan_projects,
        "apply_async",
        lambda args, **kwargs: calls.append(args[0]),
    )
    return calls


@pytest.fixture
def admin_client(client):
    client.force_login(AdministratorFactory())
    return client


def test_changing_a_lead_time_rescans_the_projects_that_use_the_procedure(
    admin_client, published, django_capture_on_commit_callbacks
):
    step = ProcedureStepFactory()
    procedure = step.procedure
    url = reverse("admin:governance_procedure_change", args=[procedure.pk])
    data = {
        "department": procedure.department_id,
        "name": procedure.name,
        "kind": procedure.kind,
        "lead_time_days": 40,
        "purpose": "",
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert published == [[step.milestone.project_id]]


def test_saving_a_procedure_without_schedule_changes_enqueues_nothing(
    admin_client, published, django_capture_on_commit_callbacks
):
    step = ProcedureStepFactory()
    procedure = step.procedure
    url = reverse("admin:governance_procedure_change", args=[procedure.pk])
    data = {
        "department": procedure.department_id,
        "name": procedure.name + " (hernoemd)",
        "kind": procedure.kind,
        "lead_time_days": procedure.lead_time_days,
        "purpose": "",
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert published == []


def test_moving_a_milestone_in_the_admin_rescans_its_project(
    admin_client, published, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory()
    url = reverse("admin:projects_milestone_change", args=[milestone.pk])
    data = {
        "project": milestone.project_id,
        "title": milestone.title,
        "kind": milestone.kind,
        "date": (milestone.date + dt.timedelta(days=30)).isoformat(),
        "description": "",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert published == [[milestone.project_id]]


def test_removing_a_meeting_rescans_projects_bound_to_its_calendar(
    admin_client, published, django_capture_on_commit_callbacks
):
    calendar = MeetingCalendarFactory()
    meeting = MeetingFactory(calendar=calendar)
    step = ProcedureStepFactory(procedure=ProcedureFactory(meeting_calendar=calendar))
    url = reverse("admin:governance_meeting_delete", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert published == [[step.milestone.project_id]]


def test_a_step_added_in_the_admin_involves_the_procedures_department(
    admin_client, published, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory(project__is_confidential=True)
    procedure = ProcedureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:projects_procedurestep_add"),
            {"milestone": milestone.pk, "procedure": procedure.pk, "status": "todo"},
            follow=True,
        )
    assert response.status_code == 200
    involvement = milestone.project.department_involvements.get()
    assert (involvement.department, involvement.role) == (procedure.department, "adviserend")
    assert "adviserend" in response.content.decode()
    assert published == [[milestone.project_id]]


def test_an_involvement_a_step_needs_comes_back_when_deleted_in_the_admin(admin_client):
    step = ProcedureStepFactory()
    project = step.milestone.project
    involvement = project.department_involvements.create(department=step.procedure.department)

    response = admin_client.post(
        reverse("admin:projects_departmentinvolvement_delete", args=[involvement.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert list(project.departments.all()) == [step.procedure.department]
