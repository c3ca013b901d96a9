"""Archive instead of delete: projects and friction points, on the pages and in the admin."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from projects.admin.friction import FrictionPointAdmin
from projects.admin.projects import ProjectAdmin
from projects.models import FrictionPoint, FrictionUpdate, Project
from projects.permissions import Action, can
from projects.services.friction import friction_point_archive, friction_point_restore
from projects.services.projects import project_archive, project_restore
from projects.views.friction import friction_log_context
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ALLOWED = ["leader", "commissioner", "admin"]


@dataclass
class World:
    leader: object
    commissioner: object
    head: object
    outsider: object
    admin: object
    project: Project
    secret: Project
    point: FrictionPoint
    secret_point: FrictionPoint

    def user(self, persona: str):
        return getattr(self, persona)


@pytest.fixture
def world() -> World:
    leader, commissioner, head = LeaderFactory(), CommissionerFactory(), DepartmentHeadFactory()
    project = ProjectFactory(leader=leader, commissioner=commissioner, title="Wijkpark")
    DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
    secret = ProjectFactory(confidential=True, leader=leader, commissioner=commissioner)
    return World(
        leader=leader,
        commissioner=commissioner,
        head=head,
        outsider=LeaderFactory(),
        admin=AdministratorFactory(),
        project=project,
        secret=secret,
        point=FrictionPointFactory(project=project, title="Inkoop vraagt drie offertes"),
        secret_point=FrictionPointFactory(project=secret),
    )


def project_url(name: str, project: Project) -> str:
    return reverse(f"projects:{name}", args=[project.pk])


def point_url(name: str, point: FrictionPoint) -> str:
    return reverse(f"projects:{name}", args=[point.project_id, point.pk])


def archived(obj) -> bool:
    obj.refresh_from_db(fields=["archived_at"])
    return obj.archived_at is not None


# --- projects: archive and restore on the project page ----------------------------------------


class TestProjectArchive:
    @pytest.mark.parametrize("persona", ALLOWED)
    def test_the_first_post_asks_for_confirmation_and_changes_nothing(self, client, world, persona):
        client.force_login(world.user(persona))
        response = client.post(project_url("archive", world.project))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Project “Wijkpark” archiveren?" in html
        assert 'name="confirm" value="ja"' in html
        assert "csrfmiddlewaretoken" in html
        assert not archived(world.project)

    @pytest.mark.parametrize("persona", ALLOWED)
    def test_the_confirmed_post_archives_and_goes_back_to_the_project(self, client, world, persona):
        client.force_login(world.user(persona))
        response = client.post(project_url("archive", world.project), {"confirm": "ja"})
        assert response.status_code == 302
        assert response["Location"] == world.project.get_absolute_url()
        assert archived(world.project)
        page = client.get(response["Location"]).content.decode()
        assert "staat nu in het archief" in page
        assert "Gearchiveerd" in page
        assert "Terugzetten" in page
        assert "Project bewerken" not in page

    def test_it_bumps_the_version_so_an_open_edit_form_is_stale(self, client, world):
        client.force_login(world.leader)
        client.post(project_url("archive", world.project), {"confirm": "ja"})
        world.project.refresh_from_db()
        assert world.project.version == 2

    def test_it_records_who_archived_in_the_security_log(self, client, world, caplog):
        client.force_login(world.commissioner)
        with caplog.at_level(logging.INFO, logger="binnenbuiten.security"):
            client.post(project_url("archive", world.project), {"confirm": "ja"})
        events = [
            json.loads(r.getMessage()) for r in caplog.records if "archived" in r.getMessage()
        ]
        assert events[0]["event"] == "project_archived"
        assert events[0]["user_id"] == world.commissioner.pk
        assert events[0]["project_id"] == world.project.pk

    def test_htmx_gets_a_client_side_redirect(self, client, world):
        client.force_login(world.leader)
        response = client.post(project_url("archive", world.project), {"confirm": "ja"}, **HTMX)
        assert response.status_code == 200
        assert response["HX-Redirect"] == world.project.get_absolute_url()
        assert archived(world.project)

    @pytest.mark.parametrize(
        ("persona", "which", "status"),
        [
            ("head", "project", 403),
            ("outsider", "project", 403),
            ("outsider", "secret", 404),
            ("head", "secret", 404),
        ],
    )
    def test_others_are_refused_and_nothing_changes(self, client, world, persona, which, status):
        project = getattr(world, which)
        client.force_login(world.user(persona))
        for data in ({}, {"confirm": "ja"}):
            assert client.post(project_url("archive", project), data).status_code == status
        assert not archived(project)

    def test_anonymous_is_sent_to_the_login_page(self, client, world):
        response = client.post(project_url("archive", world.project), {"confirm": "ja"})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not archived(world.project)

    def test_get_is_not_allowed(self, client, world):
        client.force_login(world.leader)
        assert client.get(project_url("archive", world.project)).status_code == 405
        assert client.get(project_url("restore", world.project)).status_code == 405
        assert not archived(world.project)

    def test_the_button_is_shown_only_to_those_who_may(self, client, world):
        archive_url = project_url("archive", world.project)
        client.force_login(world.leader)
        assert archive_url in client.get(world.project.get_absolute_url()).content.decode()
        client.force_login(world.head)
        assert archive_url not in client.get(world.project.get_absolute_url()).content.decode()

    def test_archiving_twice_says_so_and_changes_nothing(self, client, world):
        project_archive(project=world.project, actor=world.leader)
        world.project.refresh_from_db()
        first = world.project.archived_at
        client.force_login(world.leader)
        response = client.post(
            project_url("archive", world.project), {"confirm": "ja"}, follow=True
        )
        assert "staat al in het archief" in response.content.decode()
        world.project.refresh_from_db()
        assert world.project.archived_at == first


class TestProjectRestore:
    @pytest.mark.parametrize("persona", ALLOWED)
    def test_it_restores_and_rescans(
        self, client, world, persona, django_capture_on_commit_callbacks
    ):
        project_archive(project=world.project, actor=world.leader)
        client.force_login(world.user(persona))
        confirm = client.post(project_url("restore", world.project))
        assert "Project “Wijkpark” terugzetten?" in confirm.content.decode()
        assert archived(world.project)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(project_url("restore", world.project), {"confirm": "ja"})
        assert response.status_code == 302
        assert not archived(world.project)
        assert len(callbacks) == 1  # the friction scan looks at the project again

    @pytest.mark.parametrize("persona", ["head", "outsider"])
    def test_others_may_not_restore(self, client, world, persona):
        project_archive(project=world.project, actor=world.leader)
        client.force_login(world.user(persona))
        response = client.post(project_url("restore", world.project), {"confirm": "ja"})
        assert response.status_code == 403
        assert archived(world.project)

    def test_restoring_a_project_that_is_not_archived_is_refused(self, world):
        with pytest.raises(ValidationError):
            project_restore(project=world.project, actor=world.leader)


class TestArchivedProjectIsReadOnly:
    @pytest.fixture
    def gone(self, world) -> Project:
        project_archive(project=world.project, actor=world.leader)
        return world.project

    def test_it_stays_readable_at_its_address(self, client, world, gone):
        client.force_login(world.head)
        response = client.get(gone.get_absolute_url())
        assert response.status_code == 200
        assert "staat sinds" in response.content.decode()

    @pytest.mark.parametrize("persona", ["leader", "commissioner", "admin", "head"])
    def test_nobody_edits_or_contributes(self, client, world, gone, persona):
        client.force_login(world.user(persona))
        assert client.get(project_url("edit", gone)).status_code == 403
        response = client.post(
            project_url("friction_create", gone),
            {"title": "Nog een", "severity": "2", "departments": []},
        )
        assert response.status_code == 403
        assert client.post(point_url("friction_archive", world.point)).status_code == 403
        assert not gone.friction_points.filter(title="Nog een").exists()

    def test_the_permissions_say_so(self, world, gone):
        assert not can(world.leader, Action.EDIT, gone)
        assert not can(world.leader, Action.CONTRIBUTE, gone)
        assert can(world.leader, Action.ARCHIVE, gone)  # restoring stays possible
        assert can(world.head, Action.VIEW, gone)


class TestProjectListFilter:
    @pytest.fixture
    def two(self, world) -> tuple[Project, Project]:
        old = ProjectFactory(leader=world.leader, archived=True, title="Oud project")
        return world.project, old

    def titles(self, client, **params) -> set[str]:
        response = client.get(reverse("projects:list"), {"scope": "mine", **params})
        return {p.title for p in response.context["page"]}

    def test_archived_projects_are_hidden_by_default(self, client, world, two):
        client.force_login(world.leader)
        assert "Oud project" not in self.titles(client)
        assert "Oud project" not in self.titles(client, archive="onzin")

    def test_the_filter_shows_them(self, client, world, two):
        client.force_login(world.leader)
        assert self.titles(client, archive="gearchiveerd") == {"Oud project"}
        assert {"Oud project", "Wijkpark"} <= self.titles(client, archive="alle")
        html = client.get(reverse("projects:list"), {"archive": "gearchiveerd"}).content.decode()
        assert "Gearchiveerd" in html


# --- friction points ---------------------------------------------------------------------------


class TestFrictionArchive:
    @pytest.mark.parametrize("persona", ALLOWED)
    def test_it_asks_first_then_archives_and_logs_it(self, client, world, persona):
        user = world.user(persona)
        client.force_login(user)
        confirm = client.post(point_url("friction_archive", world.point))
        assert confirm.status_code == 200
        assert "Knelpunt “Inkoop vraagt drie offertes” archiveren?" in confirm.content.decode()
        assert not archived(world.point)

        response = client.post(point_url("friction_archive", world.point), {"confirm": "ja"})
        assert response.status_code == 302
        assert response["Location"] == world.point.get_absolute_url()
        assert archived(world.point)
        update = FrictionUpdate.objects.get(friction_point=world.point)
        assert (update.author, update.text) == (user, "Gearchiveerd.")

    def test_htmx_swaps_in_the_confirmation_then_the_archived_point(self, client, world):
        client.force_login(world.leader)
        confirm = client.post(point_url("friction_archive", world.point), **HTMX)
        html = confirm.content.decode()
        assert "<html" not in html
        assert 'hx-target="#friction-point"' in html
        done = client.post(point_url("friction_archive", world.point), {"confirm": "ja"}, **HTMX)
        html = done.content.decode()
        assert 'id="friction-point"' in html
        assert "Knelpunt gearchiveerd" in html
        assert "Terugzetten" in html
        assert archived(world.point)

    @pytest.mark.parametrize(
        ("persona", "which", "status"),
        [("head", "point", 403), ("outsider", "point", 403), ("outsider", "secret_point", 404)],
    )
    def test_others_are_refused_and_nothing_changes(self, client, world, persona, which, status):
        point = getattr(world, which)
        client.force_login(world.user(persona))
        for data in ({}, {"confirm": "ja"}):
            assert client.post(point_url("friction_archive", point), data).status_code == status
        assert not archived(point)
        assert not FrictionUpdate.objects.filter(friction_point=point).exists()

    def test_get_is_not_allowed(self, client, world):
        client.force_login(world.leader)
        assert client.get(point_url("friction_archive", world.point)).status_code == 405

    def test_it_restores_with_the_status_it_had(self, client, world):
        world.point.status = FrictionPoint.Status.IN_PROGRESS
        world.point.save()
        friction_point_archive(point=world.point, author=world.leader)
        client.force_login(world.commissioner)
        response = client.post(point_url("friction_restore", world.point), {"confirm": "ja"})
        assert response.status_code == 302
        world.point.refresh_from_db()
        assert world.point.archived_at is None
        assert world.point.status == FrictionPoint.Status.IN_PROGRESS
        texts = list(world.point.updates.values_list("text", flat=True))
        assert texts == ["Gearchiveerd.", "Uit het archief teruggezet."]

    def test_the_head_may_not_restore(self, client, world):
        friction_point_archive(point=world.point, author=world.leader)
        client.force_login(world.head)
        response = client.post(point_url("friction_restore", world.point), {"confirm": "ja"})
        assert response.status_code == 403
        assert archived(world.point)

    def test_the_services_refuse_twice(self, world):
        with pytest.raises(ValidationError):
            friction_point_restore(point=world.point, author=world.leader)
        friction_point_archive(point=world.point, author=world.leader)
        with pytest.raises(ValidationError):
            friction_point_archive(point=world.point, author=world.leader)
        assert world.point.updates.count() == 1


class TestArchivedFrictionPoint:
    @pytest.fixture
    def gone(self, world) -> FrictionPoint:
        friction_point_archive(point=world.point, author=world.leader)
        return world.point

    def log_titles(self, world, **params) -> list[str]:
        request = RequestFactory().get("/", {f"k-{k}": v for k, v in params.items()})
        request.user = world.leader
        return [p.title for p in friction_log_context(request, world.project)["friction_points"]]

    def test_it_drops_out_of_the_log_but_the_archive_filter_shows_it(self, world, gone):
        other = FrictionPointFactory(project=world.project, title="Nog open")
        assert self.log_titles(world) == [other.title]
        assert self.log_titles(world, archive="alleen") == [gone.title]
        assert set(self.log_titles(world, archive="met")) == {gone.title, other.title}

    def test_the_project_page_offers_the_archive_filter(self, client, world, gone):
        client.force_login(world.leader)
        html = client.get(world.project.get_absolute_url(), {"k-archive": "alleen"}).content
        html = html.decode()
        assert "Alleen gearchiveerde" in html
        assert gone.title in html

    def test_its_page_is_readable_and_read_only(self, client, world, gone):
        client.force_login(world.leader)
        response = client.get(gone.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "in het archief" in html
        assert point_url("friction_comment", gone) not in html
        assert point_url("friction_close", gone) not in html
        assert point_url("friction_edit", gone) not in html
        assert point_url("friction_restore", gone) in html

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("friction_comment", {"text": "Toch nog iets"}),
            ("friction_status", {"status": "in_behandeling"}),
            ("friction_close", {"approach": "koesteren", "lesson_learned": "Les"}),
            ("friction_edit", {"title": "Nieuw", "severity": "2"}),
        ],
    )
    def test_nobody_changes_it(self, client, world, gone, name, data):
        client.force_login(world.admin)
        assert client.post(point_url(name, gone), data).status_code == 403
        gone.refresh_from_db()
        assert gone.status == FrictionPoint.Status.OPEN
        assert gone.title == "Inkoop vraagt drie offertes"
        assert gone.updates.count() == 1


# --- the admin never deletes them ----------------------------------------------------------------


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client, world):
        superuser = AdministratorFactory(is_superuser=True)
        client.force_login(superuser)
        return client

    @pytest.mark.parametrize(
        ("model_admin", "model"), [(ProjectAdmin, Project), (FrictionPointAdmin, FrictionPoint)]
    )
    def test_it_has_no_delete_permission(self, world, model_admin, model):
        request = RequestFactory().get("/")
        request.user = AdministratorFactory(is_superuser=True)
        assert model_admin(model, site).has_delete_permission(request) is False
        assert "delete_selected" not in model_admin(model, site).get_actions(request)

    def test_the_delete_page_is_refused(self, admin_client, world):
        for name, obj in (("project", world.project), ("frictionpoint", world.point)):
            url = reverse(f"admin:projects_{name}_delete", args=[obj.pk])
            assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert Project.objects.filter(pk=world.project.pk).exists()
        assert FrictionPoint.objects.filter(pk=world.point.pk).exists()

    def test_the_archive_actions_archive_and_restore(self, admin_client, world):
        changelist = reverse("admin:projects_project_changelist")
        data = {"action": "archive_selected", "_selected_action": [world.project.pk]}
        assert admin_client.post(changelist, data).status_code == 302
        assert archived(world.project)
        data["action"] = "restore_selected"
        admin_client.post(changelist, data)
        assert not archived(world.project)

        changelist = reverse("admin:projects_frictionpoint_changelist")
        data = {"action": "archive_selected", "_selected_action": [world.point.pk]}
        admin_client.post(changelist, data)
        assert archived(world.point)
        assert world.point.updates.get().text == "Gearchiveerd."

    def test_archived_at_is_not_edited_by_hand(self, world):
        request = RequestFactory().get("/")
        request.user = AdministratorFactory(is_superuser=True)
        for model_admin, model, obj in (
            (ProjectAdmin, Project, world.project),
            (FrictionPointAdmin, FrictionPoint, world.point),
        ):
            form = model_admin(model, site).get_form(request, obj)
            assert "archived_at" not in form.base_fields
