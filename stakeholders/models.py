"""The outside: external parties and the people we deal with there.

A leaf app: nothing here imports ``projects``. Contact persons hold personal data, so
they keep only what working together needs.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class StakeholderQuerySet(models.QuerySet):
    def active(self) -> StakeholderQuerySet:
        return self.filter(archived_at__isnull=True)


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "bedrijf", _("Bedrijf")
        CIVIL_SOCIETY = "maatschappelijk", _("Maatschappelijke organisatie")
        CITIZEN_INITIATIVE = "burgerinitiatief", _("Burgerinitiatief")
        GOVERNMENT = "overheid", _("Andere overheid")
        KNOWLEDGE = "kennisinstelling", _("Kennisinstelling")
        HOUSING = "woningcorporatie", _("Woningcorporatie")
        OTHER = "overig", _("Overig")

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("omschrijving"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)
    # Parties are archived, never deleted: read-only, out of the pickers, still readable.
    archived_at = models.DateTimeField(_("gearchiveerd op"), null=True, blank=True)

    objects = StakeholderQuerySet.as_manager()

    class Meta:
        verbose_name = _("externe partij")
        verbose_name_plural = _("externe partijen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="stakeholder_name_unique_ci",
                violation_error_message=_("Er bestaat al een externe partij met deze naam."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


# In the audit trail like the projects' rows; its events hold personal data, so erasing a
# contact erases them too (stakeholders/retention.py).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    context_field=pghistory.ContextJSONField(),
)
class Contact(models.Model):
    # PROTECT: a party's deletion must erase its contact persons first
    # (stakeholders.erasure), never cascade past the erasure and leave them in history.
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("externe partij"),
    )
    name = models.CharField(_("naam"), max_length=160)
    role = models.CharField(_("functie of rol"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.stakeholder})"
