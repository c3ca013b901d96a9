"""A shared PC keeps no copy of what a signed-in person saw: every response to a signed-in
request says ``Cache-Control: no-store`` (config/security.py), public pages are left alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import patch_cache_control

from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    ContactFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)
from web.security import NoStoreForSignedInMiddleware

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def directives(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",")} - {""}


@pytest.fixture
def people():
    leader = LeaderFactory()
    commissioner = CommissionerFactory()
    project = ProjectFactory(leader=leader, commissioner=commissioner)
    involvement = StakeholderInvolvementFactory(project=project)
    ContactFactory(stakeholder=involvement.stakeholder, name="Truus Contactpersoon")
    FrictionPointFactory(project=project, title="Vergunning loopt vast")
    return {
        "leader": leader,
        "commissioner": commissioner,
        "administrator": AdministratorFactory(),
        "project": project,
        "party": involvement.stakeholder,
    }


# (persona, URL name, URL args, extra request headers)
SIGNED_IN_PAGES = [
    ("leader", "projects:list", None, {}),
    ("leader", "projects:detail", "project", {}),
    ("leader", "projects:friction_list", "project", HTMX),
    ("leader", "stakeholders:detail", "party", {}),
    ("leader", "privacy", None, {}),
    ("commissioner", "projects:dashboard", None, {}),
    ("commissioner", "projects:dashboard", None, HTMX),
    ("commissioner", "projects:dashboard_export_csv", None, {}),
    ("commissioner", "projects:dashboard_export_xlsx", None, {}),
    ("commissioner", "projects:portfolio_report", None, {}),
    ("administrator", "admin:index", None, {}),
    ("administrator", "admin:auth_user_changelist", None, {}),
]


@pytest.mark.parametrize(
    ("persona", "name", "arg", "headers"),
    SIGNED_IN_PAGES,
    ids=[f"{name}{'-htmx' if headers else ''}" for _, name, _, headers in SIGNED_IN_PAGES],
)
def test_every_response_to_a_signed_in_person_says_no_store(
    client, people, persona, name, arg, headers
):
    client.force_login(people[persona])
    url = reverse(name, args=[people[arg].pk] if arg else None)
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response), response.get("Cache-Control")
    assert "public" not in directives(response)


def test_the_exports_are_the_files_themselves(client, people):
    """The two exports are attachments a browser would otherwise keep in its cache."""
    client.force_login(people["commissioner"])
    for name, kind in (
        ("projects:dashboard_export_csv", "text/csv"),
        ("projects:dashboard_export_xlsx", "spreadsheetml"),
    ):
        response = client.get(reverse(name))
        assert kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in directives(response)


def test_refusals_and_not_found_for_a_signed_in_person_are_not_kept_either(client, people):
    outsider = LeaderFactory()  # a role, but not a Bureauhoofd, in no project
    client.force_login(outsider)
    refused = client.get(reverse("projects:dashboard"))
    missing = client.get(reverse("projects:detail", args=[987654]))
    assert (refused.status_code, missing.status_code) == (403, 404)
    assert "no-store" in directives(refused)
    assert "no-store" in directives(missing)


@pytest.mark.parametrize("name", ["privacy", "accessibility"])
def test_a_public_page_for_an_anonymous_visitor_is_not_forced(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert not response.has_header("Expires")


# --- the middleware's own decisions -----------------------------------------------------------


def _through_middleware(user, set_by_view: dict) -> HttpResponse:
    def view(request):
        response = HttpResponse("inhoud")
        if set_by_view:
            patch_cache_control(response, **set_by_view)
        return response

    request = RequestFactory().get("/")
    request.user = user
    return NoStoreForSignedInMiddleware(view)(request)


def test_a_public_max_age_a_view_set_gives_way_for_a_signed_in_person():
    response = _through_middleware(UserFactory.build(), {"public": True, "max_age": 600})
    assert {"no-store", "private", "no-cache", "must-revalidate", "max-age=0"} == directives(
        response
    )
    assert response.has_header("Expires")


def test_what_a_view_already_set_with_no_store_is_left_as_it_was():
    response = _through_middleware(UserFactory.build(), {"no_store": True, "max_age": 0})
    assert directives(response) == {"no-store", "max-age=0"}
    assert not response.has_header("Expires")


def test_an_anonymous_response_keeps_what_the_view_chose():
    response = _through_middleware(AnonymousUser(), {"public": True, "max_age": 600})
    assert directives(response) == {"public", "max-age=600"}
    assert "Cache-Control" not in _through_middleware(AnonymousUser(), {})


def test_it_runs_right_after_authentication(settings):
    """Outside every later middleware, so it also marks the answers they give themselves."""
    middleware = settings.MIDDLEWARE
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "web.security.NoStoreForSignedInMiddleware"
