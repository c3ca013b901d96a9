"""Where the inside meets the outside: projects, involvements, milestones and friction."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import Department, Meeting, Procedure
from stakeholders.models import Stakeholder

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def audited(*, exclude: tuple[str, ...] = ()):
    """Record every insert, update and delete of the model in the audit trail: on
    PostgreSQL by triggers (bulk writes too), elsewhere by the fallback in
    ``web/history.py``. ``exclude`` leaves out bookkeeping that says nothing about what
    changed (an update touching only those fields records no event)."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=list(exclude),
        context_field=pghistory.ContextJSONField(),
    )


class ProjectQuerySet(models.QuerySet):
    def active(self) -> ProjectQuerySet:
        return self.filter(archived_at__isnull=True)


@audited(exclude=("updated_at", "version"))
class Project(models.Model):
    class Status(models.TextChoices):
        IDEA = "idee", _("Idee")
        EXPLORATION = "verkenning", _("Verkenning")
        EXECUTION = "uitvoering", _("Uitvoering")
        COMPLETED = "afgerond", _("Afgerond")
        STOPPED = "gestopt", _("Gestopt")

    title = models.CharField(_("titel"), max_length=200)
    purpose = models.TextField(
        _("bedoeling"), help_text=_("Wat is de bedoeling? Waarom doen we dit samen met anderen?")
    )
    description = models.TextField(_("omschrijving"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("projectleider"),
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commissioned_projects",
        verbose_name=_("opdrachtgever (bureauhoofd)"),
    )
    portfolio_holder = models.CharField(
        _("portefeuillehouder"), max_length=160, blank=True, help_text=_("Wethouder/gedeputeerde")
    )
    is_confidential = models.BooleanField(
        _("vertrouwelijk"),
        default=False,
        help_text=_("Alleen zichtbaar voor de betrokkenen bij dit project."),
    )
    departments = models.ManyToManyField(
        Department,
        through="DepartmentInvolvement",
        related_name="projects",
        verbose_name=_("betrokken afdelingen"),
    )
    stakeholders = models.ManyToManyField(
        Stakeholder,
        through="StakeholderInvolvement",
        related_name="projects",
        verbose_name=_("externe partijen"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    archived_at = models.DateTimeField(_("gearchiveerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("samenwerkingsproject")
        verbose_name_plural = _("samenwerkingsprojecten")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose=""),
                name="project_purpose_required",
                violation_error_message=_("Beschrijf de bedoeling van het project."),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="project_title_required"),
        ]
        indexes = [
            models.Index(fields=["leader", "status"], name="project_leader_status"),
            models.Index(fields=["commissioner", "status"], name="project_comm_status"),
            # The insight figures ask which projects changed since their snapshot began.
            models.Index(fields=["updated_at"], name="project_updated_at"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


@audited()
class DepartmentInvolvement(models.Model):
    class Role(models.TextChoices):
        LEAD = "trekker", _("Trekker")
        CONTRIBUTING = "uitvoerend", _("Uitvoerend")
        ADVISORY = "adviserend", _("Adviserend")
        DECIDING = "besluitvormend", _("Besluitvormend")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="department_involvements",
        verbose_name=_("project"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="involvements",
        verbose_name=_("afdeling"),
    )
    role = models.CharField(
        _("rol"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTING
    )

    class Meta:
        verbose_name = _("betrokken afdeling")
        verbose_name_plural = _("betrokken afdelingen")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department"], name="department_involved_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


@audited()
class StakeholderInvolvement(models.Model):
    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        FINANCIER = "financier", _("Financier")
        AFFECTED = "belanghebbende", _("Belanghebbende")
        CONTRACTOR = "opdrachtnemer", _("Opdrachtnemer")
        ADVISOR = "adviseur", _("Adviseur")
        AUTHORITY = "bevoegd_gezag", _("Bevoegd gezag")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="stakeholder_involvements",
        verbose_name=_("project"),
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        related_name="involvements",
        verbose_name=_("externe partij"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    influence = models.PositiveSmallIntegerField(
        _("invloed (1-5)"), default=3, validators=SCORE_VALIDATORS
    )
    interest = models.PositiveSmallIntegerField(
        _("belang (1-5)"), default=3, validators=SCORE_VALIDATORS
    )

    class Meta:
        verbose_name = _("betrokken partij")
        verbose_name_plural = _("betrokken partijen")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stakeholder"], name="stakeholder_involved_once"
            ),
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=5), name="influence_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(interest__gte=1, interest__lte=5), name="interest_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} ({self.get_role_display()})"

    def clean(self) -> None:
        # An archived party joins no project anew (the admin's inlines and forms); where
        # it already was, it stays. Services check the same (services/projects.py).
        super().clean()
        if self.stakeholder_id is None or not self.stakeholder.is_archived:
            return
        if not StakeholderInvolvement.objects.filter(
            pk=self.pk, stakeholder_id=self.stakeholder_id
        ).exists():
            raise ValidationError(
                {"stakeholder": _("Deze partij staat in het archief. Kies een andere partij.")}
            )


@audited(exclude=("updated_at",))
class Milestone(models.Model):
    class Kind(models.TextChoices):
        SUBSIDY_DEADLINE = "subsidie", _("Subsidiedeadline")
        SIGNING = "ondertekening", _("Ondertekening met partners")
        WORKS_START = "start_werk", _("Start werkzaamheden")
        DELIVERY = "oplevering", _("Oplevering")
        PUBLIC_MOMENT = "publiek", _("Publiek moment")
        OTHER = "overig", _("Overig")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(_("datum"))
    description = models.TextField(_("toelichting"), blank=True)
    procedures = models.ManyToManyField(
        Procedure,
        through="ProcedureStep",
        related_name="milestones",
        verbose_name=_("benodigde procedures"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["date", "title"]
        indexes = [models.Index(fields=["date"], name="milestone_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"


@audited()
class ProcedureStep(models.Model):
    """An internal procedure that must be finished before a milestone."""

    class Status(models.TextChoices):
        TO_START = "todo", _("Nog te starten")
        IN_PROGRESS = "loopt", _("Loopt")
        DONE = "klaar", _("Afgerond")
        NOT_NEEDED = "niet_nodig", _("Niet nodig")

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="steps", verbose_name=_("mijlpaal")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="steps", verbose_name=_("procedure")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="todo")
    done_on = models.DateField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedurestap")
        verbose_name_plural = _("procedurestappen")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "procedure"], name="step_once_per_milestone"
            ),
            models.CheckConstraint(
                condition=~Q(status="klaar") | Q(done_on__isnull=False),
                name="step_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.name}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TO_START, self.Status.IN_PROGRESS)


@audited(exclude=("updated_at", "last_activity_at", "version", "notified_severity"))
class FrictionPoint(models.Model):
    """A knelpunt: where the inside blocks or clashes with the outside."""

    class Category(models.TextChoices):
        AGENDA = "agenda", _("Agenda/planning")
        PROCEDURE = "procedure", _("Procedure/regels")
        MANDATE = "mandaat", _("Mandaat/hiërarchie")
        BUDGET = "budget", _("Budget")
        INFORMATION = "informatie", _("Informatie/systemen")
        CULTURE = "cultuur", _("Cultuur/samenwerking")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Laag")
        MEDIUM = 2, _("Middel")
        HIGH = 3, _("Hoog")
        BLOCKING = 4, _("Blokkerend")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_behandeling", _("In behandeling")
        RESOLVED = "vervallen", _("Vervallen (automatisch opgelost)")
        CLOSED = "gesloten", _("Gesloten")

    class Source(models.TextChoices):
        PERSON = "persoon", _("Gemeld door een persoon")
        AUTOMATIC = "automatisch", _("Automatische signalering")

    class FlagKind(models.TextChoices):
        LEAD_TIME = "doorlooptijd", _("Doorlooptijd past niet voor de mijlpaal")
        NO_MEETING = "geen_vergadering", _("Geen vergadering meer vóór de mijlpaal")
        MISSED = "gemist", _("Mijlpaal verstreken met open procedures")

    class Support(models.TextChoices):
        NONE = "", _("Geen ondersteuning gevraagd")
        KNOWLEDGE = "kennis", _("Kennis")
        LISTENING_EAR = "luisterend_oor", _("Een luisterend oor")
        BOARD_ROUTE = "route_bestuur", _("De kortste route naar het bestuur")

    class Approach(models.TextChoices):
        KEEP = "koesteren", _("Bestaande werkwijze koesteren")
        ORGANISE_DIFFERENTLY = "anders_organiseren", _("Anders organiseren")
        UNORTHODOX = "onorthodox", _("Onorthodoxe, speelse oplossing")
        ESCALATED = "bestuur", _("Geëscaleerd naar het bestuur")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="friction_points",
        verbose_name=_("project"),
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="friction_points", verbose_name=_("afdelingen")
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="friction_points",
        verbose_name=_("procedure"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="friction_points",
        verbose_name=_("mijlpaal"),
    )
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("ernst"), choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(
        _("bron"), max_length=20, choices=Source.choices, default=Source.PERSON
    )
    flag_kind = models.CharField(
        _("soort signalering"), max_length=20, choices=FlagKind.choices, blank=True
    )
    purpose_question = models.TextField(
        _("wat was ook alweer de bedoeling?"),
        blank=True,
        help_text=_("Wat moet deze procedure of werkwijze eigenlijk bereiken?"),
    )
    support_asked = models.CharField(
        _("gevraagde ondersteuning"), max_length=20, choices=Support.choices, blank=True
    )
    support_requested_at = models.DateTimeField(
        _("ondersteuning gevraagd op"), null=True, blank=True
    )
    support_answered_at = models.DateTimeField(
        _("ondersteuning beantwoord op"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)
    stale_since = models.DateTimeField(_("stil sinds"), null=True, blank=True)
    approach = models.CharField(_("aanpak"), max_length=20, choices=Approach.choices, blank=True)
    lesson_learned = models.TextField(_("geleerde les"), blank=True)
    # Filled in by the friction engine for automatic flags.
    latest_start = models.DateField(_("uiterste startdatum"), null=True, blank=True)
    slack_days = models.IntegerField(_("speling (werkdagen)"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruikte vergadering"),
    )
    notified_severity = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_friction_points",
        verbose_name=_("gemeld door"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("gemeld op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)
    last_activity_at = models.DateTimeField(_("laatste activiteit"), auto_now_add=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    archived_at = models.DateTimeField(_("gearchiveerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("knelpunt")
        verbose_name_plural = _("knelpunten")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="friction_severity_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="gesloten") | (~Q(approach="") & Q(closed_at__isnull=False)),
                name="friction_closed_has_approach",
                violation_error_message=_("Een gesloten knelpunt heeft een aanpak."),
            ),
            models.CheckConstraint(
                condition=~Q(status="vervallen") | Q(source="automatisch"),
                name="friction_only_flags_resolve_themselves",
            ),
            models.CheckConstraint(
                condition=(Q(source="automatisch") & ~Q(flag_kind=""))
                | (Q(source="persoon") & Q(flag_kind="")),
                name="friction_flag_kind_matches_source",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="friction_title_required"),
            models.UniqueConstraint(
                fields=["milestone", "procedure"],
                condition=Q(source="automatisch", status__in=["open", "in_behandeling"]),
                name="one_open_flag_per_milestone_procedure",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="friction_project_status"),
            models.Index(fields=["status", "-severity"], name="friction_status_severity"),
            # The commissioning dashboard and the inbox (projects/selectors/dashboard.py):
            # a project's open points by severity and age (health, counts, the open list).
            models.Index(
                fields=["project", "-severity", "created_at"],
                condition=Q(status__in=["open", "in_behandeling"], archived_at__isnull=True),
                name="friction_open_by_project",
            ),
            # Support requests waiting for an answer, longest waiting first.
            models.Index(
                fields=["project", "support_requested_at"],
                condition=Q(status__in=["open", "in_behandeling"], support_answered_at__isnull=True)
                & ~Q(support_asked=""),
                name="friction_support_pending",
            ),
            # Open automatic flags by slack: the milestones at risk.
            models.Index(
                fields=["project", "slack_days"],
                condition=Q(source="automatisch", status__in=["open", "in_behandeling"]),
                name="friction_open_flags",
            ),
            # The latest change to any point: the version in the insight page's cache key.
            models.Index(fields=["updated_at"], name="friction_updated_at"),
            # Lessons learned, the most recent first.
            models.Index(
                fields=["-closed_at"],
                condition=Q(status="gesloten") & ~Q(lesson_learned=""),
                name="friction_lessons",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:friction_detail", args=[self.project_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_automatic(self) -> bool:
        return self.source == self.Source.AUTOMATIC

    @property
    def support_pending(self) -> bool:
        return bool(self.support_asked) and self.support_answered_at is None and self.is_open


# The timeline is history itself: entries are never edited or deleted in the admin
# (projects/admin/friction.py); the audit trail records any change made elsewhere.
@audited()
class FrictionUpdate(models.Model):
    """One entry on a friction point's timeline: a comment, answer or status change."""

    class Kind(models.TextChoices):
        COMMENT = "reactie", _("Reactie")
        STATUS = "status", _("Statuswijziging")
        SUPPORT_ANSWER = "antwoord", _("Antwoord op ondersteuningsvraag")
        SYSTEM = "systeem", _("Automatische update")
        EDITED = "bewerkt", _("Knelpunt bewerkt")
        ARCHIVE = "archief", _("Archief")

    friction_point = models.ForeignKey(
        FrictionPoint, on_delete=models.CASCADE, related_name="updates", verbose_name=_("knelpunt")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="friction_updates",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default="reactie")
    text = models.TextField(_("tekst"), blank=True)
    old_status = models.CharField(_("oude status"), max_length=20, blank=True)
    new_status = models.CharField(_("nieuwe status"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("knelpuntupdate")
        verbose_name_plural = _("knelpuntupdates")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["friction_point", "created_at"], name="update_fp_time"),
            # Recent activity on the dashboard: the newest entries first, across points.
            models.Index(fields=["-created_at"], name="update_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


# --- partners: contact moments, follow-ups and agreements with external parties -------------
# Contact persons live in the ``stakeholders`` leaf; what ties them to a project lives here.


@audited()
class Interaction(models.Model):
    """A contact moment with an external party: on a project, or with the party as such
    (``project`` empty, e.g. a get-acquainted meeting)."""

    class Kind(models.TextChoices):
        MEETING = "overleg", _("Overleg")
        PHONE = "telefoon", _("Telefoongesprek")
        EMAIL = "email", _("E-mail")
        SITE_VISIT = "werkbezoek", _("Werkbezoek")
        PUBLIC_MEETING = "bijeenkomst", _("Publieke bijeenkomst")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("project"),
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("externe partij"),
    )
    date = models.DateField(_("datum"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    summary = models.TextField(_("samenvatting"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_interactions",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="interaction_summary_required"),
        ]
        indexes = [
            models.Index(fields=["stakeholder", "-date"], name="interaction_party_date"),
            models.Index(fields=["project", "-date"], name="interaction_project_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stakeholder} ({self.date:%d-%m-%Y})"


# Its events name a contact person by number only; erasing the person clears that number
# from them too (``stakeholders.erasure.contact_erase``, projects/services/partners.py).
@audited()
class InteractionParticipant(models.Model):
    """Who took part: a contact person of the party or a member of staff. A contact whose
    data was erased leaves the row behind with neither (shown as "verwijderde persoon")."""

    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("contactmoment"),
    )
    contact = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interaction_participations",
        verbose_name=_("contactpersoon"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interaction_participations",
        verbose_name=_("medewerker"),
    )
    erased_at = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=True) | Q(staff__isnull=True),
                name="participant_contact_or_staff",
            ),
            models.UniqueConstraint(
                fields=["interaction", "contact"],
                condition=Q(contact__isnull=False),
                name="participant_contact_once",
            ),
            models.UniqueConstraint(
                fields=["interaction", "staff"],
                condition=Q(staff__isnull=False),
                name="participant_staff_once",
            ),
        ]

    def __str__(self) -> str:
        if self.contact_id is not None:
            return self.contact.name
        if self.staff_id is not None:
            return self.staff.get_full_name() or self.staff.get_username()
        return str(_("Verwijderde persoon"))

    @property
    def is_contact(self) -> bool:
        """A person of the party (also after erasure), not a member of staff."""
        return self.staff_id is None


@audited()
class FollowUp(models.Model):
    """An action agreed in a contact moment, for one member of staff, by a date."""

    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("contactmoment"),
    )
    description = models.CharField(_("vervolgactie"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("eigenaar"),
    )
    due_date = models.DateField(_("uiterlijk"))
    is_done = models.BooleanField(_("gedaan"), default=False)
    done_at = models.DateTimeField(_("gedaan op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("vervolgactie")
        verbose_name_plural = _("vervolgacties")
        ordering = ["is_done", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="follow_up_description_required"
            ),
            models.CheckConstraint(
                condition=Q(is_done=False) | Q(done_at__isnull=False),
                name="follow_up_done_has_time",
            ),
        ]
        indexes = [models.Index(fields=["owner", "is_done", "due_date"], name="follow_up_owner")]

    def __str__(self) -> str:
        return self.description


@audited(exclude=("updated_at",))
class Agreement(models.Model):
    """An afspraak with a partner: what was promised, by whom, by when."""

    class OwedBy(models.TextChoices):
        US = "gemeente", _("De gemeente")
        PARTY = "partij", _("De partij")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "nagekomen", _("Nagekomen")
        LAPSED = "vervallen", _("Vervallen")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("project")
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("externe partij"),
    )
    title = models.CharField(_("wat is er afgesproken"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    owed_by = models.CharField(
        _("wie moet het nakomen"), max_length=10, choices=OwedBy.choices, default=OwedBy.US
    )
    due_date = models.DateField(_("uiterlijk op"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    milestone = models.OneToOneField(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name=_("mijlpaal"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_agreements",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="agreement_title_required"),
            models.CheckConstraint(
                condition=Q(milestone__isnull=True) | Q(owed_by="gemeente"),
                name="agreement_milestone_only_when_we_owe",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="agreement_status_due"),
            models.Index(fields=["project", "status"], name="agreement_project_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def may_become_milestone(self) -> bool:
        """Only what we owe, still open, becomes a milestone the friction engine watches."""
        return self.owed_by == self.OwedBy.US and self.status == self.Status.OPEN
