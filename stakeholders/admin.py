"""The admin of the outside: external parties and their contact persons.

Parties are archived, never deleted here: no delete permission, and "archive"/"restore"
actions that go through the services. An archived party is read-only, its contact
persons too (erasing them stays possible: that is a person's right).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact, Stakeholder
from stakeholders.services import stakeholder_archive, stakeholder_restore


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


def _archived(obj: Any) -> bool:
    return isinstance(obj, Stakeholder) and obj.is_archived


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "role", "email", "phone")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _archived(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _archived(obj) and super().has_change_permission(request, obj)


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "website", "contact_count", "archived_at", "updated_at")
    list_filter = (ArchivedFilter, "kind")
    search_fields = ("name", "description", "contacts__name")
    readonly_fields = ("created_at", "updated_at", "archived_at")
    fieldsets = (
        (None, {"fields": ("name", "kind", "website", "description")}),
        (
            _("Registratie"),
            {"fields": ("created_at", "updated_at", "archived_at"), "classes": ("collapse",)},
        ),
    )
    inlines = (ContactInline,)
    actions = ("archive_selected", "restore_selected")
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stakeholder]:
        return super().get_queryset(request).annotate(num_contacts=Count("contacts"))

    @admin.display(description=_("contactpersonen"), ordering="num_contacts")
    def contact_count(self, obj: Stakeholder) -> int:
        return obj.num_contacts

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting would take the contact persons with it; archive instead.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _archived(obj) and super().has_change_permission(request, obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # The autocomplete of other admins (a new involvement, contact person, ...) is a
        # picker: archived parties are not offered there.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset, may_have_duplicates

    def _each(self, request: HttpRequest, queryset: QuerySet, *, archive: bool) -> None:
        done = 0
        for party in queryset.filter(archived_at__isnull=archive):
            try:
                if archive:
                    stakeholder_archive(stakeholder=party, actor=request.user)
                else:
                    stakeholder_restore(stakeholder=party, actor=request.user)
            except ValidationError:
                continue  # archived or restored meanwhile
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


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "stakeholder", "role", "email", "phone", "created_at")
    list_filter = ("stakeholder__kind",)
    list_select_related = ("stakeholder",)
    search_fields = ("name", "email", "role", "stakeholder__name")
    autocomplete_fields = ("stakeholder",)
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if isinstance(obj, Contact) and obj.stakeholder.is_archived:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "stakeholder":
            kwargs["queryset"] = Stakeholder.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
