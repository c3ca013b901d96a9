"""The second factor of local accounts: who must use one, where a session stands, and the
writes (set up an app, check a code, new recovery codes, switch it off).

django-otp keeps the devices: a ``TOTPDevice`` for the authenticator app and a
``StaticDevice`` whose ``StaticToken`` rows are the single-use recovery codes. Its
middleware marks a session *verified* once it gave a code (``request.user.is_verified()``).

A session's own state (``STATE_KEY``), set at every login:

- ``PENDING``: the person has an app and has not given a code yet; the middleware
  (accounts/middleware.py) lets such a session reach the code pages and little else;
- ``OIDC``: the organisation's identity provider signed the person in and asks its own
  second factor, so the session counts as verified;
- absent: no app at login. Whether they must set one up now is ``is_required_for``.

Wrong codes are throttled by django-otp per device (``OTP_*_THROTTLE_FACTOR``): after n
wrong codes the next try waits 2^(n-1) seconds, from any address, and a code given during
the wait is refused unchecked.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from typing import Any, Final

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from projects.permissions import is_administrator

STATE_KEY: Final = "bb_second_factor"
PENDING: Final = "pending"
OIDC: Final = "oidc"
# The secret offered on the set-up page, kept in the session until a code confirms it.
ENROL_KEY: Final = "bb_second_factor_key"
# New recovery codes, shown once on the next page and then dropped.
NEW_CODES_KEY: Final = "bb_recovery_codes"
RECOVERY_CODE_COUNT: Final = 10
TOTP_DIGITS: Final = 6
APP_DEVICE_NAME: Final = "app"
RECOVERY_DEVICE_NAME: Final = "herstelcodes"

# What the middleware sends a session to: give a code, or set up an app first.
VERIFY: Final = "verify"
ENROL: Final = "enrol"

_NOT_IN_CODE = re.compile(r"[\s-]+")


# --- who must use a second factor --------------------------------------------------------------


def is_required_for(user: Any) -> bool:
    """Whether ``BB_2FA_REQUIRED_FOR`` asks this person to use a second factor."""
    mode = settings.BB_2FA_REQUIRED_FOR
    if mode == "all":
        return True
    if mode == "beheerder":
        return is_administrator(user)
    return False


def is_required_for_admin(user: Any) -> bool:
    """The admin asks a verified session of every member of staff, superusers included,
    unless the requirement is switched off altogether."""
    return settings.BB_2FA_REQUIRED_FOR != "none" and user.is_staff


# --- where a session stands --------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="bb_second_factor_state_start")
def second_factor_state_start(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """At every login, by form or identity provider: a code given earlier in the same
    session (Django keeps a session's data when the same user logs in again) no longer
    counts; a person with an app owes a code now."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(STATE_KEY, None)
    if _is_identity_provider(request.session.get(BACKEND_SESSION_KEY)):
        request.session[STATE_KEY] = OIDC
    elif app_device(user=user) is not None:
        request.session[STATE_KEY] = PENDING


def _is_identity_provider(backend: str | None) -> bool:
    if not backend:
        return False
    try:
        backend_class = import_string(backend)
    except ImportError:
        return False
    return isinstance(backend_class, type) and issubclass(backend_class, OIDCAuthenticationBackend)


def session_is_verified(request: HttpRequest) -> bool:
    """The session gave a code of one of the user's devices, or came from the identity
    provider."""
    if not request.user.is_authenticated:
        return False
    if request.session.get(STATE_KEY) == OIDC:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def second_factor_step(request: HttpRequest, *, admin: bool = False) -> str | None:
    """What a signed-in session must do before anything else: ``VERIFY`` (give a code),
    ``ENROL`` (set up an app), or nothing (None). ``admin``: the request is for the admin.

    Costs no query for a session without an app in the demo and test setting ("none").
    """
    if session_is_verified(request):
        return None
    if request.session.get(STATE_KEY) == PENDING:
        return VERIFY
    user = request.user
    if is_required_for(user) or (admin and is_required_for_admin(user)):
        return ENROL
    return None


def session_verified_mark(request: HttpRequest, device: Device) -> None:
    """The session gave a code of ``device``: it counts as verified from now on."""
    otp_login(request, device)
    request.session.pop(STATE_KEY, None)


def session_unverified_mark(request: HttpRequest) -> None:
    """The session's device is gone (switched off): nothing is owed until the person sets
    up a new app, unless it is required for them."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(STATE_KEY, None)


# --- reads ------------------------------------------------------------------------------------


def app_device(*, user: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_key(session: Any) -> str:
    """The secret offered on the set-up page: the same one until a code confirms it, so a
    reload does not invalidate what the person already scanned. Lives in the session only:
    opening the page writes no row."""
    key = session.get(ENROL_KEY)
    if not isinstance(key, str) or not _is_hex_key(key):
        key = random_hex(20)
        session[ENROL_KEY] = key
    return key


def _is_hex_key(key: str) -> bool:
    try:
        return len(binascii.unhexlify(key)) == 20
    except (binascii.Error, ValueError):
        return False


def enrolment_uri(*, user: Any, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key, digits=TOTP_DIGITS).config_url


def enrolment_qr_svg(uri: str, *, title: str) -> str:
    """The QR code as inline SVG markup (no image request, no inline style or script)."""
    return segno.make(uri, error="m", micro=False).svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="bb-qr",
        lineclass=None,
        omitsize=True,  # a viewBox: the style sheet sizes it
    )


def secret_for_typing(key: str) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and dashes dropped, lower case."""
    return _NOT_IN_CODE.sub("", code).lower()


# --- writes -----------------------------------------------------------------------------------


def totp_device_enrol(*, user: Any, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app with a code it made from ``key``, and give the person
    ten new recovery codes. Returns the device and the codes (to show once).

    Raises ``ValidationError`` for a wrong code, or when the person already has an app.
    The user's row is locked, so two set-ups at once cannot both succeed.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if app_device(user=user) is not None:
            raise ValidationError(
                _("Je hebt tweestapsverificatie al ingesteld."), code="already_enrolled"
            )
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key, digits=TOTP_DIGITS, confirmed=False
        )
        if not device.verify_token(normalise_code(code)):
            # Raising rolls the new row back: an unconfirmed device is never kept.
            raise ValidationError(
                _("Deze code klopt niet. Vul de code in die je app nu laat zien."),
                code="wrong_code",
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_replace(user=user)
    return device, codes


def recovery_codes_renew(*, user: Any) -> list[str]:
    """Replace the person's recovery codes with ten new ones (the old ones stop working).
    Raises ``ValidationError`` when they have no app: recovery codes stand in for it."""
    with transaction.atomic():
        if app_device(user=user) is None:
            raise ValidationError(_("Stel eerst tweestapsverificatie in."), code="not_enrolled")
        return _recovery_codes_replace(user=user)


def _recovery_codes_replace(*, user: Any) -> list[str]:
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device.throttle_reset(commit=False)
    device.save()
    return sorted(codes)


@dataclass(frozen=True)
class Verification:
    """The answer to a code: the device that accepted it, or why not."""

    device: Device | None
    wait_seconds: int = 0  # > 0: too many wrong codes, this many seconds before the next try
    failures: int = 0  # wrong codes in a row, this one included

    @property
    def accepted(self) -> bool:
        return self.device is not None


def second_factor_verify(*, user: Any, code: str, recovery: bool = False) -> Verification:
    """Check a code of the person's app, or (``recovery``) one of their recovery codes,
    which is used up when it matches. While the device waits out earlier wrong codes the
    code is not checked at all. The device row is locked, so one code cannot be used
    twice at the same moment."""
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = (
            model.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )
        if device is None:
            return Verification(None)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until") or timezone.now()
            wait = math.ceil((locked_until - timezone.now()).total_seconds())
            return Verification(
                None, wait_seconds=max(wait, 1), failures=device.throttling_failure_count
            )
        if device.verify_token(normalise_code(code)):
            return Verification(device)
        return Verification(None, failures=device.throttling_failure_count)


def second_factor_remove(*, user: Any) -> bool:
    """Switch the second factor off: the app and the recovery codes are deleted. Returns
    whether there was an app. Sessions verified with them lose that at their next request
    (django-otp's middleware finds no device)."""
    with transaction.atomic():
        apps = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    return apps > 0
