"""Asking for a new password by e-mail: throttled, and silent about who has an account.

Every request takes the same path whatever the address: two counters in the cache (per
e-mail address and per client address, ``BB_PASSWORD_RESET_LIMIT_PER_*`` an hour), a line
in the security log, and, within the limits, one task queued. Whether an account has the
address is looked up by the worker that sends the e-mail (accounts/mails.py), so neither the
page nor the time it takes tells a known address from an unknown one; a throttled request
gets the same page and only skips queueing the task. (Without a broker, as in ``make run``,
tasks run in the request's process, so there the time does differ.) The client address is the one
django-axes and the security log use (``web.audit_log.client_ip``, which honours
``BB_TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Final

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from accounts.tasks import send_password_reset_mail
from accounts.throttle import throttle_hit
from web.audit_log import client_ip, security_event

logger = logging.getLogger(__name__)

WINDOW_SECONDS: Final = 60 * 60
BROKER_ERRORS: Final = (BrokerOperationalError, RedisError, OSError)


def password_reset_request(*, request: HttpRequest, email: str) -> bool:
    """Queue the reset e-mail for ``email`` after the commit, unless this address or this
    client asked too often this hour; returns whether it was queued. Never raises for a
    broker that is down: the request then logs a warning and the person can ask again."""
    address = email.strip()
    within = {
        "address": throttle_hit(
            scope="password_reset.address",
            key=address.casefold(),
            limit=settings.BB_PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window_seconds=WINDOW_SECONDS,
        ),
        "client": throttle_hit(
            scope="password_reset.client",
            key=client_ip(request) or "",
            limit=settings.BB_PASSWORD_RESET_LIMIT_PER_CLIENT,
            window_seconds=WINDOW_SECONDS,
        ),
    }
    exceeded = [name for name, ok in within.items() if not ok]
    if exceeded:
        security_event(
            "password_reset_throttled", request=request, level=logging.WARNING, limits=exceeded
        )
        return False
    security_event("password_reset_requested", request=request)
    language = get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(partial(_enqueue, address, language), robust=True)
    return True


def _enqueue(email: str, language: str) -> None:
    try:
        send_password_reset_mail.delay(email=email, language=language)
    except BROKER_ERRORS:
        logger.warning("Password reset e-mail not queued: the broker cannot be reached.")
