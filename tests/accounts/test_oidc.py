"""Login through the organisation's identity provider: the settings refuse an incomplete
configuration, the login page offers it, and the backend maps claims to accounts (no network:
the backend's own methods are called with claims)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import clear_url_caches, reverse

from accounts.oidc import OrganisationOIDCBackend
from governance.models import Role
from tests.factories import LeaderFactory, UserFactory, role_group

ROOT = Path(__file__).resolve().parents[2]
IDP = "https://login.gemeente.example/realms/medewerkers/protocol/openid-connect"
COMPLETE = {
    "BB_OIDC_ENABLED": "true",
    "OIDC_RP_CLIENT_ID": "binnenbuiten",
    "OIDC_RP_CLIENT_SECRET": "s3cret-van-de-idp",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{IDP}/auth",
    "OIDC_OP_TOKEN_ENDPOINT": f"{IDP}/token",
    "OIDC_OP_USER_ENDPOINT": f"{IDP}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{IDP}/certs",
}
SHOW = (
    "import django; django.setup(); from django.conf import settings as s;"
    "from django.urls import reverse;"
    "print(s.OIDC_RP_SIGN_ALGO, s.OIDC_RP_CLIENT_SECRET, reverse('oidc_authentication_init'));"
    "print(*s.AUTHENTICATION_BACKENDS)"
)


def _settings(env: dict[str, str], code: str = SHOW) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BB_OIDC", "OIDC_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- settings -------------------------------------------------------------------------------


def test_when_enabled_and_complete_the_backend_follows_the_local_ones_and_the_urls_exist():
    result = _settings(COMPLETE)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first.split() == ["RS256", "s3cret-van-de-idp", "/oidc/authenticate/"]
    assert second.split() == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "accounts.oidc.OrganisationOIDCBackend",
    ]


def test_it_names_every_missing_setting_at_once():
    result = _settings({"BB_OIDC_ENABLED": "true"})
    assert result.returncode != 0
    for name in (
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ):
        assert name in result.stderr


def test_it_refuses_an_unknown_signing_algorithm_and_needs_no_jwks_for_hs256():
    wrong = _settings({**COMPLETE, "OIDC_RP_SIGN_ALGO": "none"})
    assert wrong.returncode != 0
    assert "OIDC_RP_SIGN_ALGO must be one of" in wrong.stderr
    without_jwks = {k: v for k, v in COMPLETE.items() if k != "OIDC_OP_JWKS_ENDPOINT"}
    hs256 = _settings({**without_jwks, "OIDC_RP_SIGN_ALGO": "HS256"})
    assert hs256.returncode == 0, hs256.stderr


def test_production_refuses_a_plain_http_endpoint():
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q7Zx" * 10,
    }
    result = _settings({**COMPLETE, **production, "OIDC_OP_TOKEN_ENDPOINT": "http://idp/token"})
    assert result.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT must be an https:// address" in result.stderr


def test_the_client_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "oidc-secret"
    secret.write_text("uit-een-bestand\n")
    env = {k: v for k, v in COMPLETE.items() if k != "OIDC_RP_CLIENT_SECRET"}
    result = _settings({**env, "OIDC_RP_CLIENT_SECRET_FILE": str(secret)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "uit-een-bestand"


def test_when_disabled_nothing_of_it_is_there(settings):
    assert settings.BB_OIDC_ENABLED is False
    assert not any("oidc" in backend for backend in settings.AUTHENTICATION_BACKENDS)


# --- the login page -------------------------------------------------------------------------


@pytest.fixture
def oidc_enabled(settings):
    settings.BB_OIDC_ENABLED = True
    for name, value in COMPLETE.items():
        if name.startswith("OIDC_"):
            setattr(settings, name, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.OrganisationOIDCBackend",
    ]
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.BB_OIDC_ENABLED = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_login_page_offers_the_organisation_account_when_enabled(client, oidc_enabled):
    html = client.get(reverse("login") + "?next=/projects/").content.decode()
    assert "Inloggen met uw organisatieaccount" in html
    assert 'action="/oidc/authenticate/"' in html
    assert 'name="next" value="/projects/"' in html
    # Local accounts stay.
    assert 'name="password"' in html


@pytest.mark.django_db
def test_the_login_page_has_only_the_local_form_when_disabled(client):
    html = client.get(reverse("login")).content.decode()
    assert "organisatieaccount" not in html
    assert 'name="password"' in html


# --- mapping claims to accounts -------------------------------------------------------------


@pytest.fixture
def backend(settings):
    for name, value in COMPLETE.items():
        if name.startswith("OIDC_"):
            setattr(settings, name, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return OrganisationOIDCBackend()


def _claims(**extra):
    return {
        "sub": "f2b5c0de",
        "email": "Pim.Leider@Gemeente.example",
        "email_verified": True,
        "preferred_username": "pim.leider",
        "given_name": "Pim",
        "family_name": "Leider",
        **extra,
    }


@pytest.mark.django_db
def test_an_existing_account_is_found_by_its_email_address_in_any_case(backend):
    existing = LeaderFactory(username="pleider", email="pim.leider@gemeente.example")
    UserFactory(email="iemand.anders@gemeente.example")
    assert list(backend.filter_users_by_claims(_claims())) == [existing]
    assert list(backend.filter_users_by_claims(_claims(email=""))) == []


@pytest.mark.django_db
def test_a_new_account_is_named_after_preferred_username_and_gets_no_role(backend):
    user = backend.create_user(_claims())
    user.refresh_from_db()
    assert user.username == "pim.leider"
    assert user.email == "Pim.Leider@gemeente.example"  # Django lowercases the domain
    assert (user.first_name, user.last_name) == ("Pim", "Leider")
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not (user.is_staff or user.is_superuser)


@pytest.mark.django_db
def test_a_taken_or_odd_username_is_made_unique_and_valid(backend):
    UserFactory(username="pim.leider")
    UserFactory(username="pim.leider-2")
    assert backend.create_user(_claims()).username == "pim.leider-3"
    odd = backend.create_user(_claims(preferred_username="Pim Leider (PZ)!", email="p@x.example"))
    assert odd.username == "PimLeiderPZ"
    fallback = backend.create_user(_claims(preferred_username=None, email="anna.b@x.example"))
    assert fallback.username == "anna.b"
    long = backend.free_username(_claims(preferred_username="x" * 400))
    assert len(long) == 150


@pytest.mark.django_db
def test_updating_keeps_roles_and_rights_and_takes_the_name_from_the_provider(backend):
    user = UserFactory(username="pim", first_name="P.", last_name="Leider", is_staff=True)
    user.groups.add(role_group(Role.COMMISSIONER))
    updated = backend.update_user(user, _claims(given_name="Pim", groups=["Beheerder"]))
    updated.refresh_from_db()
    assert (updated.first_name, updated.last_name) == ("Pim", "Leider")
    assert list(updated.groups.values_list("name", flat=True)) == [Role.COMMISSIONER]
    assert updated.is_staff and not updated.is_superuser


def test_claims_need_an_email_address_the_provider_did_not_call_unverified(backend):
    assert backend.verify_claims(_claims())
    assert backend.verify_claims({k: v for k, v in _claims().items() if k != "email_verified"})
    assert not backend.verify_claims(_claims(email_verified=False))
    assert not backend.verify_claims(_claims(email=None))


@pytest.mark.django_db
def test_a_deactivated_account_neither_logs_in_nor_stays_logged_in(
    oidc_enabled, backend, monkeypatch
):
    user = UserFactory(email="pim.leider@gemeente.example")
    monkeypatch.setattr(
        backend, "get_token", lambda payload: {"id_token": "i", "access_token": "a"}
    )
    monkeypatch.setattr(backend, "verify_token", lambda token, **kwargs: {"nonce": "n"})
    monkeypatch.setattr(backend, "get_userinfo", lambda access, id_token, payload: _claims())

    from django.test import RequestFactory

    request = RequestFactory().get("/oidc/callback/", {"code": "c", "state": "s"})
    request.session = {}
    assert backend.authenticate(request, nonce="n") == user
    assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.authenticate(request, nonce="n") is None
    assert backend.get_user(user.pk) is None
