"""Erasing a contact person so that nothing of them is left behind.

There is one way to erase a person, whoever asks: ``contact_erase`` (the Beheerder's
action in the admin, the nightly purge, deleting a party or merging two). In one
transaction it

1. collects every name, e-mail address and phone number the person had here: the row and
   each snapshot in its audit trail (an old e-mail address is personal data too);
2. runs the steps other apps registered (``register_contact_erase_step``): the projects
   app keeps the contact moments, with a stand-in ("verwijderde persoon");
3. deletes the row, then its audit-trail events (the delete itself records one more);
4. rewrites those values to the stand-in wherever else a history keeps text: every
   pghistory event table and Django's admin log (``object_repr`` and ``change_message``,
   whose JSON stays valid), entries about the party and any other object included;
5. notes the erasure in the party's admin history, by number, when someone did it.

Values are matched as whole words, ignoring case. Values shorter than
``MIN_VALUE_LENGTH`` are not searched for elsewhere: they identify nobody and would
rewrite unrelated text. The histories of *other* contact persons are left alone: a
namesake's record is theirs.

A leaf module: it knows no projects. Rewriting scans each history table once per erasure
(``LIKE '%…%'`` uses no index); that is the price of leaving nothing behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from stakeholders.models import Contact

MIN_VALUE_LENGTH = 3
BATCH_SIZE = 500

ContactEraseStep = Callable[[Contact], None]

_steps: dict[str, ContactEraseStep] = {}


def register_contact_erase_step(key: str, step: ContactEraseStep) -> None:
    """``step(contact)`` removes the person from what the registering app keeps, before
    the row is deleted (inside the erasure's transaction). Keyed: registering again
    replaces."""
    _steps[key] = step


def stand_in() -> str:
    # With a context: the catalogue also has "verwijderde persoon" as a plural.
    return pgettext("erased contact", "verwijderde persoon")


def contact_erase(*, contact: Contact, actor: AbstractBaseUser | None) -> None:
    """Erase a contact person everywhere (see the module's docstring). Raises
    ``Contact.DoesNotExist`` when they are gone already. Without an ``actor`` (the
    scheduled purge) the party's history gets no entry."""
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update().select_related("stakeholder").get(pk=contact.pk)
        )
        values = personal_values(contact=contact)
        for step in _steps.values():
            step(contact)
        pk, party = contact.pk, contact.stakeholder
        contact.delete()
        traces_erase(contact_pk=pk, values=values)
        if actor is not None:
            LogEntry.objects.log_actions(
                user_id=actor.pk,
                queryset=[party],
                action_flag=CHANGE,
                change_message=_(
                    "Persoonsgegevens van contactpersoon nr. %(pk)s gewist; contactmomenten "
                    "bewaard met “verwijderde persoon”."
                )
                % {"pk": pk},
            )


def personal_values(*, contact: Contact) -> list[str]:
    """Every name, e-mail address and phone number of the person, now and in their audit
    trail, long enough to search for; the longest first."""
    found = {contact.name, contact.email, contact.phone}
    for row in Contact.pgh_event_model.objects.filter(pgh_obj_id=contact.pk).values_list(
        "name", "email", "phone"
    ):
        found.update(row)
    unique = {" ".join(value.split()).casefold(): " ".join(value.split()) for value in found}
    return sorted(
        (value for value in unique.values() if len(value) >= MIN_VALUE_LENGTH),
        key=lambda value: (-len(value), value),
    )


def traces_erase(*, contact_pk: int, values: Iterable[str]) -> None:
    """After the row is gone: delete the person's audit-trail events and rewrite
    ``values`` to the stand-in in every other history (the admin log included)."""
    Contact.pgh_event_model.objects.filter(pgh_obj_id=contact_pk).delete()
    values = list(values)
    contact_type = ContentType.objects.get_for_model(Contact)
    about_them = LogEntry.objects.filter(content_type=contact_type, object_id=str(contact_pk))
    about_them.update(object_repr=stand_in())
    if not values:
        return
    pattern = _pattern(values)
    for model in _history_models():
        if model is Contact.pgh_event_model:
            continue  # the person's own events are gone; the others' records are theirs
        _rewrite(model._default_manager.all(), _text_fields(model), values, pattern)
    log = LogEntry.objects.exclude(Q(content_type=contact_type) & ~Q(object_id=str(contact_pk)))
    _rewrite(
        log,
        [LogEntry._meta.get_field(name) for name in ("object_repr", "change_message")],
        values,
        pattern,
    )


# --- rewriting ------------------------------------------------------------------------------


def _history_models() -> list[type[models.Model]]:
    """Every event table of the audit trail, and the table of its shared contexts."""
    from pghistory.core import event_models
    from pghistory.models import Context

    return [*event_models(), Context]


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and field.name != "pgh_label"
    ]


def _pattern(values: Iterable[str]) -> re.Pattern[str]:
    alternatives = (r"\s+".join(re.escape(word) for word in value.split()) for value in values)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _stored_forms(values: Iterable[str]) -> set[str]:
    """How the values may sit in a column: as typed, and escaped as in a JSON text
    (the admin log's ``change_message`` escapes every non-ASCII letter)."""
    forms = set()
    for value in values:
        forms.add(value)
        forms.add(json.dumps(value)[1:-1])
    return forms


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(stand_in(), value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _scrub_text(text: str, pattern: re.Pattern[str]) -> str:
    """Rewrite ``text``; a JSON text (the admin's change messages) is rewritten value by
    value, so it stays JSON and its escapes cannot hide a value."""
    try:
        data = json.loads(text)
    except ValueError:
        return _scrub(text, pattern)
    if isinstance(data, list | dict):
        return json.dumps(_scrub(data, pattern))
    return _scrub(text, pattern)


def _rewrite(
    queryset: models.QuerySet,
    fields: list[models.Field],
    values: Iterable[str],
    pattern: re.Pattern[str],
) -> None:
    if not fields:
        return
    condition = Q()
    for field in fields:
        for form in _stored_forms(values):
            condition |= Q(**{f"{field.name}__icontains": form})
    pk_name = queryset.model._meta.pk.name
    changed = []
    for row in queryset.filter(condition).only(pk_name, *(field.name for field in fields)):
        dirty = False
        for field in fields:
            old = getattr(row, field.attname)
            if isinstance(field, models.JSONField):
                new = _scrub(old, pattern)
            elif old:
                new = _scrub_text(old, pattern)[: field.max_length]
            else:
                continue
            if new != old:
                setattr(row, field.attname, new)
                dirty = True
        if dirty:
            changed.append(row)
    if changed:
        queryset.model._default_manager.bulk_update(
            changed, [field.name for field in fields], batch_size=BATCH_SIZE
        )
