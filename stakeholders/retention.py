"""Retention of contact persons: their data goes once working together no longer needs it.

A contact person is **expired**, and erased by the nightly purge, when all of these hold
on the cutoff, ``BB_CONTACT_RETENTION_MONTHS`` months before now:

- their party has no project that is still running: every project with the party is
  archived, or has the status afgerond or gestopt;
- the last of those projects ended before the cutoff. A project ends at its
  ``archived_at`` when archived, else at its ``updated_at``: for a finished project the
  last change is the finishing itself or a later correction, so that moment can only
  postpone the purge, never bring it forward;
- they took part in no contact moment on or after the cutoff date (also one with the
  party outside any project);
- their own record was created before the cutoff (a person added after the last project
  ended is not erased straight away; a party without any project keeps its contacts for
  one period from their creation).

``stakeholders`` is a leaf and knows no projects: the rules about projects and contact
moments come from the projects app, which registers them here from its
``AppConfig.ready()`` (``register_retention_rule``). Without them the rule is only the
creation date.

Erasing is the same erasure as the Beheerder's "erase" action (``stakeholders.erasure``:
contact moments keep "verwijderde persoon", the audit trail and the admin log keep
nothing of the person); the purge also deletes the admin's log entries about them. It is
idempotent: a contact erased meanwhile (by a Beheerder or a second run) is skipped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stakeholders.erasure import contact_erase
from stakeholders.models import Contact

logger = logging.getLogger(__name__)

RetentionRule = Callable[["QuerySet[Contact]", dt.datetime], "QuerySet[Contact]"]

_rules: dict[str, RetentionRule] = {}


def register_retention_rule(key: str, rule: RetentionRule) -> None:
    """``rule(contacts, cutoff)`` narrows ``contacts`` to those the registering app no
    longer needs at ``cutoff``. Keyed: registering again replaces."""
    _rules[key] = rule


@dataclass(frozen=True)
class ExpiredContact:
    pk: int
    name: str
    party: str


@dataclass
class PurgeResult:
    cutoff: dt.datetime
    dry_run: bool
    contacts: list[ExpiredContact] = field(default_factory=list)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` calendar months earlier (31 March - 1 = 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    return months_before(now or timezone.now(), settings.BB_CONTACT_RETENTION_MONTHS)


def contacts_expired(*, cutoff: dt.datetime) -> QuerySet[Contact]:
    """The contact persons to erase at ``cutoff`` (see the module's docstring)."""
    contacts = Contact.objects.filter(created_at__lt=cutoff)
    for rule in _rules.values():
        contacts = rule(contacts, cutoff)
    return contacts.select_related("stakeholder").order_by("stakeholder__name", "name", "pk")


def _erase(contact: Contact) -> None:
    pk = contact.pk  # an instance's pk is cleared when it is deleted
    contact_erase(contact=contact, actor=None)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(pk)
    ).delete()


def contacts_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> PurgeResult:
    """Erase every expired contact person, each in a transaction of its own; with
    ``dry_run`` only say who would go. Returns who went (or would go)."""
    result = PurgeResult(cutoff=retention_cutoff(now=now), dry_run=dry_run)
    for contact in contacts_expired(cutoff=result.cutoff):
        expired = ExpiredContact(pk=contact.pk, name=contact.name, party=contact.stakeholder.name)
        if not dry_run:
            try:
                with transaction.atomic():
                    _erase(contact)
            except Contact.DoesNotExist:
                continue  # erased meanwhile
        result.contacts.append(expired)
    if not dry_run:
        # Numbers only: the names are what was erased.
        logger.info(
            "Contact retention: %d erased (cutoff %s): %s",
            len(result.contacts),
            result.cutoff.date().isoformat(),
            ", ".join(str(c.pk) for c in result.contacts) or "none",
        )
    return result
