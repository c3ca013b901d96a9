"""Session lifetime, refused-access logging, the lockout page and ending a user's sessions.

- ``SessionLifetimeMiddleware`` ends a signed-in session after ``BB_SESSION_IDLE_MINUTES``
  without a request or ``BB_SESSION_MAX_HOURS`` after login, and a session whose user may
  no longer sign in. Django's ``SESSION_COOKIE_AGE`` cannot do this alone: it counts from
  the last save of the session, not from the login.
- ``RefusedAccessMiddleware`` logs every 403, and every 404 a view raised, to the security
  log (web/audit_log.py).
- ``NoStoreForSignedInMiddleware`` tells browsers and proxies to keep no copy of anything
  sent to a signed-in person (pages, htmx fragments, exports, the admin).
- ``lockout_response`` is the Dutch page django-axes shows after too many failed logins.
- ``user_sessions_end`` deletes every stored session of a user (deactivation in the admin),
  or every other one (setting up a second factor).
- ``resume_path`` is where a browser sent elsewhere (login, second factor) continues.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Final

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from web.audit_log import security_event

LOGIN_AT: Final = "bb_login_at"
SEEN_AT: Final = "bb_seen_at"
# Last activity is written at most this often, so a busy user does not cost a session
# write per request; idle time is therefore measured to the minute.
TOUCH_EVERY_SECONDS: Final = 60


@receiver(user_logged_in, dispatch_uid="bb_session_lifetime_start")
def session_lifetime_start(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Start the clocks at every login (form or identity provider): Django keeps a session's
    data when the same user logs in again, so the old login time must not survive it."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def session_end_reason(session: SessionBase, *, now: int) -> str | None:
    """Why the session has run out ("max_age", "idle"), or None; a session that has not
    run out gets its last activity brought up to date, at most once a minute."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        # A session from before these clocks existed starts counting now.
        session[LOGIN_AT] = login_at if isinstance(login_at, int) else now
        session[SEEN_AT] = now
        return None
    if now - login_at > settings.BB_SESSION_MAX_HOURS * 60 * 60:
        return "max_age"
    if now - seen_at > settings.BB_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - seen_at >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = now
    return None


def resume_path(request: HttpRequest) -> str | None:
    """Where to continue after logging in again or giving a second factor: the page the
    browser showed (for htmx, not the fragment's URL); a form sent without htmx cannot be
    resent, so none."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        return htmx.current_url_abs_path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return None


class SessionLifetimeMiddleware:
    """Logs out a session that ran out or whose user was deactivated, and sends the browser
    to the login page with a message; an htmx request gets ``HX-Redirect`` so the login page
    replaces the whole page instead of being swapped into a fragment.

    Must come after the authentication, message and htmx middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            reason = "inactive" if not user.is_active else None
            reason = reason or session_end_reason(request.session, now=int(time.time()))
            if reason:
                return self._end(request, reason)
        elif SESSION_KEY in request.session:
            # The session names a user the backends no longer return (deactivated, deleted):
            # delete it for good, so reactivating the account does not bring it back.
            security_event(
                "session_ended",
                request=request,
                user=None,
                reason="user_cannot_sign_in",
                session_user_id=request.session[SESSION_KEY],
            )
            request.session.flush()
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        next_path = resume_path(request)
        request.bb_logout_reason = reason  # type: ignore[attr-defined]  # for the logout log line
        logout(request)
        if reason == "inactive":
            messages.warning(request, _("Uw sessie is beëindigd."))
        else:
            messages.warning(request, _("Uw sessie is verlopen. Log opnieuw in om verder te gaan."))
        login_url = (
            redirect_to_login(next_path).url if next_path else resolve_url(settings.LOGIN_URL)
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(login_url)
        return HttpResponseRedirect(login_url)


class RefusedAccessMiddleware:
    """Logs every refused request: any 403 (a view's PermissionDenied, a CSRF failure,
    a middleware's refusal) and every 404 a view raised, which includes the 404 a
    confidential project answers to someone who may not see it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        raised = getattr(request, "bb_refused_by", None)
        if response.status_code == 403:
            security_event(
                "access_refused",
                request=request,
                level=logging.WARNING,
                status=403,
                reason=raised or "forbidden",
            )
        elif response.status_code == 404 and raised:
            security_event("not_found", request=request, status=404, reason=raised)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            request.bb_refused_by = "permission_denied"  # type: ignore[attr-defined]
        elif isinstance(exception, Http404):
            request.bb_refused_by = "not_found"  # type: ignore[attr-defined]


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in request gets ``Cache-Control: no-store`` (with Django's
    never-cache set: ``private``, ``no-cache``, ``must-revalidate``, ``max-age=0``), unless
    the view already said ``no-store``, so a shared municipal PC keeps no copy of contact
    details or exports in its browser cache. A ``public`` or longer ``max-age`` a view set
    gives way. Anonymous responses (login, privacy statement, health) are left as they are;
    static files never get here (WhiteNoise answers them before the session is read).

    Must come after the authentication middleware, and as early as possible after it, so
    it also sees the responses that later middleware answer on their own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _says_no_store(response):
            add_never_cache_headers(response)
        return response


def _says_no_store(response: HttpResponse) -> bool:
    directives = response.get("Cache-Control", "").split(",")
    return any(part.strip().lower() == "no-store" for part in directives)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page django-axes shows after too many failed logins (``AXES_LOCKOUT_CALLABLE``)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def user_sessions_end(*, user: Any, keep: str | None = None) -> int:
    """Delete every live stored session of ``user`` but the one whose key is ``keep``, and
    return how many there were.

    Reads the session model of a database-backed ``SESSION_ENGINE`` (the default here);
    each session is decoded, so this is a scan, fine for the sessions of one organisation.
    """
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    model = store_class.get_model_class()
    user_key = str(user.pk)
    keys = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep
        and store_class().decode(session.session_data).get(SESSION_KEY) == user_key
    ]
    model.objects.filter(session_key__in=keys).delete()
    return len(keys)
