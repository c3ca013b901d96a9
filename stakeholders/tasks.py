"""Celery tasks of the register of parties: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from stakeholders.retention import contacts_purge


@shared_task(
    name="stakeholders.tasks.purge_expired_contacts",
    autoretry_for=(DatabaseOperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def purge_expired_contacts() -> int:
    """Erase the contact persons past their retention (see ``stakeholders.retention``);
    idempotent: a second run finds nobody left. Returns how many were erased."""
    return len(contacts_purge().contacts)
