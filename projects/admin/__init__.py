"""The admin of projects, milestones and friction points: the Beheerder's repair shop.

Day-to-day work happens on the user pages; the admin is for configuration and
corrections. Saving a project or friction point here bumps its ``version`` so a page
that was opened before the correction notices it on submit.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Field, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import admin as governance_admin
from governance.models import Department, Meeting, MeetingCalendar, Procedure, Role
from projects.admin.history import AuditTrailAdminMixin
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.services.friction import friction_point_archive, friction_point_restore
from projects.services.partners import contact_export, stakeholder_merge
from projects.services.projects import (
    project_archive,
    project_restore,
    step_departments_involve,
)
from projects.services.rescan import (
    rescan_enqueue,
    rescan_enqueue_for_meeting_calendar,
    rescan_enqueue_for_procedure,
)
from stakeholders import admin as stakeholders_admin
from stakeholders.erasure import contact_erase
from stakeholders.models import Contact, Stakeholder

COMMISSIONER_ERROR = _(
    "Kies een bureauhoofd: alleen gebruikers in de groep Bureauhoofd kunnen opdrachtgever "
    "van een project zijn."
)


def commissioner_candidates() -> QuerySet:
    """Active users in the Bureauhoofd group: the only valid commissioners."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COMMISSIONER)
        .order_by("last_name", "first_name", "username")
    )


def _person_label(user: Any) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


class ArchivedFilter(admin.SimpleListFilter):
    title = _("gearchiveerd")
    parameter_name = "gearchiveerd"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("nee", _("Nee")), ("ja", _("Ja"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "nee":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "ja":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class ArchiveInsteadOfDeleteMixin:
    """Projects and friction points are archived, never deleted (nothing gets lost): no
    delete permission, and "archive"/"restore" actions that go through the services, so
    the point's timeline and the security log say who did it."""

    actions = ("archive_selected", "restore_selected")
    archive_service: Any
    restore_service: Any

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet, *, archive: bool) -> None:
        todo = queryset.filter(archived_at__isnull=archive)
        done = 0
        for obj in todo:
            (self.archive_service if archive else self.restore_service)(obj, request.user)
            done += 1
        message = (
            gettext("%(count)d gearchiveerd; niets is verwijderd.")
            if archive
            else gettext("%(count)d uit het archief teruggezet.")
        )
        self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Archiveren (niet verwijderen)"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, archive=True)

    @admin.action(description=_("Uit het archief terugzetten"), permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, archive=False)


class VersionBumpMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if change:
            obj.refresh_from_db(fields=["version"])


def involve_step_departments(request: HttpRequest, project: Project) -> None:
    """Keep the rule of the project pages in the admin too: a department whose procedure
    a milestone needs is involved (``step_departments_involve``); say so when it happens."""
    added = step_departments_involve(project=project)
    if added:
        names = ", ".join(
            Department.objects.filter(pk__in=added).order_by("name").values_list("name", flat=True)
        )
        messages.warning(
            request,
            gettext(
                "Betrokken bij %(project)s (adviserend), omdat een mijlpaal een procedure van "
                "de afdeling nodig heeft: %(departments)s."
            )
            % {"project": project.title, "departments": names},
        )


# --- projects ------------------------------------------------------------------------------


class DepartmentInvolvementInline(admin.TabularInline):
    model = DepartmentInvolvement
    fields = ("department", "role")
    autocomplete_fields = ("department",)
    extra = 0


class StakeholderInvolvementInline(admin.TabularInline):
    model = StakeholderInvolvement
    fields = ("stakeholder", "role", "influence", "interest")
    autocomplete_fields = ("stakeholder",)
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("title", "kind", "date")
    extra = 0
    show_change_link = True
    ordering = ("date",)


@admin.register(Project)
class ProjectAdmin(
    AuditTrailAdminMixin, ArchiveInsteadOfDeleteMixin, VersionBumpMixin, admin.ModelAdmin
):
    list_display = (
        "title",
        "status",
        "leader",
        "commissioner",
        "portfolio_holder",
        "is_confidential",
        "open_friction",
        "archived_at",
    )
    list_filter = (
        "status",
        "is_confidential",
        ArchivedFilter,
        ("commissioner", admin.RelatedOnlyFieldListFilter),
        "departments__sector",
    )
    list_select_related = ("leader", "commissioner")
    search_fields = (
        "title",
        "purpose",
        "portfolio_holder",
        "leader__username",
        "leader__last_name",
        "commissioner__username",
        "commissioner__last_name",
    )
    autocomplete_fields = ("leader",)
    # Archiving goes through the actions, so it is recorded.
    readonly_fields = ("archived_at", "version", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "purpose", "description", "status")}),
        (
            _("Verantwoordelijken"),
            {"fields": ("leader", "commissioner", "portfolio_holder", "is_confidential")},
        ),
        (
            _("Registratie"),
            {
                "fields": ("archived_at", "version", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (DepartmentInvolvementInline, StakeholderInvolvementInline, MilestoneInline)
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        involve_step_departments(request, form.instance)

    @staticmethod
    def archive_service(obj: Project, actor: Any) -> None:
        project_archive(project=obj, actor=actor)

    @staticmethod
    def restore_service(obj: Project, actor: Any) -> None:
        project_restore(project=obj, actor=actor)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_open_friction=Count(
                    "friction_points",
                    filter=Q(friction_points__status__in=FrictionPoint.OPEN_STATUSES),
                )
            )
        )

    @admin.display(description=_("open knelpunten"), ordering="num_open_friction")
    def open_friction(self, obj: Project) -> int:
        return obj.num_open_friction

    def formfield_for_foreignkey(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "commissioner":
            # The queryset is the validation: a non-Bureauhoofd is an invalid choice.
            kwargs["queryset"] = commissioner_candidates()
            kwargs["error_messages"] = {"invalid_choice": COMMISSIONER_ERROR}
            kwargs.setdefault(
                "help_text",
                _("De ene verantwoordelijke opdrachtgever; alleen bureauhoofden."),
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            if field is not None:
                field.label_from_instance = _person_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- involvements ----------------------------------------------------------------------------


@admin.register(DepartmentInvolvement)
class DepartmentInvolvementAdmin(admin.ModelAdmin):
    list_display = ("project", "department", "role")
    list_filter = ("role", "department__sector", "department")
    list_select_related = ("project", "department")
    search_fields = ("project__title", "department__name")
    autocomplete_fields = ("project", "department")

    def delete_model(self, request: HttpRequest, obj: DepartmentInvolvement) -> None:
        super().delete_model(request, obj)
        involve_step_departments(request, obj.project)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        projects = list(Project.objects.filter(department_involvements__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for project in projects:
            involve_step_departments(request, project)


@admin.register(StakeholderInvolvement)
class StakeholderInvolvementAdmin(admin.ModelAdmin):
    list_display = ("project", "stakeholder", "role", "influence", "interest")
    list_filter = ("role", "stakeholder__kind", "influence", "interest")
    list_select_related = ("project", "stakeholder")
    search_fields = ("project__title", "stakeholder__name")
    autocomplete_fields = ("project", "stakeholder")


# --- milestones and their procedures -----------------------------------------------------------


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    fields = ("procedure", "status", "done_on")
    autocomplete_fields = ("procedure",)
    extra = 0


class RescanProjectMixin:
    """Milestone dates and step statuses decide the friction flags: rescan after a change."""

    def _project_id(self, obj: Any) -> int:
        return obj.project_id if isinstance(obj, Milestone) else obj.milestone.project_id

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        project_id = self._project_id(form.instance)
        involve_step_departments(request, Project.objects.get(pk=project_id))
        rescan_enqueue(project_ids=[project_id])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        project_id = self._project_id(obj)
        super().delete_model(request, obj)
        rescan_enqueue(project_ids=[project_id])


@admin.register(Milestone)
class MilestoneAdmin(RescanProjectMixin, admin.ModelAdmin):
    list_display = ("title", "project", "kind", "date", "open_steps")
    list_filter = ("kind", "project__status")
    list_select_related = ("project",)
    search_fields = ("title", "description", "project__title")
    autocomplete_fields = ("project",)
    date_hierarchy = "date"
    readonly_fields = ("created_at", "updated_at")
    inlines = (ProcedureStepInline,)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        open_statuses = (ProcedureStep.Status.TO_START, ProcedureStep.Status.IN_PROGRESS)
        return (
            super()
            .get_queryset(request)
            .annotate(num_open_steps=Count("steps", filter=Q(steps__status__in=open_statuses)))
        )

    @admin.display(description=_("open procedures"), ordering="num_open_steps")
    def open_steps(self, obj: Milestone) -> int:
        return obj.num_open_steps


@admin.register(ProcedureStep)
class ProcedureStepAdmin(RescanProjectMixin, admin.ModelAdmin):
    list_display = ("procedure", "milestone", "project", "status", "done_on")
    list_filter = ("status", "procedure__kind", "procedure__department")
    list_select_related = ("procedure", "procedure__department", "milestone__project")
    search_fields = ("procedure__name", "milestone__title", "milestone__project__title")
    autocomplete_fields = ("milestone", "procedure")

    @admin.display(description=_("project"), ordering="milestone__project__title")
    def project(self, obj: ProcedureStep) -> Project:
        return obj.milestone.project


# --- friction ---------------------------------------------------------------------------------


class FrictionPointAdminForm(forms.ModelForm):
    """Guards the rules whose database constraints name read-only (excluded) fields."""

    class Meta:
        model = FrictionPoint
        fields = (
            "project",
            "title",
            "description",
            "category",
            "severity",
            "status",
            "departments",
            "procedure",
            "milestone",
            "author",
            "purpose_question",
            "support_asked",
            "support_requested_at",
            "support_answered_at",
            "escalated_at",
            "approach",
            "lesson_learned",
            "closed_at",
            "archived_at",
            "meeting",
            "stale_since",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        status = cleaned.get("status")
        source = self.instance.source
        if status == FrictionPoint.Status.RESOLVED and source != FrictionPoint.Source.AUTOMATIC:
            self.add_error(
                "status",
                _("Alleen automatische signaleringen vervallen; sluit dit knelpunt af."),
            )
        if status == FrictionPoint.Status.CLOSED:
            if not cleaned.get("approach"):
                self.add_error("approach", _("Kies de aanpak waarmee het knelpunt is gesloten."))
            if not cleaned.get("closed_at"):
                cleaned["closed_at"] = timezone.now()
        return cleaned


class FrictionUpdateInline(admin.TabularInline):
    """The timeline is history: shown, never edited here."""

    model = FrictionUpdate
    fields = ("created_at", "kind", "author", "text", "old_status", "new_status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "pk")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FrictionPoint)
class FrictionPointAdmin(
    AuditTrailAdminMixin, ArchiveInsteadOfDeleteMixin, VersionBumpMixin, admin.ModelAdmin
):
    form = FrictionPointAdminForm
    list_display = (
        "title",
        "project",
        "category",
        "severity",
        "status",
        "source",
        "support_asked",
        "created_at",
    )
    list_filter = (
        "status",
        "source",
        "category",
        "severity",
        "support_asked",
        "approach",
        ArchivedFilter,
        "departments",
    )
    list_select_related = ("project",)
    search_fields = ("title", "description", "purpose_question", "lesson_learned", "project__title")
    autocomplete_fields = ("project", "departments", "procedure", "milestone", "meeting", "author")
    readonly_fields = (
        "archived_at",
        "source",
        "flag_kind",
        "latest_start",
        "slack_days",
        "version",
        "created_at",
        "updated_at",
        "last_activity_at",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "project",
                    "title",
                    "description",
                    "category",
                    "severity",
                    "status",
                    "departments",
                    "procedure",
                    "milestone",
                    "author",
                )
            },
        ),
        (
            _("Wat was ook alweer de bedoeling?"),
            {
                "fields": (
                    "purpose_question",
                    "support_asked",
                    "support_requested_at",
                    "support_answered_at",
                    "escalated_at",
                )
            },
        ),
        (_("Afronding"), {"fields": ("approach", "lesson_learned", "closed_at", "archived_at")}),
        (
            _("Signalering"),
            {
                "fields": (
                    "source",
                    "flag_kind",
                    "latest_start",
                    "slack_days",
                    "meeting",
                    "stale_since",
                ),
                "classes": ("collapse",),
            },
        ),
        (
            _("Registratie"),
            {
                "fields": ("version", "created_at", "updated_at", "last_activity_at"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (FrictionUpdateInline,)

    @staticmethod
    def archive_service(obj: FrictionPoint, actor: Any) -> None:
        friction_point_archive(point=obj, author=actor)

    @staticmethod
    def restore_service(obj: FrictionPoint, actor: Any) -> None:
        friction_point_restore(point=obj, author=actor)


@admin.register(FrictionUpdate)
class FrictionUpdateAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    """Timeline entries are history: nobody, superusers included, edits or deletes one
    here; a correction is a new entry, written in the Beheerder's own name. (Their group
    has no change or delete permission either: migration 0008.)"""

    list_display = ("created_at", "friction_point", "kind", "author", "short_text")
    list_filter = ("kind",)
    list_select_related = ("friction_point", "author")
    search_fields = ("text", "friction_point__title")
    autocomplete_fields = ("friction_point",)
    fields = ("friction_point", "kind", "text", "old_status", "new_status", "author", "created_at")
    readonly_fields = ("author", "created_at")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: FrictionUpdate, form: Any, change: bool
    ) -> None:
        obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("tekst"))
    def short_text(self, obj: FrictionUpdate) -> str:
        return obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"


# --- governance admins that must trigger a rescan ---------------------------------------------
# governance is a leaf and cannot import projects, so the rescan hooks (and the audit trail
# under "Geschiedenis") are added here.

SCHEDULE_FIELDS = {"lead_time_days", "meeting_calendar", "is_active"}


class RescanProcedureAdmin(AuditTrailAdminMixin, governance_admin.ProcedureAdmin):
    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and SCHEDULE_FIELDS & set(form.changed_data):
            rescan_enqueue_for_procedure(procedure_id=obj.pk)


class AuditedDepartmentAdmin(AuditTrailAdminMixin, governance_admin.DepartmentAdmin):
    """Departments with the audit trail under "Geschiedenis"."""


class RescanMeetingCalendarAdmin(governance_admin.MeetingCalendarAdmin):
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            rescan_enqueue_for_meeting_calendar(calendar_id=form.instance.pk)


class RescanMeetingAdmin(governance_admin.MeetingAdmin):
    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rescan_enqueue_for_meeting_calendar(calendar_id=obj.calendar_id)

    def delete_model(self, request: HttpRequest, obj: Meeting) -> None:
        calendar_id = obj.calendar_id
        super().delete_model(request, obj)
        rescan_enqueue_for_meeting_calendar(calendar_id=calendar_id)


for _model, _admin_class in (
    (Department, AuditedDepartmentAdmin),
    (Procedure, RescanProcedureAdmin),
    (MeetingCalendar, RescanMeetingCalendarAdmin),
    (Meeting, RescanMeetingAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)


# --- partners: contact moments, agreements, merging parties, contact persons' privacy ------------
# stakeholders is a leaf and cannot import projects, so the admin of parties and contact
# persons is extended here (the same way as the governance admins above).


class InteractionParticipantInline(admin.TabularInline):
    model = InteractionParticipant
    fields = ("contact", "staff", "erased_at")
    readonly_fields = ("erased_at",)
    autocomplete_fields = ("contact", "staff")
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fields = ("description", "owner", "due_date", "is_done", "done_at")
    autocomplete_fields = ("owner",)
    extra = 0


@admin.register(Interaction)
class InteractionAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "stakeholder", "project", "author")
    list_filter = ("kind", "stakeholder__kind")
    list_select_related = ("stakeholder", "project", "author")
    search_fields = ("summary", "stakeholder__name", "project__title")
    autocomplete_fields = ("project", "stakeholder", "author")
    readonly_fields = ("created_at",)
    date_hierarchy = "date"
    inlines = (InteractionParticipantInline, FollowUpInline)
    show_full_result_count = False


@admin.register(InteractionParticipant)
class InteractionParticipantAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = ("interaction", "contact", "staff", "erased_at")
    list_filter = ("erased_at",)
    list_select_related = ("interaction__stakeholder", "contact__stakeholder", "staff")
    search_fields = ("contact__name", "staff__username", "staff__last_name")
    autocomplete_fields = ("interaction", "contact", "staff")
    readonly_fields = ("erased_at",)


@admin.register(FollowUp)
class FollowUpAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = ("description", "owner", "due_date", "is_done", "interaction")
    list_filter = ("is_done",)
    list_select_related = ("owner", "interaction__stakeholder")
    search_fields = ("description", "owner__username", "owner__last_name")
    autocomplete_fields = ("interaction", "owner")
    date_hierarchy = "due_date"


@admin.register(Agreement)
class AgreementAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = ("title", "stakeholder", "project", "owed_by", "due_date", "status", "milestone")
    list_filter = ("status", "owed_by")
    list_select_related = ("stakeholder", "project", "milestone")
    search_fields = ("title", "description", "stakeholder__name", "project__title")
    autocomplete_fields = ("project", "stakeholder", "milestone", "author")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "due_date"


MERGE_TEMPLATE = "projects/partners/admin_merge.html"
ERASE_TEMPLATE = "projects/partners/admin_contact_erase.html"


class PartnerContactInline(stakeholders_admin.ContactInline):
    # Removing a person goes through "Persoonsgegevens wissen", which keeps the contact
    # moments intact and scrubs the name from the history.
    can_delete = False


class PartnerStakeholderAdmin(stakeholders_admin.StakeholderAdmin):
    """Parties, with "merge two parties" (an action, and a page the party page links to)."""

    inlines = (PartnerContactInline,)
    actions = (*stakeholders_admin.StakeholderAdmin.actions, "merge_two")

    def get_urls(self) -> list:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name="{}_{}_merge".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return self._may_merge(request)

    def _may_merge(self, request: HttpRequest) -> bool:
        # The admin offers no delete for parties; merging (which erases the removed party's
        # remaining contact persons) still needs the delete permission behind it.
        opts = self.opts
        may_delete = request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")
        return self.has_change_permission(request) and may_delete

    @admin.action(description=_("Twee partijen samenvoegen"), permissions=["merge"])
    def merge_two(self, request: HttpRequest, queryset: QuerySet[Stakeholder]) -> Any:
        pks = sorted(queryset.values_list("pk", flat=True))
        if len(pks) != 2:
            self.message_user(
                request, gettext("Kies precies twee partijen om samen te voegen."), messages.WARNING
            )
            return None
        url = reverse("admin:stakeholders_stakeholder_merge")
        return HttpResponseRedirect(f"{url}?keep={pks[0]}&remove={pks[1]}")

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        """Choose which of two parties stays, see what moves, and merge (POST)."""
        if not self._may_merge(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        try:
            first = int(source.get("keep", ""))
            second = int(source.get("remove", ""))
        except ValueError:
            first = second = 0
        parties = {
            party.pk: party
            for party in Stakeholder.objects.filter(pk__in=[first, second]).annotate(
                num_involvements=Count("involvements", distinct=True),
                num_contacts=Count("contacts", distinct=True),
                num_interactions=Count("interactions", distinct=True),
                num_agreements=Count("agreements", distinct=True),
            )
        }
        if first == second or len(parties) != 2:
            self.message_user(
                request, gettext("Kies twee bestaande, verschillende partijen."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:stakeholders_stakeholder_changelist"))
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            keep, remove = parties[first], parties[second]
            try:
                result = stakeholder_merge(keep=keep, remove=remove, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("“%(remove)s” is samengevoegd met “%(keep)s”.")
                    % {"remove": remove.name, "keep": result.keep.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:stakeholders_stakeholder_change", args=[result.keep.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Partijen samenvoegen"),
            "keep": parties[first],
            "remove": parties[second],
        }
        return TemplateResponse(request, MERGE_TEMPLATE, context)


class PartnerContactAdmin(AuditTrailAdminMixin, stakeholders_admin.ContactAdmin):
    """Contact persons, with a person's rights: export everything stored about them
    (JSON) and erase them (contact moments keep a "verwijderde persoon")."""

    actions = ("export_data", "erase_data")
    change_form_template = "projects/partners/admin_contact_change_form.html"

    def get_actions(
        self,
        request: HttpRequest,
        action_location: admin.ActionLocation = admin.ActionLocation.CHANGE_LIST,
    ) -> dict:
        actions = super().get_actions(request, action_location=action_location)
        # A plain delete would skip the erasure's bookkeeping: offer "wissen" instead.
        actions.pop("delete_selected", None)
        return actions

    def get_urls(self) -> list:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "<int:pk>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="{}_{}_erase".format(*info),
            ),
            *super().get_urls(),
        ]

    def delete_model(self, request: HttpRequest, obj: Contact) -> None:
        contact_erase(contact=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset:
            contact_erase(contact=contact, actor=request.user)

    def _export_response(self, request: HttpRequest, contacts: list[Contact]) -> JsonResponse:
        exports = [contact_export(contact=contact, actor=request.user) for contact in contacts]
        data = exports[0] if len(exports) == 1 else {"contacts": exports}
        name = f"contactpersoon-{contacts[0].pk}" if len(contacts) == 1 else "contactpersonen"
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response

    @admin.action(description=_("Gegevens exporteren (JSON, inzageverzoek)"), permissions=["view"])
    def export_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> JsonResponse:
        return self._export_response(request, list(queryset.select_related("stakeholder")))

    @admin.action(description=_("Persoonsgegevens wissen"), permissions=["delete"])
    def erase_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> Any:
        contacts = list(queryset.select_related("stakeholder"))
        if request.POST.get("post") == "yes":
            for contact in contacts:
                contact_erase(contact=contact, actor=request.user)
            self.message_user(
                request,
                gettext("De gegevens van %(count)s contactpersoon/-personen zijn gewist.")
                % {"count": len(contacts)},
                messages.SUCCESS,
            )
            return None
        return self._erase_confirmation(request, contacts, action="erase_data")

    def _erase_confirmation(
        self, request: HttpRequest, contacts: list[Contact], *, action: str = ""
    ) -> TemplateResponse:
        counts = dict(
            InteractionParticipant.objects.filter(contact__in=contacts)
            .values_list("contact")
            .annotate(total=Count("pk"))
        )
        for contact in contacts:
            contact.num_interactions = counts.get(contact.pk, 0)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Persoonsgegevens wissen"),
            "contacts": contacts,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, ERASE_TEMPLATE, context)

    def export_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        contact = get_object_or_404(Contact.objects.select_related("stakeholder"), pk=pk)
        return self._export_response(request, [contact])

    def erase_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        contact = get_object_or_404(Contact.objects.select_related("stakeholder"), pk=pk)
        if request.method == "POST" and request.POST.get("post") == "yes":
            party = contact.stakeholder
            contact_erase(contact=contact, actor=request.user)
            self.message_user(
                request, gettext("De gegevens van de contactpersoon zijn gewist."), messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("stakeholders:detail", args=[party.pk]))
        return self._erase_confirmation(request, [contact])


for _model, _admin_class in (
    (Stakeholder, PartnerStakeholderAdmin),
    (Contact, PartnerContactAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
