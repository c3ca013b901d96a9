"""Sessions end after 30 minutes idle and 12 hours in all; deactivating ends them at once."""

from __future__ import annotations

import datetime as dt
import json
import logging
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import FrictionPoint
from tests.factories import AdministratorFactory, LeaderFactory, ProjectFactory
from web.security import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
EXPIRED = "Uw sessie is verlopen. Log opnieuw in om verder te gaan."


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def leader():
    return LeaderFactory(username="pim")


@pytest.fixture
def signed_in(client, leader, clock):
    client.post(reverse("login"), {"username": "pim", "password": "binnenbuiten"})
    assert client.session[SESSION_KEY] == str(leader.pk)
    return client


def _list(client, **extra):
    return client.get(reverse("projects:list"), **extra)


def _login_page_message(client, response) -> str:
    return client.get(response.url).content.decode()


def test_logging_in_starts_both_clocks(signed_in):
    session = signed_in.session
    assert session[LOGIN_AT] == session[SEEN_AT] == int(START.timestamp())


def test_a_session_idle_for_more_than_thirty_minutes_ends_at_the_next_request(
    signed_in, clock, caplog
):
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")
    clock.shift(dt.timedelta(minutes=30))
    assert _list(signed_in).status_code == 200  # exactly 30 minutes: still in
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = _list(signed_in)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={quote(reverse('projects:list'))}"
    assert SESSION_KEY not in signed_in.session
    assert EXPIRED in _login_page_message(signed_in, response)
    logout = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "binnenbuiten.security"
    ][-1]
    assert (logout["event"], logout["reason"], logout["user"]) == ("logout", "idle", "pim")


def test_activity_keeps_a_session_alive_but_not_beyond_twelve_hours(signed_in, clock):
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        clock.shift(dt.timedelta(minutes=20))
        assert _list(signed_in).status_code == 200
    clock.shift(dt.timedelta(seconds=1))
    response = _list(signed_in)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert EXPIRED in _login_page_message(signed_in, response)


def test_the_limits_follow_the_settings(signed_in, clock, settings):
    settings.BB_SESSION_IDLE_MINUTES = 5
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert _list(signed_in).status_code == 302
    settings.BB_SESSION_MAX_HOURS = 1
    signed_in.post(reverse("login"), {"username": "pim", "password": "binnenbuiten"})
    assert signed_in.session[LOGIN_AT] == int(
        (START + dt.timedelta(minutes=5, seconds=1)).timestamp()
    )
    for _ in range(15):
        clock.shift(dt.timedelta(minutes=4))
        assert _list(signed_in).status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert _list(signed_in).status_code == 302


def test_last_activity_is_written_at_most_once_a_minute(signed_in, clock, settings):
    seen = signed_in.session[SEEN_AT]
    clock.shift(dt.timedelta(seconds=30))
    response = _list(signed_in)
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the session was not saved
    assert signed_in.session[SEEN_AT] == seen
    clock.shift(dt.timedelta(seconds=30))
    response = _list(signed_in)
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert signed_in.session[SEEN_AT] == seen + 60


def test_logging_in_again_restarts_the_twelve_hours(signed_in, clock):
    clock.shift(dt.timedelta(hours=11, minutes=50))
    # Still signed in (active all along, say); logging in again is a new login.
    session = signed_in.session
    session[SEEN_AT] = int((START + dt.timedelta(hours=11, minutes=45)).timestamp())
    session.save()
    signed_in.post(reverse("login"), {"username": "pim", "password": "binnenbuiten"})
    again = int((START + dt.timedelta(hours=11, minutes=50)).timestamp())
    assert signed_in.session[LOGIN_AT] == signed_in.session[SEEN_AT] == again
    clock.shift(dt.timedelta(minutes=20))
    assert _list(signed_in).status_code == 200


def test_an_htmx_request_after_expiry_gets_a_client_redirect_to_the_page_it_came_from(
    signed_in, clock
):
    project = ProjectFactory()
    page = reverse("projects:detail", args=[project.pk])
    clock.shift(dt.timedelta(minutes=31))
    response = signed_in.post(
        reverse("projects:friction_create", args=[project.pk]),
        {"title": "Iets"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"{reverse('login')}?next={quote(page)}"
    assert response.content == b""  # nothing for htmx to swap into the fragment
    assert EXPIRED in signed_in.get(response.headers["HX-Redirect"]).content.decode()
    assert not FrictionPoint.objects.exists()


def test_a_plain_form_post_after_expiry_goes_to_the_login_page_without_next(signed_in, clock):
    project = ProjectFactory()
    clock.shift(dt.timedelta(minutes=31))
    response = signed_in.post(
        reverse("projects:friction_create", args=[project.pk]), {"title": "Iets"}
    )
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not FrictionPoint.objects.exists()
    assert SESSION_KEY not in signed_in.session


def test_a_session_from_before_the_clocks_starts_counting_at_its_next_request(
    client, leader, clock
):
    client.force_login(leader)
    session = client.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()
    clock.shift(dt.timedelta(hours=5))
    assert _list(client).status_code == 200
    assert client.session[LOGIN_AT] == int((START + dt.timedelta(hours=5)).timestamp())


# --- deactivation ---------------------------------------------------------------------------


def test_a_deactivated_user_is_anonymous_at_the_next_request_and_the_session_is_gone(
    signed_in, leader
):
    key = signed_in.session.session_key
    User.objects.filter(pk=leader.pk).update(is_active=False)
    response = _list(signed_in)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    # Reactivating the account does not bring the old session back.
    User.objects.filter(pk=leader.pk).update(is_active=True)
    assert _list(signed_in).status_code == 302


def test_an_inactive_user_that_a_backend_still_returns_is_logged_out(signed_in, leader, settings):
    # AllowAllUsersModelBackend, like an identity-provider backend, returns inactive users.
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
    session = signed_in.session
    session["_auth_user_backend"] = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    session.save()
    User.objects.filter(pk=leader.pk).update(is_active=False)
    response = _list(signed_in)
    assert response.status_code == 302
    assert SESSION_KEY not in signed_in.session
    assert "Uw sessie is beëindigd." in signed_in.get(response.url).content.decode()


def test_deactivating_a_user_in_the_admin_deletes_all_their_sessions(leader, caplog):
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(reverse("login"), {"username": "pim", "password": "binnenbuiten"})
    bystander = LeaderFactory()
    other = Client()
    other.force_login(bystander)

    admin = Client()
    admin.force_login(AdministratorFactory(is_superuser=True))
    url = reverse("admin:auth_user_change", args=[leader.pk])
    joined = timezone.localtime(leader.date_joined)
    # The change form as the Beheerder sends it with "Actief" unticked (so left out).
    data = {
        "username": leader.username,
        "first_name": leader.first_name,
        "last_name": leader.last_name,
        "email": leader.email,
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leader.refresh_from_db()
    assert not leader.is_active

    for device in (laptop, phone):
        assert _list(device).status_code == 302
    assert _list(other).status_code == 200
    ended = [
        json.loads(r.getMessage()) for r in caplog.records if "sessions_ended" in r.getMessage()
    ]
    assert [(e["subject"], e["sessions"], e["reason"]) for e in ended] == [
        ("pim", 2, "deactivated")
    ]


def test_the_session_ending_service_leaves_other_users_alone(leader):
    from web.security import user_sessions_end

    mine, theirs = Client(), Client()
    mine.force_login(leader)
    theirs.force_login(LeaderFactory())
    assert user_sessions_end(user=leader) == 1
    assert Session.objects.count() == 1
    assert user_sessions_end(user=leader) == 0
