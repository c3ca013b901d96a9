"""Writes for the register of external parties."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from stakeholders.models import Stakeholder
from stakeholders.selectors import stakeholder_by_name


def stakeholder_create(
    *, name: str, kind: str = Stakeholder.Kind.OTHER, description: str = "", website: str = ""
) -> Stakeholder:
    """Register a party. Names are unique ignoring case: a duplicate raises a
    ValidationError on ``name`` (also when another request created it a moment ago)."""
    name = " ".join(name.split())
    duplicate = _("Er bestaat al een externe partij met de naam “%(name)s”.")
    existing = stakeholder_by_name(name)
    if existing is not None:
        raise ValidationError({"name": duplicate % {"name": existing.name}})
    stakeholder = Stakeholder(name=name, kind=kind, description=description, website=website)
    stakeholder.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        # Lost a race with a concurrent create of the same name.
        raise ValidationError({"name": duplicate % {"name": name}}) from None
    return stakeholder
