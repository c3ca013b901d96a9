"""BB_2FA_REQUIRED_FOR: who is sent to set up an app right after the password and can reach
nothing else until then (pages, htmx, exports, the admin); the admin asks a verified
session of all staff; the organisation's login counts as verified."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import OIDC, STATE_KEY
from projects.models import FrictionPoint
from tests.accounts.conftest import app_code, password_login
from tests.accounts.test_oidc import COMPLETE
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    LeaderFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")


def _person(kind: str):
    if kind == "beheerder":
        return AdministratorFactory(is_staff=True)
    if kind == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if kind == "staff":
        return LeaderFactory(is_staff=True)
    return LeaderFactory()


# Who is sent to set up an app after the password, per setting: (pages, admin).
CASES = [
    ("beheerder", "beheerder", True, True),
    ("beheerder", "superuser", True, True),
    ("beheerder", "staff", False, True),
    ("beheerder", "leader", False, False),
    ("all", "beheerder", True, True),
    ("all", "staff", True, True),
    ("all", "leader", True, True),
    ("none", "beheerder", False, False),
    ("none", "superuser", False, False),
    ("none", "leader", False, False),
]


@pytest.mark.parametrize(("mode", "kind", "pages", "admin"), CASES)
def test_who_must_set_up_an_app_first(client, settings, mode, kind, pages, admin):
    settings.BB_2FA_REQUIRED_FOR = mode
    person = _person(kind)
    response = password_login(client, person)
    assert response.status_code == 302
    home = client.get("/projects/")
    if pages:
        assert home.status_code == 302
        assert home["Location"] == f"{ENROL}?next=%2Fprojects%2F"
    else:
        assert home.status_code == 200
    admin_page = client.get("/admin/")
    if admin:
        assert admin_page["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    elif kind == "leader":
        assert admin_page["Location"].startswith(
            "/admin/login/"
        )  # not staff: the admin's own refusal
    else:
        assert admin_page.status_code == 200


def test_until_then_nothing_else_is_reachable(client, settings):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    beheerder = AdministratorFactory(is_staff=True)
    project = ProjectFactory(commissioner=CommissionerFactory())
    password_login(client, beheerder)
    for path in (
        "/",
        f"/projects/{project.pk}/",
        "/dashboard/",
        reverse("projects:dashboard_export_csv"),
        reverse("projects:dashboard_export_xlsx"),
        "/stakeholders/",
        "/admin/auth/user/",
        reverse("password_change"),
        reverse("accounts:two_factor"),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{ENROL}?next={quote(path, safe='')}", path
    # An htmx fragment: the whole page goes to the set-up.
    fragment = client.get(
        "/projects/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver/projects/{project.pk}/",
        },
    )
    assert fragment["HX-Redirect"] == f"{ENROL}?next=%2Fprojects%2F{project.pk}%2F"
    # A form sent without htmx is not resent afterwards, and changes nothing.
    posted = client.post(
        reverse("projects:friction_create", args=[project.pk]), {"title": "Toch proberen"}
    )
    assert posted["Location"] == ENROL
    assert not FrictionPoint.objects.filter(title="Toch proberen").exists()
    # What stays open: the set-up itself, logging out, the public pages.
    enrol = client.get(ENROL).content.decode()
    assert "Voor jouw account is tweestapsverificatie verplicht." in enrol
    assert 'href="/projects/"' not in enrol  # no menu to pages it cannot open yet
    assert client.get(reverse("privacy")).status_code == 200
    assert client.get("/bestaat-niet/").status_code == 404
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_after_setting_up_everything_is_open(client, settings, clock):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    beheerder = AdministratorFactory(is_staff=True)
    password_login(client, beheerder)
    client.get(ENROL + "?next=/dashboard/")
    key = client.session["bb_second_factor_key"]
    response = client.post(ENROL, {"code": app_code(key), "next": "/dashboard/"})
    assert (
        response["Location"]
        == reverse("accounts:two_factor_recovery_codes") + "?next=%2Fdashboard%2F"
    )
    device = TOTPDevice.objects.get(user=beheerder)
    assert (device.confirmed, device.key) == (True, key)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_with_an_app_the_code_is_asked_even_when_nothing_is_required(client, settings, enrolled):
    settings.BB_2FA_REQUIRED_FOR = "none"
    leader = LeaderFactory(is_staff=True)
    key, _ = enrolled(leader)
    password_login(client, leader)
    assert client.get("/projects/")["Location"] == f"{VERIFY}?next=%2Fprojects%2F"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    # A person with an app goes to the code, not to a second set-up.
    assert client.get(ENROL)["Location"] == VERIFY
    client.post(VERIFY, {"code": app_code(key)})
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get("/projects/").status_code == 200


def test_the_admin_asks_a_verified_session_even_of_a_superuser_with_an_app(
    client, settings, enrolled
):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    superuser = UserFactory(is_staff=True, is_superuser=True)
    key, _ = enrolled(superuser)
    client.force_login(superuser)
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    client.post(VERIFY, {"code": app_code(key)})
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get("/admin/").status_code == 200


def test_a_device_removed_by_a_beheerder_ends_the_verified_state(client, settings, enrolled):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    beheerder = AdministratorFactory(is_staff=True)
    key, _ = enrolled(beheerder)
    password_login(client, beheerder)
    client.post(VERIFY, {"code": app_code(key)})
    assert client.get("/dashboard/").status_code == 200
    TOTPDevice.objects.filter(user=beheerder).delete()
    assert client.get("/dashboard/")["Location"] == f"{ENROL}?next=%2Fdashboard%2F"


# --- the organisation's login ---------------------------------------------------------------------


@pytest.fixture
def oidc_backend(settings):
    for name, value in COMPLETE.items():
        if name.startswith("OIDC_"):
            setattr(settings, name, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.OrganisationOIDCBackend",
    ]
    return "accounts.oidc.OrganisationOIDCBackend"


@pytest.mark.parametrize("mode", ["beheerder", "all"])
def test_the_organisations_login_asks_no_second_code(settings, oidc_backend, enrolled, mode):
    settings.BB_2FA_REQUIRED_FOR = mode
    with_app = AdministratorFactory(is_staff=True)
    enrolled(with_app)
    without_app = AdministratorFactory(is_staff=True)
    for person in (with_app, without_app):
        client = Client()
        client.force_login(person, backend=oidc_backend)
        assert client.session[STATE_KEY] == OIDC
        assert client.get("/dashboard/").status_code == 200
        assert client.get("/admin/").status_code == 200


def test_the_same_person_logging_in_with_the_password_owes_the_code_again(
    settings, oidc_backend, enrolled
):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    person = AdministratorFactory(is_staff=True)
    enrolled(person)
    client = Client()
    client.force_login(person, backend=oidc_backend)
    password_login(client, person)
    assert client.get("/dashboard/")["Location"] == f"{VERIFY}?next=%2Fdashboard%2F"


def test_a_new_password_login_in_a_verified_session_asks_the_code_again(client, enrolled):
    person = LeaderFactory()
    key, _ = enrolled(person)
    password_login(client, person)
    client.post(VERIFY, {"code": app_code(key)})
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get("/projects/").status_code == 200
    password_login(client, person)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/projects/")["Location"] == f"{VERIFY}?next=%2Fprojects%2F"
