"""The admin of the outside: external parties and their contact persons."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact, Stakeholder


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "role", "email", "phone")
    extra = 0
    show_change_link = True


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "website", "contact_count", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "description", "contacts__name")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "kind", "website", "description")}),
        (_("Registratie"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (ContactInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stakeholder]:
        return super().get_queryset(request).annotate(num_contacts=Count("contacts"))

    @admin.display(description=_("contactpersonen"), ordering="num_contacts")
    def contact_count(self, obj: Stakeholder) -> int:
        return obj.num_contacts


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "stakeholder", "role", "email", "phone", "created_at")
    list_filter = ("stakeholder__kind",)
    list_select_related = ("stakeholder",)
    search_fields = ("name", "email", "role", "stakeholder__name")
    autocomplete_fields = ("stakeholder",)
    readonly_fields = ("created_at",)
