"""Shared by the tests of the second factor: a still clock, codes computed from a secret as
an authenticator app does, people with an app set up, and the security log."""

from __future__ import annotations

import binascii
import datetime as dt
import json
import logging
import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.util import random_hex

from accounts.twofactor import totp_device_enrol

PASSWORD = "binnenbuiten"
START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def app_code(key: str, *, seconds_later: float = 0) -> str:
    """The code an authenticator app shows now (plus ``seconds_later``) for ``key``."""
    totp = TOTP(binascii.unhexlify(key))
    totp.time = time.time() + seconds_later
    return f"{totp.token():06d}"


@pytest.fixture
def clock():
    """A clock that stands still until shifted (codes change every 30 seconds)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled(clock):
    """``enrolled(user)`` sets up an app for ``user`` and returns (key, recovery codes); the
    clock then moves on to the next code, as a person's next login would."""

    def _enrol(user) -> tuple[str, list[str]]:
        key = random_hex(20)
        _, codes = totp_device_enrol(user=user, key=key, code=app_code(key))
        clock.shift(dt.timedelta(seconds=30))
        return key, codes

    return _enrol


def password_login(client, user, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


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
