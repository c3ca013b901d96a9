"""The e-mails of signing in: the link to choose a new password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from web.audit_log import security_event


def password_reset_mail_send(*, email: str, language: str) -> int:
    """Send a one-time link to choose a new password to every active account with this
    e-mail address (in any case) that has a password; returns how many were sent, 0 for
    an address nobody has. Accounts made by the organisation's login have no password and
    get nothing. The link points at ``BB_SITE_URL``, not at the host the request named."""
    users = list(PasswordResetForm().get_users(email))
    if not users:
        return 0
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        messages = [_password_reset_message(user) for user in users]
    sent = mailers.default.send_messages(messages) or 0
    for user in users:
        security_event("password_reset_mail_sent", request=None, user=user)
    return sent


def _password_reset_message(user) -> EmailMessage:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "name": user.first_name or user.get_username(),
        "username": user.get_username(),
        "reset_url": settings.BB_SITE_URL + path,
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    return EmailMessage(
        subject=_("[BinnenBuiten] Kies een nieuw wachtwoord"),
        body=render_to_string("emails/password_reset.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
