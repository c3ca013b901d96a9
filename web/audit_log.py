"""The security log: who did what, when (UTC, ISO 8601) and from where, one JSON object a line.

Everything goes to the logger ``binnenbuiten.security``, so operations can route it apart
from the application log: successful and failed logins, logouts (with the reason when the
site ended the session), lockouts by django-axes, the second factor (set up, a verified
login, a refused code, switched off: accounts/views/two_factor.py), refused requests (403)
and not-found answers raised by a view (404, which is also what someone gets for a
confidential project they may not see). Passwords and other credentials are never
logged; the username someone typed is.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("binnenbuiten.security")
# ``security_event(user=...)`` left out: the request's user.
_REQUEST_USER: Any = object()


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from.

    Behind ``BB_TRUSTED_PROXY_COUNT`` reverse proxies that each append the address they saw
    to X-Forwarded-For, it is the entry the outermost of them wrote; whatever stands to the
    left of it came from the client and can be anything. Without trusted proxies the header
    is ignored. django-axes uses this too (``AXES_CLIENT_IP_CALLABLE``), so lockouts and the
    log agree on the address.
    """
    proxies = settings.BB_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


def _utc_now() -> str:
    return (
        timezone.now().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def security_event(
    event: str,
    *,
    request: HttpRequest | None,
    user: Any = _REQUEST_USER,
    username: str | None = None,
    level: int = logging.INFO,
    **details: Any,
) -> dict[str, Any]:
    """Log one security event and return what was logged.

    ``user`` defaults to the request's user; ``username`` is for a name typed at a failed
    login, where there is no user (pass ``user=None``). The record is also attached to the
    log record as ``record.security`` for handlers that want the fields, not the line.
    """
    if user is _REQUEST_USER:
        user = getattr(request, "user", None)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    record: dict[str, Any] = {
        "event": event,
        "at": _utc_now(),
        "user": username if username is not None else (user.get_username() if signed_in else None),
        "user_id": user.pk if signed_in else None,
        "ip": client_ip(request) if request is not None else None,
        "method": getattr(request, "method", None),
        "path": getattr(request, "path", None),
        **details,
    }
    logger.log(
        level, json.dumps(record, ensure_ascii=False, default=str), extra={"security": record}
    )
    return record


def _backend(user: Any) -> str:
    return getattr(user, "backend", "").rsplit(".", 1)[-1]


@receiver(user_logged_in, dispatch_uid="bb_security_login")
def _log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("login_succeeded", request=request, user=user, backend=_backend(user))


@receiver(user_login_failed, dispatch_uid="bb_security_login_failed")
def _log_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    security_event(
        "login_failed",
        request=request,
        user=None,
        username=str(username) if username is not None else None,
        level=logging.WARNING,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_logged_out, dispatch_uid="bb_security_logout")
def _log_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # The session middleware names why it ended a session; otherwise the user chose to.
    reason = getattr(request, "bb_logout_reason", "user")
    security_event("logout", request=request, user=user, reason=reason)


@receiver(user_locked_out, dispatch_uid="bb_security_lockout")
def _log_lockout(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    security_event(
        "lockout",
        request=request,
        user=None,
        username=username,
        level=logging.WARNING,
        failure_limit=settings.AXES_FAILURE_LIMIT,
        cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    )
