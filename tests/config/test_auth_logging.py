"""Login throttling (django-axes) and the security log: who, what, when (UTC) and from where."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import FrictionPoint
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    LeaderFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "binnenbuiten"
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.20"
UTC_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(autouse=True)
def _axes_on(settings):
    # conftest.py switches django-axes off for the test client's request-less login().
    settings.AXES_ENABLED = True


@pytest.fixture
def security_log(caplog):
    """The security events logged so far, as dicts parsed from the JSON lines."""
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")

    def events(name: str | None = None) -> list[dict]:
        found = [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "binnenbuiten.security"
        ]
        return [event for event in found if name is None or event["event"] == name]

    return events


def _login(client, username: str, password: str, address: str = OFFICE, **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def _signed_in_as(client) -> str | None:
    """Who the client's session belongs to now, if anyone."""
    pk = client.session.get(SESSION_KEY)
    return None if pk is None else User.objects.get(pk=pk).username


# --- the log lines --------------------------------------------------------------------------


def test_a_successful_login_is_logged_with_who_when_and_where(client, security_log):
    user = UserFactory(username="pim")
    moment = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        response = _login(client, "pim", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == "pim"
    [event] = security_log("login_succeeded")
    assert event["user"] == "pim"
    assert event["user_id"] == user.pk
    assert event["ip"] == OFFICE
    assert event["at"] == "2027-03-01T09:30:00.000Z"
    assert event["path"] == "/accounts/login/"
    assert event["method"] == "POST"
    assert event["backend"] == "ModelBackend"


def test_a_failed_login_names_the_username_typed_and_never_the_password(client, security_log):
    UserFactory(username="pim")
    response = _login(client, "pim", "geheim-maar-fout")
    assert response.status_code == 200  # the form again, with its error
    assert _signed_in_as(client) is None
    [event] = security_log("login_failed")
    assert event["user"] == "pim"
    assert event["user_id"] is None
    assert event["ip"] == OFFICE
    assert UTC_ISO.match(event["at"])
    assert event["locked_out"] is False
    assert "geheim-maar-fout" not in json.dumps(security_log())


def test_logging_out_is_logged(client, security_log):
    user = UserFactory(username="pim")
    client.force_login(user)
    client.post(reverse("logout"), REMOTE_ADDR=OFFICE)
    assert _signed_in_as(client) is None
    [event] = security_log("logout")
    assert (event["user"], event["reason"], event["ip"]) == ("pim", "user", OFFICE)


def test_a_refused_action_is_logged_as_a_403(client, security_log):
    outsider = LeaderFactory(username="buitenstaander")
    project = ProjectFactory()
    client.force_login(outsider)
    response = client.post(
        reverse("projects:friction_create", args=[project.pk]),
        {"title": "Probeer het toch"},
        REMOTE_ADDR=ELSEWHERE,
    )
    assert response.status_code == 403
    assert not FrictionPoint.objects.exists()
    [event] = security_log("access_refused")
    assert event["user"] == "buitenstaander"
    assert event["status"] == 403
    assert event["reason"] == "permission_denied"
    assert event["ip"] == ELSEWHERE
    assert event["path"] == f"/projects/{project.pk}/friction/new/"


def test_a_confidential_project_for_an_outsider_is_logged_as_not_found(client, security_log):
    outsider = CommissionerFactory(username="nieuwsgierig")
    project = ProjectFactory(confidential=True)
    client.force_login(outsider)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 404
    [event] = security_log("not_found")
    assert (event["user"], event["status"], event["path"]) == (
        "nieuwsgierig",
        404,
        f"/projects/{project.pk}/",
    )
    assert security_log("access_refused") == []


def test_a_request_without_csrf_token_is_logged_as_refused(security_log):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(AdministratorFactory(username="beheer"))
    response = strict.post(reverse("logout"))
    assert response.status_code == 403
    assert _signed_in_as(strict) == "beheer"  # still signed in: the logout was refused
    [event] = security_log("access_refused")
    assert (event["user"], event["reason"]) == ("beheer", "forbidden")


def test_a_url_that_matches_nothing_is_not_a_security_event(client, security_log):
    client.force_login(UserFactory())
    assert client.get("/bestaat-niet/").status_code == 404
    assert security_log("not_found") == []


# --- throttling -----------------------------------------------------------------------------


def test_the_fifth_failure_locks_that_username_out_from_that_address(client, security_log):
    UserFactory(username="pim")
    for _ in range(4):
        assert _login(client, "pim", "fout").status_code == 200
    locked = _login(client, "pim", "fout")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Te veel mislukte inlogpogingen" in html
    assert "de komende 15 minuten niet inloggen" in html
    assert '<html lang="nl"' in html
    [lockout] = security_log("lockout")
    assert (lockout["user"], lockout["ip"], lockout["failure_limit"]) == ("pim", OFFICE, 5)

    # Even the right password is refused now, from this address.
    refused = _login(client, "pim", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert security_log("login_failed")[-1]["locked_out"] is True


def test_a_lockout_does_not_lock_out_the_office_or_the_user_elsewhere(client):
    UserFactory(username="pim")
    UserFactory(username="collega")
    for _ in range(5):
        _login(client, "pim", "fout")
    assert _login(client, "pim", PASSWORD).status_code == 429
    assert _signed_in_as(client) is None
    # A colleague behind the same office address logs in ...
    assert _login(client, "collega", PASSWORD).status_code == 302
    assert _signed_in_as(client) == "collega"
    client.logout()
    # ... and so does the user from another address.
    assert _login(client, "pim", PASSWORD, address=ELSEWHERE).status_code == 302
    assert _signed_in_as(client) == "pim"


def test_the_lockout_ends_after_the_cool_off_and_tries_during_it_do_not_extend_it(client):
    UserFactory(username="pim")
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            _login(client, "pim", "fout")
        clock.shift(dt.timedelta(minutes=10))
        assert _login(client, "pim", PASSWORD).status_code == 429
        assert _signed_in_as(client) is None
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        assert _login(client, "pim", PASSWORD).status_code == 302
        assert _signed_in_as(client) == "pim"


def test_the_limit_and_cool_off_follow_the_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    UserFactory(username="pim")
    assert _login(client, "pim", "fout").status_code == 200
    locked = _login(client, "pim", "fout")
    assert locked.status_code == 429
    assert "de komende minuut niet inloggen" in locked.content.decode()
    assert _login(client, "pim", PASSWORD).status_code == 429
    assert _signed_in_as(client) is None


def test_a_success_clears_the_earlier_failures(client):
    UserFactory(username="pim")
    for _ in range(4):
        _login(client, "pim", "fout")
    assert _login(client, "pim", PASSWORD).status_code == 302
    assert _signed_in_as(client) == "pim"
    client.logout()
    for _ in range(4):
        assert _login(client, "pim", "fout").status_code == 200
    assert _signed_in_as(client) is None


def test_a_forged_x_forwarded_for_does_not_escape_a_lockout_without_trusted_proxies(
    client, settings
):
    settings.BB_TRUSTED_PROXY_COUNT = 0
    UserFactory(username="pim")
    for attempt in range(5):
        _login(client, "pim", "fout", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = _login(client, "pim", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_behind_a_trusted_proxy_the_lockout_follows_the_forwarded_address(
    client, settings, security_log
):
    settings.BB_TRUSTED_PROXY_COUNT = 1
    UserFactory(username="pim")
    proxy = "10.0.0.2"
    for _ in range(5):
        _login(client, "pim", "fout", address=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert security_log("lockout")[0]["ip"] == OFFICE
    assert (
        _login(client, "pim", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code
        == 429
    )
    assert _signed_in_as(client) is None
    other = _login(client, "pim", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert other.status_code == 302
    assert _signed_in_as(client) == "pim"
