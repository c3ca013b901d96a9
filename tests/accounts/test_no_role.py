"""A person without a BinnenBuiten role has no project access and is told so on a plain
page ("je hebt nog geen rol"), whatever page they ask for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import Role
from projects.permissions import Action, audience, can, has_any_role, projects_visible_to
from tests.factories import AdministratorFactory, ProjectFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    """An account as the organisation's login makes it: no role, no staff status."""
    return UserFactory(username="nieuw")


def test_a_person_without_a_role_sees_no_project(newcomer):
    project = ProjectFactory()

    assert not has_any_role(newcomer)
    assert list(projects_visible_to(newcomer)) == []
    assert not can(newcomer, Action.VIEW, project)
    assert audience(user_ids=[newcomer.pk], project_ids=[project.pk]) == {project.pk: set()}


def test_a_role_gives_access_and_a_superuser_needs_none(newcomer):
    project = ProjectFactory()
    newcomer.groups.add(role_group(Role.PROJECT_LEADER))
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # no cached roles
    superuser = UserFactory(is_superuser=True)

    assert can(newcomer, Action.VIEW, project)
    assert can(superuser, Action.VIEW, project)


@pytest.mark.parametrize(
    "url",
    ["/", "/projects/", "/dashboard/", "/stakeholders/", "/admin/", "/inbox/"],
)
def test_every_page_sends_a_person_without_a_role_to_the_no_role_page(client, newcomer, url):
    newcomer.is_staff = True  # even the admin
    newcomer.save()
    client.force_login(newcomer)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("no_role")


def test_htmx_requests_are_sent_there_by_the_client(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/projects/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("no_role")


def test_the_page_says_what_is_going_on_and_whom_to_ask(client, newcomer):
    AdministratorFactory(first_name="Bea", last_name="Heer", email="bea@gemeente.example")
    client.force_login(newcomer)

    response = client.get(reverse("no_role"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Je hebt nog geen rol" in body
    assert "mailto:bea@gemeente.example" in body


@pytest.mark.parametrize("name", ["logout", "privacy", "accessibility", "password_change"])
def test_signing_out_the_statements_and_ones_own_password_need_no_role(client, newcomer, name):
    client.force_login(newcomer)

    response = client.get(reverse(name)) if name != "logout" else client.post(reverse(name))

    assert response.get("Location") != reverse("no_role")
    # Signing out really ends the session; the other pages leave it as it was.
    assert ("_auth_user_id" in client.session) is (name != "logout")


def test_someone_with_a_role_goes_home_from_the_no_role_page(client):
    client.force_login(AdministratorFactory())

    response = client.get(reverse("no_role"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
