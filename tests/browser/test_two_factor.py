"""Tweestapsverificatie in a real browser: a Beheerder must set up an app right after the
password, logs out, logs in with a code computed from the secret (a wrong one is refused),
and a recovery code works once and not twice. The new pages pass axe-core and the
Content Security Policy (the QR code is inline SVG)."""

from __future__ import annotations

import base64
import binascii
import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.factories import AdministratorFactory

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _code(secret: str, t: int) -> str:
    """The code an authenticator app shows in time step ``t`` for the typed secret."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = t * totp.step
    return f"{totp.token():06d}"


def _next_code(user, secret: str) -> str:
    """A code the server takes now: the step after the last one used (codes work once;
    the server allows one step of clock difference)."""
    return _code(secret, TOTPDevice.objects.get(user=user).last_t + 1)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").first.click()
    page.wait_for_load_state("networkidle")


def test_set_up_log_out_and_log_in_with_a_code_and_a_recovery_code(
    live_server, page: Page, login, axe, settings
):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    beheerder = AdministratorFactory(username="beheer", is_staff=True)
    policy_problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            policy_problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    # The password leads straight to setting up an app; nothing else is open yet.
    login(beheerder)
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    assert axe() == [], "set-up page"
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/tweestapsverificatie/instellen/\?next="))
    qr = page.locator("svg.bb-qr")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100  # big enough to scan
    secret = page.locator("#bb-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})*", secret)

    # Typing the app's code confirms it; the recovery codes are shown once.
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    page.get_by_label("Code uit je app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    assert axe() == [], "recovery codes page"
    codes = page.locator(".bb-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Ik heb ze bewaard, ga verder").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    device = TOTPDevice.objects.get(user=beheerder)
    assert device.confirmed
    assert base64.b32encode(binascii.unhexlify(device.key)).decode().rstrip("=") == secret.replace(
        " ", ""
    )
    page.goto(f"{live_server.url}/accounts/tweestapsverificatie/")
    expect(page.get_by_text("Tweestapsverificatie staat aan.")).to_be_visible()
    assert axe() == [], "overview"
    _log_out(page)

    # Logging in again: the password, then the code. A wrong code is refused beside the field.
    login(beheerder)
    expect(page.get_by_role("heading", name="Code invullen")).to_be_visible()
    assert axe() == [], "code page"
    right = _next_code(beheerder, secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page.get_by_label("Code uit je app").fill(wrong)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Deze code klopt niet.")).to_be_visible()
    expect(page.get_by_label("Code uit je app")).to_have_value(wrong)
    assert axe() == [], "code page with an error"
    time.sleep(1.1)  # the wait after one wrong code
    page.get_by_label("Code uit je app").fill(right)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Code invullen")).to_have_count(0)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    _log_out(page)

    # Without the phone: a recovery code, once.
    login(beheerder)
    page.get_by_role("link", name="Gebruik een herstelcode").click()
    expect(page.get_by_role("heading", name="Inloggen met een herstelcode")).to_be_visible()
    assert axe() == [], "recovery code page"
    page.get_by_label("Herstelcode").fill(codes[0])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Je hebt een herstelcode gebruikt; je hebt er nog 9.")).to_be_visible()
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    _log_out(page)

    login(beheerder)
    page.get_by_role("link", name="Gebruik een herstelcode").click()
    page.get_by_label("Herstelcode").fill(codes[0])
    page.get_by_role("button", name="Inloggen").click()
    expect(
        page.get_by_text("Deze herstelcode klopt niet, of je hebt hem al eens gebruikt.")
    ).to_be_visible()
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/tweestapsverificatie/code/\?next="))
    assert policy_problems == []
