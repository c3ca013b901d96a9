"""The admin of projects, their involvements, milestones and procedure steps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Field, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from projects.admin.base import (
    COMMISSIONER_ERROR,
    ArchiveInsteadOfDeleteMixin,
    VersionBumpMixin,
    _person_label,
    commissioner_candidates,
    involve_step_departments,
)
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.services.projects import (
    project_archive,
    project_restore,
)
from projects.services.rescan import (
    rescan_enqueue,
)
from web.admin import ArchivedFilter, AuditTrailAdminMixin

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
