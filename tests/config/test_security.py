"""Security headers, cookies and the Content Security Policy; the client address; the order
of the authentication backends and middleware that the security pieces rely on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import LeaderFactory, ProjectFactory
from web.audit_log import client_ip

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q7Zx" * 10,
    "DJANGO_ALLOWED_HOSTS": "binnenbuiten.gemeente.example",
}

# Renders the login page and logs in with the production settings, on an in-memory database,
# and prints the headers and cookies a browser would get.
PRODUCTION_RESPONSES = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
# The manifest exists only after collectstatic; everything else stays as in production.
override_settings(
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
call_command("migrate", verbosity=0, run_syncdb=True)
from django.contrib.auth.models import User
User.objects.create_user("pim", password="binnenbuiten-geheim")
# Behind the TLS-terminating proxy, as in production (SECURE_PROXY_SSL_HEADER).
client = Client(HTTP_HOST="binnenbuiten.gemeente.example", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/accounts/login/")
login = client.post(
    "/accounts/login/",
    {"username": "pim", "password": "binnenbuiten-geheim",
     "csrfmiddlewaretoken": page.cookies[next(n for n in page.cookies if "csrf" in n)].value},
)
def cookies(response):
    return {name: morsel.OutputString() for name, morsel in response.cookies.items()}
print(json.dumps({
    "status": [page.status_code, login.status_code],
    "headers": dict(page.headers),
    "cookies": {**cookies(page), **cookies(login)},
}))
"""


def _production(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "BB_", "OIDC_", "REDIS_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production_responses() -> dict:
    result = _production(PRODUCTION_RESPONSES)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- production headers and cookies ---------------------------------------------------------


def test_production_sends_hsts_for_a_year_with_subdomains_and_the_other_headers(
    production_responses,
):
    headers = production_responses["headers"]
    assert production_responses["status"] == [200, 302]
    hsts = dict(
        part.strip().partition("=")[::2] for part in headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts
    assert "preload" not in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "object-src 'none'" in headers["Content-Security-Policy"]


def test_production_cookies_are_host_bound_secure_httponly_and_samesite(production_responses):
    cookies = production_responses["cookies"]
    assert {"__Host-sessionid", "__Host-csrftoken"} <= set(cookies)
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        attributes = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in attributes, name
        assert "httponly" in attributes, name
        assert "samesite=lax" in attributes, name
        # What browsers demand of a __Host- cookie: Path=/ and no Domain.
        assert "path=/" in attributes, name
        assert not any(a.startswith("domain=") for a in attributes), name


def test_the_host_prefix_can_be_switched_off_for_a_deployment_that_shares_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    )
    assert _production(code).stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True"]
    off = _production(code, DJANGO_COOKIE_HOST_PREFIX="false")
    assert off.stdout.split() == ["sessionid", "csrftoken", "True"]
    wrong = _production(code, DJANGO_COOKIE_HOST_PREFIX="soms")
    assert wrong.returncode != 0
    assert "DJANGO_COOKIE_HOST_PREFIX must be true or false" in wrong.stderr


def test_local_development_keeps_plain_cookie_names_for_plain_http():
    # __Host- cookies need HTTPS; http://127.0.0.1:8000 must keep working.
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    )
    local = _production(code, DJANGO_DEBUG="true")
    assert local.stdout.split() == ["sessionid", "csrftoken"]


def test_login_throttling_and_session_limits_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()),"
        " s.BB_SESSION_IDLE_MINUTES, s.BB_SESSION_MAX_HOURS, s.SESSION_COOKIE_AGE,"
        " s.BB_TRUSTED_PROXY_COUNT)"
    )
    assert _production(code).stdout.split() == ["5", "900", "30", "12", "43200", "0"]
    custom = _production(
        code,
        BB_LOGIN_FAILURE_LIMIT="3",
        BB_LOGIN_COOLOFF_MINUTES="60",
        BB_SESSION_IDLE_MINUTES="15",
        BB_SESSION_MAX_HOURS="8",
        BB_TRUSTED_PROXY_COUNT="1",
    )
    assert custom.stdout.split() == ["3", "3600", "15", "8", "28800", "1"]
    for name, raw in (("BB_LOGIN_FAILURE_LIMIT", "0"), ("BB_SESSION_IDLE_MINUTES", "half")):
        wrong = _production(code, **{name: raw})
        assert wrong.returncode != 0
        assert name in wrong.stderr


# --- Content Security Policy ----------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.meta: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "meta" and dict(attrs).get("name") == "htmx-config":
            self.meta = dict(attrs)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {directive[0]: directive[1:] for directive in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["login page", "project page"])
def test_every_page_has_a_strict_policy_and_every_script_its_nonce(client, signed_in):
    if signed_in:
        leader = LeaderFactory()
        project = ProjectFactory(leader=leader)
        client.force_login(leader)
        url = reverse("projects:detail", args=[project.pk])
    else:
        url = reverse("login")
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header

    page = _Scripts()
    page.feed(response.content.decode())
    assert len(page.scripts) >= 2  # htmx and app.js
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert all(script.get("nonce") == nonce for script in page.scripts), page.scripts
    assert json.loads(page.meta["content"])["allowEval"] is False


@pytest.mark.django_db
def test_the_nonce_is_new_for_every_response(client):
    first = _policy(client.get(reverse("login")))["script-src"]
    second = _policy(client.get(reverse("login")))["script-src"]
    assert first != second


def test_every_script_tag_in_the_templates_carries_the_nonce():
    missing = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(encoding="utf-8"))
        if 'nonce="{{ csp_nonce }}"' not in tag
    ]
    assert missing == []


# --- the client's address -------------------------------------------------------------------


def _request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.BB_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="203.0.113.9")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # Whatever the client wrote itself stands to the left and is not believed.
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Fewer entries than proxies, or garbage: the connection's own address.
        (2, "203.0.113.9", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_outermost_proxy_names_the_client(
    settings, proxies, forwarded, expected
):
    settings.BB_TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected


# --- wiring ---------------------------------------------------------------------------------


def test_axes_checks_before_the_password_backend_and_answers_last():
    backends = django_settings.AUTHENTICATION_BACKENDS
    assert backends[0] == "axes.backends.AxesStandaloneBackend"
    assert "django.contrib.auth.backends.ModelBackend" in backends
    middleware = django_settings.MIDDLEWARE
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    lifetime = middleware.index("web.security.SessionLifetimeMiddleware")
    for earlier in (
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
    ):
        assert middleware.index(earlier) < lifetime, earlier
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
