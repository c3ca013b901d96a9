"""Writes for the register of external parties and their contact persons.

Erasing a contact person and merging two parties touch the projects' contact moments and
involvements, so those services live in ``projects.services.partners``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from stakeholders.models import Contact, Stakeholder
from stakeholders.selectors import stakeholder_by_name
from stakeholders.similarity import similar_stakeholders


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def stakeholder_create(
    *,
    name: str,
    kind: str = Stakeholder.Kind.OTHER,
    description: str = "",
    website: str = "",
    allow_similar: bool = True,
) -> Stakeholder:
    """Register a party. Names are unique ignoring case: a duplicate raises a
    ValidationError on ``name`` (also when another request created it a moment ago).
    With ``allow_similar=False`` a name that merely resembles an existing party's is
    refused too (code ``similar``): the person is asked to choose or to confirm."""
    name = _clean_name(name)
    duplicate = _("Er bestaat al een externe partij met de naam “%(name)s”.")
    existing = stakeholder_by_name(name)
    if existing is not None:
        raise ValidationError({"name": duplicate % {"name": existing.name}})
    if not allow_similar and similar_stakeholders(name, limit=1):
        raise ValidationError(
            {
                "name": ValidationError(
                    _(
                        "Deze naam lijkt op een partij die al bestaat. Kies die, of bevestig "
                        "dat het een andere partij is."
                    ),
                    code="similar",
                )
            }
        )
    stakeholder = Stakeholder(name=name, kind=kind, description=description, website=website)
    stakeholder.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        # Lost a race with a concurrent create of the same name.
        raise ValidationError({"name": duplicate % {"name": name}}) from None
    return stakeholder


def contact_create(
    *, stakeholder: Stakeholder, name: str, role: str = "", email: str = "", phone: str = ""
) -> Contact:
    """Add a contact person: only what working together needs."""
    contact = Contact(
        stakeholder=stakeholder,
        name=_clean_name(name),
        role=_clean_name(role),
        email=email.strip(),
        phone=phone.strip(),
    )
    contact.full_clean()
    contact.save()
    return contact


def contact_update(
    *, contact: Contact, name: str, role: str = "", email: str = "", phone: str = ""
) -> Contact:
    contact.name = _clean_name(name)
    contact.role = _clean_name(role)
    contact.email = email.strip()
    contact.phone = phone.strip()
    contact.full_clean()
    contact.save(update_fields=["name", "role", "email", "phone"])
    return contact
