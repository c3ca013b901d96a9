"""Tweestapsverificatie through its pages: set up an app, log in with a code or a recovery
code, wrong codes refused and throttled, new recovery codes, switching it off."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import ENROL_KEY, PENDING, STATE_KEY
from tests.accounts.conftest import app_code, password_login
from tests.factories import AdministratorFactory, LeaderFactory

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")
RECOVERY = reverse("accounts:two_factor_recovery")
CODES = reverse("accounts:two_factor_recovery_codes")
OVERVIEW = reverse("accounts:two_factor")
FIELD_ERROR = re.compile(
    r'class="utrecht-form-field__error-message[^"]*" '
    r'id="id_(?:code|password)_error">(.*?)</div>',
    re.S,
)


def _field_error(response) -> str:
    """The error text beside the code or password field."""
    match = FIELD_ERROR.search(response.content.decode())
    assert match, "no error beside the field"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- setting up an app ------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_secret_and_stores_nothing(client, clock):
    user = LeaderFactory(username="pim")
    client.force_login(user)
    response = client.get(ENROL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg viewBox="' in html and 'class="bb-qr"' in html
    assert "<title>QR-code om BinnenBuiten aan je app toe te voegen</title>" in html
    key = client.session[ENROL_KEY]
    secret = re.search(r'<code class="bb-secret" id="bb-secret">([A-Z2-7 ]+)</code>', html)
    assert secret
    typed = base64.b32decode(secret.group(1).replace(" ", ""))
    assert binascii.hexlify(typed).decode() == key
    # The code field is made for one-time codes, and labelled.
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label class="utrecht-form-label" for="id_code">Code uit je app' in html
    # Set up by choice: the menu stays, and so does the way back.
    assert 'href="/projects/"' in html and "Annuleren" in html
    assert "verplicht. Stel hem eerst in" not in html
    # Opening the page writes no device; a reload offers the same secret.
    assert not TOTPDevice.objects.exists()
    client.get(ENROL)
    assert client.session[ENROL_KEY] == key


def test_a_right_code_sets_up_the_app_and_shows_ten_recovery_codes_once(
    client, clock, security_log
):
    user = LeaderFactory(username="pim")
    client.force_login(user)
    client.get(ENROL)
    key = client.session[ENROL_KEY]
    response = client.post(ENROL, {"code": app_code(key)})
    assert response.status_code == 302
    assert response["Location"] == CODES

    device = TOTPDevice.objects.get(user=user)
    assert (device.confirmed, device.key) == (True, key)
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(tokens) == 10
    assert _verified(client)
    assert ENROL_KEY not in client.session
    [event] = security_log("second_factor_enrolled")
    assert (event["user"], event["sessions_ended"]) == ("pim", 0)

    shown = client.get(CODES)
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    html = shown.content.decode()
    assert set(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)) == tokens
    # Once: the next visit shows them no more.
    again = client.get(CODES)
    assert again.status_code == 302
    assert again["Location"] == OVERVIEW
    assert not any(token in client.get(OVERVIEW).content.decode() for token in tokens)


def test_a_wrong_code_at_set_up_is_refused_beside_the_field_and_stores_nothing(
    client, clock, security_log
):
    client.force_login(LeaderFactory())
    client.get(ENROL)
    key = client.session[ENROL_KEY]
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert _field_error(response) == "Deze code klopt niet. Vul de code in die je app nu laat zien."
    assert f'value="{wrong}"' in response.content.decode()  # the typed code stays
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert client.session[ENROL_KEY] == key
    assert security_log("second_factor_refused")[0]["step"] == "enrol"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x", "\x00" * 6])
def test_a_code_that_is_no_code_is_refused_beside_the_field(client, clock, typed):
    client.force_login(LeaderFactory())
    client.get(ENROL)
    response = client.post(ENROL, {"code": typed})
    assert response.status_code == 200
    assert _field_error(response) in {
        "Dit veld is verplicht.",
        "Een code bestaat uit 6 cijfers.",
        "Null-tekens zijn niet toegestaan.",
    }
    assert not TOTPDevice.objects.exists()


def test_a_code_typed_with_spaces_counts(client, clock):
    user = LeaderFactory()
    client.force_login(user)
    client.get(ENROL)
    code = app_code(client.session[ENROL_KEY])
    assert client.post(ENROL, {"code": f" {code[:3]} {code[3:]} "}).status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_setting_up_ends_the_persons_other_sessions(client, clock, security_log):
    user = LeaderFactory()
    elsewhere = Client()
    elsewhere.force_login(user)
    stranger = Client()
    stranger.force_login(LeaderFactory())
    client.force_login(user)
    client.get(ENROL)
    client.post(ENROL, {"code": app_code(client.session[ENROL_KEY])})
    assert security_log("second_factor_enrolled")[0]["sessions_ended"] == 1
    assert not Session.objects.filter(session_key=elsewhere.session.session_key).exists()
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    assert Session.objects.filter(session_key=stranger.session.session_key).exists()


def test_someone_with_an_app_cannot_set_up_a_second_one(client, enrolled):
    user = LeaderFactory()
    key, _ = enrolled(user)
    client.force_login(user)
    client.post(VERIFY, {"code": app_code(key)})
    response = client.post(ENROL, {"code": "123456"})
    assert response.status_code == 302
    assert response["Location"] == OVERVIEW
    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [key]


# --- logging in with a code ---------------------------------------------------------------------


def test_with_an_app_the_password_leads_to_the_code_and_nothing_else(client, enrolled):
    user = LeaderFactory()
    enrolled(user)
    response = password_login(client, user)
    assert response.status_code == 302
    assert client.session[STATE_KEY] == PENDING
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == f"{VERIFY}?next=%2F"
    projects = client.get("/projects/?scope=all")
    assert projects["Location"] == f"{VERIFY}?next=%2Fprojects%2F%3Fscope%3Dall"
    # htmx swaps no fragment: the whole page goes to the code step.
    fragment = client.get(
        "/projects/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/inzicht/"}
    )
    assert fragment["HX-Redirect"] == f"{VERIFY}?next=%2Finzicht%2F"
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_right_code_verifies_the_session_and_goes_on_to_the_page_asked_for(
    client, enrolled, security_log
):
    user = LeaderFactory(username="pim")
    key, _ = enrolled(user)
    password_login(client, user)
    response = client.post(VERIFY, {"code": app_code(key), "next": "/projects/"})
    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert _verified(client)
    assert STATE_KEY not in client.session
    assert client.get("/projects/").status_code == 200
    [event] = security_log("login_verified")
    assert (event["user"], event["factor"]) == ("pim", "totp")


def test_a_next_off_the_site_is_not_followed(client, enrolled):
    user = LeaderFactory()
    key, _ = enrolled(user)
    password_login(client, user)
    response = client.post(VERIFY, {"code": app_code(key), "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert _verified(client)  # the code itself was right


def test_a_wrong_code_is_refused_with_a_message_beside_the_field(client, enrolled, security_log):
    user = LeaderFactory(username="pim")
    key, _ = enrolled(user)
    password_login(client, user)
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert _field_error(response) == "Deze code klopt niet. Vul de code in die je app nu laat zien."
    assert not _verified(client)
    assert client.get("/projects/").status_code == 302
    [event] = security_log("second_factor_refused")
    assert (event["user"], event["factor"], event["throttled"], event["failures"]) == (
        "pim",
        "totp",
        False,
        1,
    )
    assert wrong not in str(security_log())


def test_a_code_works_once(client, enrolled):
    user = LeaderFactory()
    key, _ = enrolled(user)
    code = app_code(key)
    password_login(client, user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    other = Client()
    password_login(other, user)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert not _verified(other)


def test_wrong_codes_make_the_next_try_wait_even_with_the_right_code(client, enrolled, clock):
    user = LeaderFactory()
    key, _ = enrolled(user)
    password_login(client, user)
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    client.post(VERIFY, {"code": wrong})
    client.post(VERIFY, {"code": wrong})  # during the 1 s wait: not even checked
    clock.shift(dt.timedelta(seconds=1))
    client.post(VERIFY, {"code": wrong})  # the second wrong code: a wait of 2 s
    refused = client.post(VERIFY, {"code": app_code(key)})
    assert refused.status_code == 200
    assert _field_error(refused) == (
        "Te veel foute codes. Wacht 2 seconden en probeer het dan opnieuw."
    )
    assert not _verified(client)
    clock.shift(dt.timedelta(seconds=2))
    assert client.post(VERIFY, {"code": app_code(key)}).status_code == 302
    assert _verified(client)
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0


def test_guessing_codes_is_never_unlimited(client, enrolled, clock, security_log):
    """Each wrong code doubles the wait, from any browser: ten guesses cost over eight
    minutes, and every guess during a wait is refused unchecked."""
    user = LeaderFactory()
    key, _ = enrolled(user)
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    waited = 0
    for attempt in range(10):
        guesser = Client()  # a new session (or address) does not reset the count
        password_login(guesser, user)
        guesser.post(VERIFY, {"code": wrong})
        if attempt < 9:
            wait = 2**attempt
            clock.shift(dt.timedelta(seconds=wait))
            waited += wait
    assert waited == 511
    device = TOTPDevice.objects.get(user=user)
    assert device.throttling_failure_count == 10
    last = Client()
    password_login(last, user)
    response = last.post(VERIFY, {"code": app_code(key)})
    assert "Wacht 512 seconden" in _field_error(response)
    assert security_log("second_factor_refused")[-1]["throttled"] is True


# --- recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_logs_in_once(client, enrolled, security_log):
    user = LeaderFactory(username="pim")
    _, codes = enrolled(user)
    password_login(client, user)
    page = client.get(RECOVERY)
    assert '<label class="utrecht-form-label" for="id_code">Herstelcode' in page.content.decode()
    response = client.post(RECOVERY, {"code": codes[0].upper(), "next": "/projects/"})
    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert _verified(client)
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    [event] = security_log("login_verified")
    assert (event["factor"], event["recovery_codes_left"]) == ("recovery_code", 9)

    client.post(reverse("logout"))
    password_login(client, user)
    again = client.post(RECOVERY, {"code": codes[0]})
    assert again.status_code == 200
    assert _field_error(again) == "Deze herstelcode klopt niet, of je hebt hem al eens gebruikt."
    assert not _verified(client)
    assert client.post(RECOVERY, {"code": codes[1]}).status_code == 200  # waits 1 s first
    assert not _verified(client)


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, security_log):
    user = LeaderFactory()
    key, old = enrolled(user)
    password_login(client, user)
    client.post(VERIFY, {"code": app_code(key)})
    response = client.post(reverse("accounts:two_factor_recovery_codes_new"))
    assert response["Location"] == CODES
    new = set(
        re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(CODES).content.decode())
    )
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == new
    assert len(new) == 10
    assert not new & set(old)
    assert security_log("recovery_codes_renewed")[0]["count"] == 10


def test_new_recovery_codes_need_a_verified_session(client, enrolled):
    user = LeaderFactory()
    _, old = enrolled(user)
    password_login(client, user)
    response = client.post(reverse("accounts:two_factor_recovery_codes_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)


def test_without_an_app_there_are_no_recovery_codes_to_renew(client):
    client.force_login(LeaderFactory())
    response = client.post(reverse("accounts:two_factor_recovery_codes_new"))
    assert response["Location"] == OVERVIEW
    assert not StaticToken.objects.exists()


# --- switching it off -------------------------------------------------------------------------


def _verified_client(client, user, key):
    password_login(client, user)
    client.post(VERIFY, {"code": app_code(key)})
    return client


def test_switching_off_asks_the_password_and_removes_the_app_and_the_codes(
    client, enrolled, security_log
):
    user = LeaderFactory(username="pim")
    key, _ = enrolled(user)
    _verified_client(client, user, key)
    page = client.get(reverse("accounts:two_factor_remove"))
    assert 'autocomplete="current-password"' in page.content.decode()
    response = client.post(reverse("accounts:two_factor_remove"), {"password": "binnenbuiten"})
    assert response["Location"] == OVERVIEW
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert security_log("second_factor_removed")[0]["user"] == "pim"
    # The next login asks no code.
    client.post(reverse("logout"))
    password_login(client, user)
    assert client.get("/projects/").status_code == 200


def test_a_wrong_password_switches_nothing_off(client, enrolled):
    user = LeaderFactory()
    key, _ = enrolled(user)
    _verified_client(client, user, key)
    response = client.post(reverse("accounts:two_factor_remove"), {"password": "geraden"})
    assert response.status_code == 200
    assert _field_error(response) == "Dit wachtwoord klopt niet."
    assert TOTPDevice.objects.filter(user=user).exists()
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_switching_off_needs_a_verified_session(client, enrolled):
    user = LeaderFactory()
    enrolled(user)
    client.force_login(user)  # pending: the code has not been given
    response = client.post(reverse("accounts:two_factor_remove"), {"password": "binnenbuiten"})
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).exists()


def test_who_must_use_it_and_switches_it_off_sets_up_a_new_app_at_once(client, enrolled, settings):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    user = AdministratorFactory()
    key, _ = enrolled(user)
    _verified_client(client, user, key)
    response = client.post(reverse("accounts:two_factor_remove"), {"password": "binnenbuiten"})
    assert response["Location"] == ENROL
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not _verified(client)
    assert client.get("/projects/")["Location"].startswith(ENROL)


def test_the_overview_is_reachable_from_the_user_menu_and_tells_the_state(client, enrolled):
    user = LeaderFactory()
    client.force_login(user)
    assert f'href="{OVERVIEW}"' in client.get("/projects/").content.decode()
    assert "Tweestapsverificatie staat uit." in client.get(OVERVIEW).content.decode()
    key, _ = enrolled(user)
    device = _verified_client(Client(), user, key)
    assert _verified(device)
    html = device.get(OVERVIEW).content.decode()
    assert "Tweestapsverificatie staat aan." in html
    assert "Je hebt nog 10 herstelcodes." in html
    assert StaticToken.objects.filter(device__user=user).count() == 10
