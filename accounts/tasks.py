"""Celery tasks of signing in: thin wrappers around the services."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from accounts.mails import password_reset_mail_send


@shared_task(
    name="accounts.tasks.send_password_reset_mail",
    autoretry_for=(smtplib.SMTPException, OSError, DatabaseOperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def send_password_reset_mail(email: str, language: str) -> int:
    """Send the reset link to the accounts with ``email`` (see ``accounts.mails``); a retry
    after a mail server failure sends a fresh link, which is harmless: any unused link of
    the account works until the password changes. Returns how many e-mails were sent."""
    return password_reset_mail_send(email=email, language=language)
