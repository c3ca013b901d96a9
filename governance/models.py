"""The inside of the organisation: sectors, departments, procedures and calendars.

A leaf app: nothing here imports ``projects`` or ``stakeholders``.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles, kept as auth groups (created by a data migration)."""

    PROJECT_LEADER = "Projectleider", _("Projectleider")
    COMMISSIONER = "Bureauhoofd", _("Bureauhoofd")
    DEPARTMENT_HEAD = "Afdelingshoofd", _("Afdelingshoofd")
    ADMINISTRATOR = "Beheerder", _("Beheerder")


class Sector(models.Model):
    name = models.CharField(_("naam"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectoren")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="sector_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


# Both are in the audit trail (see web/history.py).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    context_field=pghistory.ContextJSONField(),
)
class Department(models.Model):
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="departments", verbose_name=_("sector")
    )
    name = models.CharField(_("naam"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("afdelingshoofd"),
    )

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="department_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class MeetingCalendar(models.Model):
    class Body(models.TextChoices):
        COLLEGE = "college", _("College van B&W")
        COUNCIL = "raad", _("Gemeenteraad")
        PROVINCIAL_EXECUTIVE = "gs", _("Gedeputeerde Staten")
        PROVINCIAL_COUNCIL = "ps", _("Provinciale Staten")
        OTHER = "overig", _("Overig overleg")

    name = models.CharField(_("naam"), max_length=120, unique=True)
    body = models.CharField(_("orgaan"), max_length=20, choices=Body.choices)
    agenda_deadline_days = models.PositiveSmallIntegerField(
        _("agendadeadline (werkdagen vooraf)"),
        default=10,
        help_text=_("Aantal werkdagen vóór de vergadering dat stukken binnen moeten zijn."),
    )

    class Meta:
        verbose_name = _("vergaderkalender")
        verbose_name_plural = _("vergaderkalenders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    calendar = models.ForeignKey(
        MeetingCalendar,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("vergaderkalender"),
    )
    date = models.DateField(_("vergaderdatum"))
    agenda_deadline = models.DateField(
        _("agendadeadline"), help_text=_("Uiterste datum waarop stukken binnen moeten zijn.")
    )

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="meeting_unique_per_day"),
            models.CheckConstraint(
                condition=Q(agenda_deadline__lte=F("date")),
                name="meeting_deadline_not_after_meeting",
                violation_error_message=_("De agendadeadline ligt na de vergadering."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.date:%d-%m-%Y}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    context_field=pghistory.ContextJSONField(),
)
class Procedure(models.Model):
    class Kind(models.TextChoices):
        COLLEGE_DECISION = "collegebesluit", _("Collegebesluit")
        COUNCIL_DECISION = "raadsbesluit", _("Raadsbesluit")
        LEGAL_REVIEW = "juridische_toets", _("Juridische toets")
        PROCUREMENT = "inkoop", _("Inkoop/aanbesteding")
        BUDGET_CHANGE = "begrotingswijziging", _("Begrotingswijziging")
        PRIVACY = "dpia", _("DPIA/privacytoets")
        PERMIT = "vergunning", _("Vergunning")
        COMMUNICATION = "communicatie", _("Communicatie")
        SUBSIDY = "subsidie", _("Subsidieaanvraag")
        OTHER = "overig", _("Overig")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("eigenaar (afdeling)"),
    )
    name = models.CharField(_("naam"), max_length=160)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    lead_time_days = models.PositiveSmallIntegerField(
        _("doorlooptijd (werkdagen)"),
        help_text=_("Werkdagen van start tot afronding, zonder weekenden en feestdagen."),
    )
    meeting_calendar = models.ForeignKey(
        MeetingCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("vergaderkalender"),
        help_text=_("Vul in als het besluit in een vergadering valt (bijv. het college)."),
    )
    purpose = models.TextField(
        _("bedoeling"),
        blank=True,
        help_text=_("Wat moet deze procedure bereiken? (Wat was ook alweer de bedoeling?)"),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "department", Lower("name"), name="procedure_name_unique_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"


class ClosedDay(models.Model):
    """A day the organisation is closed beyond weekends and public holidays."""

    date = models.DateField(_("datum"), unique=True)
    reason = models.CharField(_("reden"), max_length=120)

    class Meta:
        verbose_name = _("sluitingsdag")
        verbose_name_plural = _("sluitingsdagen")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.reason}"
