"""Login through the organisation's identity provider: the settings refuse an incomplete
configuration, the login page offers it, and the backend links tokens to accounts by their
subject (no network: the calls to the provider, at the library's edge, answer with claims)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse

from accounts.models import OIDCIdentity
from accounts.oidc import OrganisationOIDCBackend
from governance.models import Role
from tests.factories import AdministratorFactory, LeaderFactory, UserFactory, role_group

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "https://login.gemeente.example/realms/medewerkers"
IDP = f"{ISSUER}/protocol/openid-connect"
COMPLETE = {
    "BB_OIDC_ENABLED": "true",
    "OIDC_OP_ISSUER": ISSUER,
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
        "OIDC_OP_ISSUER",
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


# --- linking tokens to accounts -----------------------------------------------------------------

SUBJECT = "f2b5c0de-7a41-4c5e-9d1e-000000000001"
OTHER_SUBJECT = "0badc0de-7a41-4c5e-9d1e-000000000002"


@pytest.fixture
def backend(settings):
    for name, value in COMPLETE.items():
        if name.startswith("OIDC_"):
            setattr(settings, name, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return OrganisationOIDCBackend()


def _claims(**extra):
    """The provider's userinfo for the subject of ``_id_token()``."""
    return {
        "sub": SUBJECT,
        "email": "Pim.Leider@Gemeente.example",
        "email_verified": True,
        "preferred_username": "pim.leider",
        "given_name": "Pim",
        "family_name": "Leider",
        **extra,
    }


def _id_token(**extra):
    return {"iss": ISSUER, "aud": "binnenbuiten", "sub": SUBJECT, "nonce": "n", **extra}


@pytest.fixture
def login(oidc_enabled, backend, monkeypatch):
    """Sign in through the backend as the callback view does; the provider's token and
    userinfo endpoints (the network) answer with the given ID token and claims."""

    def sign_in(*, id_token=None, claims=None):
        token = _id_token() if id_token is None else id_token
        info = _claims() if claims is None else claims
        monkeypatch.setattr(
            backend, "get_token", lambda payload: {"id_token": "i", "access_token": "a"}
        )
        monkeypatch.setattr(backend, "verify_token", lambda t, **kwargs: token)
        monkeypatch.setattr(backend, "get_userinfo", lambda access, id_token, payload: info)
        request = RequestFactory().get("/oidc/callback/", {"code": "c", "state": "s"})
        request.session = {}
        return backend.authenticate(request, nonce="n")

    return sign_in


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")

    def events(name: str) -> list[dict]:
        found = [
            json.loads(r.getMessage()) for r in caplog.records if r.name == "binnenbuiten.security"
        ]
        return [event for event in found if event["event"] == name]

    return events


def _identities():
    return sorted(OIDCIdentity.objects.values_list("user__username", "issuer", "subject"))


@pytest.mark.django_db
def test_a_first_login_makes_an_account_without_password_or_group_linked_to_the_subject(
    login, security_log
):
    user = login()
    user.refresh_from_db()
    assert user.username == "pim.leider"
    assert user.email == "Pim.Leider@gemeente.example"  # Django lowercases the domain
    assert (user.first_name, user.last_name) == ("Pim", "Leider")
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not user.user_permissions.exists()
    assert not (user.is_staff or user.is_superuser)
    assert _identities() == [("pim.leider", ISSUER, SUBJECT)]
    [linked] = security_log("oidc_identity_linked")
    assert (linked["user"], linked["linked_by"], linked["subject"]) == (
        "pim.leider",
        "new_account",
        SUBJECT,
    )


@pytest.mark.django_db
def test_the_next_login_finds_the_account_by_its_subject_whatever_the_email_says(login):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        first = login()
        clock.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC))
        again = login(claims=_claims(email="pim@nieuwe-naam.example", given_name="Pieter"))
    assert again == first
    assert User.objects.count() == 1
    identity = OIDCIdentity.objects.get()
    assert identity.last_login_at == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    assert identity.created_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    again.refresh_from_db()
    assert again.first_name == "Pieter"
    assert again.email == "Pim.Leider@gemeente.example"  # the address stays as it was


@pytest.mark.django_db
def test_an_existing_account_is_linked_by_a_verified_email_address_in_any_case(login, security_log):
    existing = LeaderFactory(username="pleider", email="pim.leider@gemeente.example")
    UserFactory(email="iemand.anders@gemeente.example")
    assert login() == existing
    assert _identities() == [("pleider", ISSUER, SUBJECT)]
    assert list(existing.groups.values_list("name", flat=True)) == [Role.PROJECT_LEADER]
    assert existing.check_password("binnenbuiten")  # a local password stays
    assert security_log("oidc_identity_linked")[0]["linked_by"] == "verified_email"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "verified",
    [False, None, "true", "false", "True", 1, "missing"],
    ids=lambda v: repr(v),
)
def test_an_email_address_not_verified_exactly_true_links_nothing(login, verified):
    existing = LeaderFactory(username="pleider", email="pim.leider@gemeente.example")
    claims = _claims(email_verified=verified)
    if verified == "missing":
        del claims["email_verified"]
    user = login(claims=claims)
    assert user is not None and user != existing
    user.refresh_from_db()
    assert user.email == ""  # an address nobody vouched for is not kept either
    assert not user.groups.exists()
    assert _identities() == [("pim.leider", ISSUER, SUBJECT)]


@pytest.mark.django_db
def test_an_account_linked_to_one_subject_is_not_taken_over_by_another_with_its_address(
    login, security_log
):
    owner = AdministratorFactory(username="beheer", email="pim.leider@gemeente.example")
    assert login(id_token=_id_token(sub=SUBJECT)) == owner
    intruder = login(id_token=_id_token(sub=OTHER_SUBJECT), claims=_claims(sub=OTHER_SUBJECT))
    assert intruder is not None and intruder != owner
    assert not intruder.groups.exists()
    assert not (intruder.is_staff or intruder.is_superuser)
    assert _identities() == sorted(
        [("beheer", ISSUER, SUBJECT), (intruder.username, ISSUER, OTHER_SUBJECT)]
    )
    # The owner still signs in to their own account.
    assert login(id_token=_id_token(sub=SUBJECT)) == owner
    assert [e["linked_by"] for e in security_log("oidc_identity_linked")] == [
        "verified_email",
        "new_account",
    ]


@pytest.mark.django_db
def test_an_address_that_two_accounts_share_links_neither(login):
    first = UserFactory(email="pim.leider@gemeente.example")
    second = UserFactory(email="PIM.LEIDER@gemeente.example")
    user = login()
    assert user not in (first, second)
    assert _identities() == [(user.username, ISSUER, SUBJECT)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("id_token", "claims", "reason"),
    [
        ({"sub": None}, {}, "no_subject"),
        ({"sub": ""}, {"sub": ""}, "no_subject"),
        ({"sub": "   "}, {"sub": "   "}, "no_subject"),
        ({"sub": 12345}, {"sub": 12345}, "no_subject"),
        ({"sub": "x" * 256}, {"sub": "x" * 256}, "no_subject"),
        ({"iss": "https://login.elders.example"}, {}, "wrong_issuer"),
        ({"aud": "een-andere-app"}, {}, "wrong_audience"),
        ({"aud": ["een-andere-app"]}, {}, "wrong_audience"),
        ({}, {"sub": OTHER_SUBJECT}, "userinfo_subject_differs"),
        ({}, {"sub": None}, "userinfo_subject_differs"),
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "not a string",
        "too long",
        "other issuer",
        "other client",
        "other clients",
        "userinfo of another subject",
        "userinfo without subject",
    ],
)
def test_a_token_without_a_usable_subject_or_not_for_us_is_refused(
    login, security_log, id_token, claims, reason
):
    existing = UserFactory(email="pim.leider@gemeente.example")
    token = {k: v for k, v in _id_token(**id_token).items() if v is not None}
    info = {k: v for k, v in _claims(**claims).items() if v is not None}
    assert login(id_token=token, claims=info) is None
    assert list(User.objects.all()) == [existing]
    assert not OIDCIdentity.objects.exists()
    [refused] = security_log("oidc_login_refused")
    assert refused["reason"] == reason


@pytest.mark.django_db
def test_an_audience_list_with_our_client_is_accepted(login):
    assert login(id_token=_id_token(aud=["een-andere-app", "binnenbuiten"])) is not None


@pytest.mark.django_db
def test_a_login_that_lost_the_race_to_link_its_subject_gets_the_linked_account(login, monkeypatch):
    """Two first logins of one subject at once: the database lets one link it, and the
    other then finds that account (the lookup before is made to miss, as in the race)."""
    from accounts import oidc

    winner = UserFactory(username="pim.leider", email="")
    OIDCIdentity.objects.create(user=winner, issuer=ISSUER, subject=SUBJECT)
    real, calls = oidc._identity, []

    def first_lookup_misses(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(oidc, "_identity", first_lookup_misses)
    assert login(claims=_claims(email_verified=False)) == winner
    assert list(User.objects.all()) == [winner]
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_taken_or_odd_username_is_made_unique_and_valid(backend):
    UserFactory(username="pim.leider")
    UserFactory(username="pim.leider-2")
    assert backend.create_user(_claims()).username == "pim.leider-3"
    odd = backend.create_user(_claims(preferred_username="Pim Leider (PZ)!", email="p@x.example"))
    assert odd.username == "PimLeiderPZ"
    fallback = backend.create_user(_claims(preferred_username=None, email="anna.b@x.example"))
    assert fallback.username == "anna.b"
    unverified = backend.free_username(
        _claims(preferred_username=None, email="burgemeester@x.example", email_verified=False)
    )
    assert unverified == "gebruiker"
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


@pytest.mark.django_db
def test_a_deactivated_account_neither_logs_in_nor_stays_logged_in(backend, login):
    user = UserFactory(email="pim.leider@gemeente.example")
    assert login() == user
    assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert login() is None
    assert backend.get_user(user.pk) is None
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_deactivated_account_with_the_address_is_linked_and_stays_shut(login):
    """Not a fresh account beside it: a Beheerder who switched someone off keeps them out."""
    user = UserFactory(email="pim.leider@gemeente.example", is_active=False)
    assert login() is None
    assert User.objects.count() == 1
    assert _identities() == [(user.username, ISSUER, SUBJECT)]


# --- the identity's rules in the database -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "second",
    [
        {"issuer": ISSUER, "subject": SUBJECT, "other_user": True},
        {"issuer": ISSUER, "subject": OTHER_SUBJECT, "other_user": False},
        {"issuer": ISSUER, "subject": "", "other_user": True},
        {"issuer": "", "subject": OTHER_SUBJECT, "other_user": True},
    ],
    ids=["subject twice", "two subjects for one account", "empty subject", "empty issuer"],
)
def test_the_database_refuses_a_second_link_or_an_empty_one(second):
    user = UserFactory()
    OIDCIdentity.objects.create(user=user, issuer=ISSUER, subject=SUBJECT)
    owner = UserFactory() if second.pop("other_user") else user
    with pytest.raises(IntegrityError), transaction.atomic():
        OIDCIdentity.objects.create(user=owner, **second)
    assert OIDCIdentity.objects.count() == 1


@pytest.mark.django_db
def test_another_issuer_may_know_the_same_account_under_the_same_subject():
    user = UserFactory()
    OIDCIdentity.objects.create(user=user, issuer=ISSUER, subject=SUBJECT)
    OIDCIdentity.objects.create(user=user, issuer="https://login.elders.example", subject=SUBJECT)
    assert user.oidc_identities.count() == 2
