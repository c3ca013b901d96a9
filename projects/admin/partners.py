"""The admin of the outside's contact moments, their participants and follow-ups, and
agreements."""

from __future__ import annotations

from django.contrib import admin

from projects.models import (
    Agreement,
    FollowUp,
    Interaction,
    InteractionParticipant,
)
from web.admin import AuditTrailAdminMixin


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
