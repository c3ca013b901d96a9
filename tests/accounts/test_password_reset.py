"""Password reset by e-mail: it works, it is throttled per e-mail address and per client, it
never tells whether an address has an account or was throttled, and it can be switched off."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import kombu.pools
import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, reverse

from config.celery import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
RESET = "/accounts/password_reset/"
DONE = "/accounts/password_reset/done/"
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.20"
LINK = re.compile(r"https?://\S+/accounts/reset/\S+/\S+/")


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")

    def events(name: str) -> list[dict]:
        return [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "binnenbuiten.security"
            and json.loads(record.getMessage())["event"] == name
        ]

    return events


@pytest.fixture(autouse=True)
def celery_conf():
    """Tasks run in this process, also when REDIS_URL names a broker; a test may point the
    broker elsewhere. The configuration is put back afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_write_url")}
    app.conf.task_always_eager = True
    yield app.conf
    app.conf.update(saved)
    _drop_broker_connections()


def _drop_broker_connections() -> None:
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def pim():
    return UserFactory(username="pim", first_name="Pim", email="pim.leider@gemeente.example")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """POST the form as a browser would, and run what was queued after the commit."""

    def post(email: str, address: str = OFFICE, **extra):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            response = client.post(RESET, {"email": email}, REMOTE_ADDR=address, **extra)
        response.queued = len(queued)
        return response

    return post


# --- it works -----------------------------------------------------------------------------------


def test_a_known_address_gets_a_link_that_sets_a_new_password(client, ask, pim, security_log):
    response = ask("Pim.Leider@Gemeente.example")
    assert (response.status_code, response["Location"]) == (302, DONE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pim.leider@gemeente.example"]
    assert message.subject == "[BinnenBuiten] Kies een nieuw wachtwoord"
    assert "Beste Pim," in message.body
    link = LINK.search(message.body).group(0)
    # The site's own address (BB_SITE_URL), never the Host header the request named.
    assert link.startswith("http://127.0.0.1:8000/accounts/reset/")
    assert [e["user"] for e in security_log("password_reset_mail_sent")] == ["pim"]

    form = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert "Kies een nieuw wachtwoord" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "een-lang-nieuw-wachtwoord-42",
            "new_password2": "een-lang-nieuw-wachtwoord-42",
        },
    )
    assert saved["Location"] == reverse("password_reset_complete")
    pim.refresh_from_db()
    assert pim.check_password("een-lang-nieuw-wachtwoord-42")
    assert [e["user"] for e in security_log("password_reset_completed")] == ["pim"]
    # The link works once.
    again = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()


def test_the_request_page_and_the_done_page_render_in_the_site_layout(client):
    form = client.get(RESET)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Wachtwoord vergeten" in html
    assert 'name="email"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Heeft een BinnenBuiten-account dit e-mailadres?" in client.get(DONE).content.decode()


def test_a_bad_address_is_shown_beside_the_field_with_the_typed_text_kept(ask):
    response = ask("geen-adres<b>")
    assert response.status_code == 200
    html = response.content.decode()
    assert "utrecht-form-field--invalid" in html
    assert 'value="geen-adres&lt;b&gt;"' in html
    assert response.queued == 0
    assert mail.outbox == []


# --- it tells nothing ---------------------------------------------------------------------------


def test_an_unknown_address_gets_the_same_answer_and_no_email(ask, pim, security_log):
    known = ask("pim.leider@gemeente.example")
    unknown = ask("niemand@gemeente.example")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    # The same work in the request: one task queued for each, the lookup left to the worker.
    assert known.queued == unknown.queued == 1
    assert [m.to for m in mail.outbox] == [["pim.leider@gemeente.example"]]
    assert len(security_log("password_reset_requested")) == 2


def test_the_request_does_the_same_queries_for_a_known_and_an_unknown_address(
    client, pim, django_capture_on_commit_callbacks
):
    def queries(email: str) -> list[str]:
        # The task queued for after the commit runs once the queries are counted.
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as captured,
        ):
            client.post(RESET, {"email": email}, REMOTE_ADDR=OFFICE)
        return [q["sql"] for q in captured.captured_queries]

    known, unknown = queries(pim.email), queries("niemand@gemeente.example")
    assert known == unknown
    assert not any("auth_user" in sql for sql in known)
    assert [m.to for m in mail.outbox] == [["pim.leider@gemeente.example"]]


@pytest.mark.parametrize(
    "make",
    [
        lambda user: setattr(user, "is_active", False),
        # An account made by the organisation's login has no password.
        lambda user: user.set_unusable_password(),
    ],
    ids=["deactivated", "without password"],
)
def test_an_account_that_may_not_reset_gets_no_email(ask, make):
    user = UserFactory(email="anna@gemeente.example")
    make(user)
    user.save()
    response = ask("anna@gemeente.example")
    assert response["Location"] == DONE
    assert mail.outbox == []


# --- throttling ---------------------------------------------------------------------------------


def test_an_address_gets_five_emails_an_hour_whatever_its_case_or_the_client(
    ask, pim, security_log
):
    spellings = ["pim.leider@gemeente.example", "PIM.LEIDER@gemeente.example"]
    answers = [ask(spellings[i % 2], address=OFFICE if i < 3 else ELSEWHERE) for i in range(7)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, DONE)}
    assert len(mail.outbox) == 5
    assert [a.queued for a in answers] == [1, 1, 1, 1, 1, 0, 0]
    throttled = security_log("password_reset_throttled")
    assert [e["limits"] for e in throttled] == [["address"], ["address"]]
    assert throttled[0]["ip"] == ELSEWHERE
    # Another address is not held up by it.
    ask("iemand.anders@gemeente.example", address=ELSEWHERE)
    assert len(security_log("password_reset_requested")) == 6


def test_a_client_gets_twenty_requests_an_hour_then_nothing_is_sent(ask, pim, security_log):
    for n in range(20):
        assert ask(f"onbekend{n}@gemeente.example").queued == 1
    over = ask("pim.leider@gemeente.example")
    assert (over.status_code, over["Location"], over.queued) == (302, DONE, 0)
    assert mail.outbox == []
    assert security_log("password_reset_throttled")[0]["limits"] == ["client"]
    # Another client may still ask for the same address.
    assert ask("pim.leider@gemeente.example", address=ELSEWHERE).queued == 1
    assert len(mail.outbox) == 1


def test_the_client_is_the_address_the_trusted_proxy_saw_not_what_the_client_wrote(
    ask, settings, security_log
):
    settings.BB_TRUSTED_PROXY_COUNT = 1
    settings.BB_PASSWORD_RESET_LIMIT_PER_CLIENT = 2
    for n in range(3):
        ask(
            f"onbekend{n}@gemeente.example",
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9",
        )
    throttled = security_log("password_reset_throttled")
    assert [(e["limits"], e["ip"]) for e in throttled] == [(["client"], "203.0.113.9")]


def test_the_limits_come_from_the_settings_and_last_an_hour(ask, pim, settings):
    settings.BB_PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert [ask(pim.email).queued for _ in range(2)] == [1, 0]
        clock.move_to(dt.datetime(2026, 3, 2, 10, 0, 1, tzinfo=dt.UTC))
        assert ask(pim.email).queued == 1
    assert len(mail.outbox) == 2


def test_a_throttled_request_looks_exactly_like_an_accepted_one(client, ask, pim, settings):
    settings.BB_PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    accepted, throttled = ask(pim.email), ask(pim.email)
    assert (accepted.queued, throttled.queued) == (1, 0)
    assert [m.to for m in mail.outbox] == [["pim.leider@gemeente.example"]]
    assert accepted.status_code == throttled.status_code
    assert dict(accepted.headers) == dict(throttled.headers)
    assert accepted.content == throttled.content


# --- the broker ---------------------------------------------------------------------------------


def test_a_broker_out_of_reach_does_not_break_the_page(ask, pim, celery_conf, caplog):
    celery_conf.task_always_eager = False
    celery_conf.broker_url = "redis://127.0.0.1:6399/0"  # nothing listens here
    celery_conf.broker_write_url = None
    _drop_broker_connections()
    response = ask(pim.email)
    assert (response.status_code, response["Location"]) == (302, DONE)
    assert mail.outbox == []
    assert "not queued" in caplog.text


# --- switched off -------------------------------------------------------------------------------


@pytest.fixture
def reset_disabled(settings):
    import accounts.auth_urls
    import config.urls

    settings.BB_PASSWORD_RESET_ENABLED = False
    importlib.reload(accounts.auth_urls)
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.BB_PASSWORD_RESET_ENABLED = True
    importlib.reload(accounts.auth_urls)
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_login_page_links_to_the_reset_when_it_is_on(client):
    assert f'href="{RESET}"' in client.get(reverse("login")).content.decode()


def test_switched_off_the_pages_are_gone_and_the_login_page_has_no_link(
    client, pim, reset_disabled
):
    for url in (RESET, DONE, "/accounts/reset/MQ/abc-123/", "/accounts/reset/done/"):
        assert client.get(url).status_code == 404, url
    assert client.post(RESET, {"email": pim.email}).status_code == 404
    assert mail.outbox == []
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    html = client.get(reverse("login")).content.decode()
    assert "Wachtwoord vergeten" not in html
    assert 'name="password"' in html
    # The rest of the account pages stay.
    client.force_login(pim)
    assert client.get(reverse("password_change")).status_code == 200
    assert User.objects.get(pk=pim.pk).check_password("binnenbuiten")


# --- the settings -------------------------------------------------------------------------------


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BB_PASSWORD_RESET")}
    code = (
        "import config.settings as s; print(s.BB_PASSWORD_RESET_ENABLED,"
        " s.BB_PASSWORD_RESET_LIMIT_PER_ADDRESS, s.BB_PASSWORD_RESET_LIMIT_PER_CLIENT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_default_to_on_five_and_twenty_and_refuse_bad_values():
    default = _settings()
    assert default.stdout.split() == ["True", "5", "20"], default.stderr
    chosen = _settings(
        BB_PASSWORD_RESET_ENABLED="false",
        BB_PASSWORD_RESET_LIMIT_PER_ADDRESS="3",
        BB_PASSWORD_RESET_LIMIT_PER_CLIENT="50",
    )
    assert chosen.stdout.split() == ["False", "3", "50"], chosen.stderr
    for name, value in (
        ("BB_PASSWORD_RESET_ENABLED", "misschien"),
        ("BB_PASSWORD_RESET_LIMIT_PER_ADDRESS", "0"),
        ("BB_PASSWORD_RESET_LIMIT_PER_CLIENT", "veel"),
    ):
        refused = _settings(**{name: value})
        assert refused.returncode != 0
        assert name in refused.stderr
