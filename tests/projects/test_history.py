"""The audit trail: what is recorded (triggers on PostgreSQL, the fallback elsewhere), a
project's "Geschiedenis" page and the admin's history of tracked objects."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from config.history import history_context
from governance.models import Department, Procedure
from projects import tasks
from projects.models import FrictionPoint, Milestone, ProcedureStep, Project
from projects.selectors_history import PAGE_SIZE, object_history, project_history
from projects.services.projects import project_archive, project_update, step_status_set
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

needs_triggers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bulk writes are recorded by PostgreSQL triggers only; SQLite records single saves",
)


def history_url(project: Project) -> str:
    return reverse("projects:history", args=[project.pk])


def entries(project: Project) -> list:
    return list(project_history(project=project).object_list)


@pytest.fixture
def leader():
    return LeaderFactory(first_name="Lotte", last_name="Leider")


@pytest.fixture
def project(leader):
    return ProjectFactory(title="Warmtenet Oost", leader=leader, status=Project.Status.IDEA)


class TestRecording:
    def test_a_change_through_the_service_records_who_and_what(self, project, leader):
        commissioner = CommissionerFactory(first_name="Bram", last_name="Baas")
        with history_context(user=leader.pk, url="/projects/1/edit/"):
            project_update(
                project=project,
                editor=leader,
                title="Warmtenet Oost",
                purpose=project.purpose,
                commissioner=commissioner,
                status=Project.Status.EXECUTION,
            )

        latest = entries(project)[0]
        assert latest.who == "Lotte Leider"
        assert latest.label == "update"
        assert latest.kind == "samenwerkingsproject"
        assert latest.subject == "Warmtenet Oost"
        changes = {change.field: (change.old, change.new) for change in latest.changes}
        assert changes["status"] == ("Idee", "Uitvoering")
        assert changes["opdrachtgever (bureauhoofd)"][1] == "Bram Baas"
        assert "titel" not in changes  # unchanged fields are not listed

    def test_a_save_that_changes_nothing_tracked_records_nothing(self, project):
        before = len(entries(project))
        project.save()  # only updated_at moves, which is not tracked
        assert len(entries(project)) == before

    @needs_triggers
    def test_a_bulk_update_is_recorded_with_its_actor(self, project):
        with history_context(actor="friction_scan"):
            Project.objects.filter(pk=project.pk).update(status=Project.Status.STOPPED)

        latest = entries(project)[0]
        assert latest.who == "knelpuntenscan"
        assert [(c.field, c.old, c.new) for c in latest.changes] == [("status", "Idee", "Gestopt")]

    @needs_triggers
    def test_archiving_a_project_is_recorded(self, project, leader):
        with history_context(user=leader.pk):
            project_archive(project=project, actor=leader)
        assert [c.field for c in entries(project)[0].changes] == ["gearchiveerd op"]

    def test_children_and_deleted_rows_stay_in_the_project_history(self, project):
        involvement = DepartmentInvolvementFactory(
            project=project, department__name="Stadsontwikkeling"
        )
        milestone = MilestoneFactory(project=project, title="Subsidieaanvraag")
        step = ProcedureStepFactory(milestone=milestone, procedure__name="Collegebesluit")
        FrictionPointFactory(project=project, title="College te laat")
        step_status_set(step=step, status=ProcedureStep.Status.IN_PROGRESS)
        involvement.delete()
        milestone.delete()  # its steps go with it

        shown = {(e.kind, e.subject, e.label) for e in entries(project)}
        assert ("betrokken afdeling", "Stadsontwikkeling", "delete") in shown
        assert ("mijlpaal", "Subsidieaanvraag", "delete") in shown
        assert ("procedurestap", "Collegebesluit — Subsidieaanvraag", "update") in shown
        assert ("procedurestap", "Collegebesluit — Subsidieaanvraag", "delete") in shown
        assert ("knelpunt", "College te laat", "insert") in shown
        assert not Milestone.objects.filter(pk=milestone.pk).exists()

    def test_another_projects_changes_are_not_shown(self, project):
        other = ProjectFactory(title="Ander project")
        FrictionPointFactory(project=other, title="Elders")
        assert all(e.subject != "Elders" for e in entries(project))
        assert all(e.subject != "Ander project" for e in entries(project))

    @needs_triggers
    def test_the_scan_is_the_actor_of_the_flags_it_raises(self):
        review = ProcedureFactory(name="Juridische toets", lead_time_days=10)
        milestone = MilestoneFactory(title="Convenant", date=dt.date(2026, 5, 29))
        ProcedureStepFactory(milestone=milestone, procedure=review)
        amsterdam = ZoneInfo("Europe/Amsterdam")
        with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=amsterdam), tick=False):
            assert tasks.scan_friction(today="2026-05-04")["raised"] == 1

        flag = entries(milestone.project)[0]
        assert (flag.kind, flag.label, flag.who) == ("knelpunt", "insert", "knelpuntenscan")


class TestPage:
    def test_it_shows_who_when_and_what_changed(self, client, project, leader):
        step = ProcedureStepFactory(
            milestone__project=project, milestone__title="Ondertekening", procedure__name="DPIA"
        )
        client.force_login(leader)
        response = client.post(
            reverse("projects:step_status", args=[project.pk, step.pk]),
            {"status": ProcedureStep.Status.IN_PROGRESS},
        )
        assert response.status_code in (200, 302)

        response = client.get(history_url(project))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Geschiedenis" in page
        assert "Lotte Leider" in page  # who: the middleware put the user in the context
        assert '<time datetime="' in page  # when
        assert "DPIA — Ondertekening" in page  # which object
        assert "Nog te starten" in page and "Loopt" in page  # what: old → new, as labels
        assert "<caption" in page and 'scope="col"' in page

    def test_the_project_page_links_to_it(self, client, project, leader):
        client.force_login(leader)
        page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert history_url(project) in page

    def test_any_colleague_may_read_an_open_projects_history(self, client, project):
        client.force_login(UserFactory())
        assert client.get(history_url(project)).status_code == 200

    def test_an_outsider_gets_404_on_a_confidential_project(self, client):
        secret = ProjectFactory(confidential=True)
        client.force_login(UserFactory())
        assert client.get(history_url(secret)).status_code == 404

    def test_the_commissioner_of_a_confidential_project_may_read_it(self, client):
        secret = ProjectFactory(confidential=True)
        client.force_login(secret.commissioner)
        assert client.get(history_url(secret)).status_code == 200

    def test_it_needs_a_login(self, client, project):
        response = client.get(history_url(project))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_it_only_answers_get(self, client, project, leader):
        client.force_login(leader)
        assert client.post(history_url(project)).status_code == 405

    def test_it_is_paginated_newest_first(self, client, project, leader):
        for number in range(PAGE_SIZE + 5):
            project.title = f"Titel {number}"
            project.save()
        client.force_login(leader)

        first = client.get(history_url(project)).context["page"]
        second = client.get(history_url(project), {"page": 2}).context["page"]
        assert first.paginator.count == PAGE_SIZE + 6  # the insert and 55 updates
        assert first.object_list[0].changes[0].new == f"Titel {PAGE_SIZE + 4}"
        assert len(second.object_list) == 6
        assert second.object_list[-1].label == "insert"

    @pytest.mark.parametrize("size", [3, 30])
    def test_its_query_count_does_not_grow(
        self, client, project, leader, size, django_assert_max_num_queries
    ):
        for number in range(size):
            milestone = MilestoneFactory(project=project, title=f"Mijlpaal {number}")
            step = ProcedureStepFactory(milestone=milestone)
            step_status_set(step=step, status=ProcedureStep.Status.IN_PROGRESS)
            StakeholderInvolvementFactory(project=project)
            DepartmentInvolvementFactory(project=project)
            FrictionPointFactory(project=project, author=UserFactory())
        client.force_login(leader)

        # Session, user, project, roles; count and keys; six event tables; names of users,
        # departments, parties, procedures and milestones.
        with django_assert_max_num_queries(17):
            response = client.get(history_url(project))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(PAGE_SIZE, 1 + 6 * size)


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(AdministratorFactory(is_superuser=True))
        return client

    def test_a_projects_history_in_the_admin_shows_the_audit_trail(self, admin_client, project):
        FrictionPointFactory(project=project, title="Inkoop duurt te lang")
        response = admin_client.get(reverse("admin:projects_project_history", args=[project.pk]))
        assert response.status_code == 200
        assert "Inkoop duurt te lang" in response.content.decode()

    @pytest.mark.parametrize(
        ("model", "factory", "name"),
        [
            (FrictionPoint, FrictionPointFactory, "Knelpunt in beheer"),
            (Department, DepartmentFactory, "Afdeling in beheer"),
            (Procedure, ProcedureFactory, "Procedure in beheer"),
        ],
    )
    def test_tracked_objects_show_their_history(self, admin_client, model, factory, name):
        field = "title" if model is FrictionPoint else "name"
        obj = factory(**{field: name})
        setattr(obj, field, f"{name} (nieuw)")
        obj.save()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )

        page = admin_client.get(url).content.decode()
        assert f"{name} (nieuw)" in page
        assert [e.label for e in object_history(obj).object_list] == ["update", "insert"]
