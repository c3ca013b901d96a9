"""The admin of friction points and their timeline entries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.admin.base import (
    ArchiveInsteadOfDeleteMixin,
    VersionBumpMixin,
)
from projects.models import (
    FrictionPoint,
    FrictionUpdate,
)
from projects.services.friction import friction_point_archive, friction_point_restore
from web.admin import ArchivedFilter, AuditTrailAdminMixin

# --- friction ---------------------------------------------------------------------------------


# The admin's fieldsets, in the order of the form.
POINT_FIELDS = (
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
PURPOSE_FIELDS = (
    "purpose_question",
    "support_asked",
    "support_requested_at",
    "support_answered_at",
    "escalated_at",
)
CLOSING_FIELDS = ("approach", "lesson_learned", "closed_at", "archived_at")


class FrictionPointAdminForm(forms.ModelForm):
    """Guards the rules whose database constraints name read-only (excluded) fields."""

    class Meta:
        model = FrictionPoint
        fields = (*POINT_FIELDS, *PURPOSE_FIELDS, *CLOSING_FIELDS, "meeting", "stale_since")

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
        (None, {"fields": POINT_FIELDS}),
        (_("Wat was ook alweer de bedoeling?"), {"fields": PURPOSE_FIELDS}),
        (_("Afronding"), {"fields": CLOSING_FIELDS}),
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
