"""Tweestapsverificatie: set up an authenticator app, give a code at login (or a recovery
code), see new recovery codes once, and switch it off. Plain forms: no JavaScript needed."""

from __future__ import annotations

import logging
from typing import Any, Final
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms.two_factor import CodeForm, PasswordConfirmForm, RecoveryCodeForm
from accounts.twofactor import (
    ENROL,
    ENROL_KEY,
    NEW_CODES_KEY,
    OIDC,
    RECOVERY_CODE_COUNT,
    STATE_KEY,
    app_device,
    enrolment_key,
    enrolment_qr_svg,
    enrolment_uri,
    is_required_for,
    recovery_codes_left,
    recovery_codes_renew,
    second_factor_remove,
    second_factor_step,
    second_factor_verify,
    secret_for_typing,
    session_is_verified,
    session_unverified_mark,
    session_verified_mark,
    totp_device_enrol,
)
from web.audit_log import security_event
from web.redirects import safe_next
from web.security import user_sessions_end

OVERVIEW_TEMPLATE: Final = "accounts/two_factor.html"
ENROL_TEMPLATE: Final = "accounts/enrol.html"
VERIFY_TEMPLATE: Final = "accounts/verify.html"
CODES_TEMPLATE: Final = "accounts/recovery_codes.html"
REMOVE_TEMPLATE: Final = "accounts/remove.html"


def _with_next(url: str, next_path: str) -> str:
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


@require_GET
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = app_device(user=user)
    context = {
        "device": device,
        "codes_left": recovery_codes_left(user=user) if device else 0,
        "required": is_required_for(user),
        "identity_provider": request.session.get(STATE_KEY) == OIDC,
    }
    return render(request, OVERVIEW_TEMPLATE, context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_path = safe_next(request)
    if app_device(user=user) is not None:
        # Set up already: a session that still owes its code gives it first.
        target = (
            "accounts:two_factor"
            if session_is_verified(request)
            else ("accounts:two_factor_verify")
        )
        return redirect(_with_next(reverse(target), next_path))
    key = enrolment_key(request.session)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device, codes = totp_device_enrol(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            security_event(
                "second_factor_refused",
                request=request,
                level=logging.WARNING,
                step="enrol",
                reason=error.code,
            )
        else:
            request.session.pop(ENROL_KEY, None)
            session_verified_mark(request, device)
            # Sessions that began with the password alone end here: from now on every
            # login asks a code.
            ended = user_sessions_end(user=user, keep=request.session.session_key)
            security_event("second_factor_enrolled", request=request, sessions_ended=ended)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("Tweestapsverificatie staat aan."))
            return redirect(_with_next(reverse("accounts:two_factor_recovery_codes"), next_path))
    uri = enrolment_uri(user=user, key=key)
    context = {
        "form": form,
        # Markup segno made from the address, with a title of our own: nothing typed by anyone.
        "qr_svg": mark_safe(  # noqa: S308
            enrolment_qr_svg(uri, title=_("QR-code om BinnenBuiten aan je app toe te voegen"))
        ),
        "secret": secret_for_typing(key),
        "next": next_path,
        "required": is_required_for(user),
        # Sent here by the requirement: nothing else to go to until it is done.
        "forced": second_factor_step(request) == ENROL,
    }
    return render(request, ENROL_TEMPLATE, context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    return _verify(request, recovery=False)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    return _verify(request, recovery=True)


def _verify(request: HttpRequest, *, recovery: bool) -> HttpResponse:
    """The code step of a login: a code from the app, or (``recovery``) a recovery code."""
    user = request.user
    next_path = safe_next(request)
    done = next_path or reverse("home")
    if session_is_verified(request):
        return redirect(done)
    if app_device(user=user) is None:
        # The app was switched off meanwhile (by a Beheerder): nothing to give. The
        # middleware sends whoever must have one on to set up a new one.
        session_unverified_mark(request)
        return redirect(done)
    form_class = RecoveryCodeForm if recovery else CodeForm
    form = form_class(request.POST if request.method == "POST" else None)
    factor = "recovery_code" if recovery else "totp"
    if form.is_valid():
        result = second_factor_verify(user=user, code=form.cleaned_data["code"], recovery=recovery)
        if result.accepted:
            session_verified_mark(request, result.device)
            details: dict[str, Any] = {"factor": factor}
            if recovery:
                left = recovery_codes_left(user=user)
                details["recovery_codes_left"] = left
                messages.warning(
                    request,
                    ngettext(
                        "Je hebt een herstelcode gebruikt; je hebt er nog %(count)d. "
                        "Maak nieuwe herstelcodes als je ze bijna op hebt.",
                        "Je hebt een herstelcode gebruikt; je hebt er nog %(count)d. "
                        "Maak nieuwe herstelcodes als je ze bijna op hebt.",
                        left,
                    )
                    % {"count": left},
                )
            security_event("login_verified", request=request, **details)
            return redirect(done)
        if result.wait_seconds:
            form.add_error(
                "code",
                ngettext(
                    "Te veel foute codes. Wacht %(seconds)d seconde en probeer het dan opnieuw.",
                    "Te veel foute codes. Wacht %(seconds)d seconden en probeer het dan opnieuw.",
                    result.wait_seconds,
                )
                % {"seconds": result.wait_seconds},
            )
        elif recovery:
            form.add_error(
                "code", _("Deze herstelcode klopt niet, of je hebt hem al eens gebruikt.")
            )
        else:
            form.add_error(
                "code", _("Deze code klopt niet. Vul de code in die je app nu laat zien.")
            )
        security_event(
            "second_factor_refused",
            request=request,
            level=logging.WARNING,
            step="login",
            factor=factor,
            throttled=bool(result.wait_seconds),
            failures=result.failures,
        )
    context = {"form": form, "next": next_path, "recovery": recovery}
    return render(request, VERIFY_TEMPLATE, context)


@never_cache
@require_GET
@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, once: the page after setting up or renewing them."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not isinstance(codes, list) or not codes:
        messages.info(
            request,
            _("Je herstelcodes zie je maar één keer. Kwijt? Maak dan nieuwe herstelcodes."),
        )
        return redirect("accounts:two_factor")
    context = {"codes": codes, "next": safe_next(request), "count": RECOVERY_CODE_COUNT}
    return render(request, CODES_TEMPLATE, context)


@require_POST
@login_required
def two_factor_recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if app_device(user=request.user) is not None and not session_is_verified(request):
        overview = reverse("accounts:two_factor")
        return redirect(_with_next(reverse("accounts:two_factor_verify"), overview))
    try:
        codes = recovery_codes_renew(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:two_factor")
    security_event("recovery_codes_renewed", request=request, count=len(codes))
    request.session[NEW_CODES_KEY] = codes
    return redirect("accounts:two_factor_recovery_codes")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Switch the second factor off, after the password once more."""
    user = request.user
    if app_device(user=user) is None:
        messages.info(request, _("Tweestapsverificatie staat al uit."))
        return redirect("accounts:two_factor")
    if not session_is_verified(request):
        return redirect(_with_next(reverse("accounts:two_factor_verify"), request.path))
    form = PasswordConfirmForm(
        request.POST if request.method == "POST" else None, request=request, user=user
    )
    if form.is_valid():
        second_factor_remove(user=user)
        session_unverified_mark(request)
        security_event("second_factor_removed", request=request)
        if is_required_for(user):
            messages.warning(
                request,
                _(
                    "Tweestapsverificatie staat uit. Voor jou is die verplicht: "
                    "stel nu je nieuwe app in."
                ),
            )
            return redirect("accounts:two_factor_enrol")
        messages.success(request, _("Tweestapsverificatie staat uit."))
        return redirect("accounts:two_factor")
    return render(request, REMOVE_TEMPLATE, {"form": form, "required": is_required_for(user)})
