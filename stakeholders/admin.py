"""The admin of the outside: external parties and their contact persons.

Parties are archived, never deleted here: no delete permission, and "archive"/"restore"
actions that go through the services. An archived party is read-only, its contact
persons too (erasing them stays possible: that is a person's right).

Two parties that are one can be merged, and a contact person's data exported (a request
to see it) or erased: what other apps hold about them comes in through
``stakeholders.extensions`` (the merge and the export are offered once an app registered
them; ``projects`` does). Contact persons show their audit trail under "Geschiedenis".
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stakeholders import extensions
from stakeholders.erasure import contact_erase
from stakeholders.models import Contact, Stakeholder
from stakeholders.services import stakeholder_archive, stakeholder_restore
from web.admin import ArchiveActionsMixin, ArchivedFilter, AuditTrailAdminMixin

MERGE_TEMPLATE = "admin/stakeholders/merge.html"
ERASE_TEMPLATE = "admin/stakeholders/contact_erase.html"


def _archived(obj: Any) -> bool:
    return isinstance(obj, Stakeholder) and obj.is_archived


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "role", "email", "phone")
    extra = 0
    show_change_link = True
    # Removing a person goes through "Persoonsgegevens wissen", which keeps the contact
    # moments intact and scrubs the name from the history.
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _archived(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _archived(obj) and super().has_change_permission(request, obj)


@admin.register(Stakeholder)
class StakeholderAdmin(ArchiveActionsMixin, admin.ModelAdmin):
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
    actions = ("archive_selected", "restore_selected", "merge_two")
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

    @staticmethod
    def archive_service(party: Stakeholder, actor: Any) -> None:
        stakeholder_archive(stakeholder=party, actor=actor)

    @staticmethod
    def restore_service(party: Stakeholder, actor: Any) -> None:
        stakeholder_restore(stakeholder=party, actor=actor)

    # --- merging two parties (an action, and a page the party page links to) ---------------

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
        return extensions.can_merge_parties() and self.has_change_permission(request) and may_delete

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
                result = extensions.party_merge(keep=keep, remove=remove, actor=request.user)
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


@admin.register(Contact)
class ContactAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    """Contact persons, with a person's rights: export everything stored about them
    (JSON) and erase them (contact moments keep a "verwijderde persoon")."""

    list_display = ("name", "stakeholder", "role", "email", "phone", "created_at")
    list_filter = ("stakeholder__kind",)
    list_select_related = ("stakeholder",)
    search_fields = ("name", "email", "role", "stakeholder__name")
    autocomplete_fields = ("stakeholder",)
    readonly_fields = ("created_at",)
    actions = ("export_data", "erase_data")
    change_form_template = "admin/stakeholders/contact/change_form.html"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if isinstance(obj, Contact) and obj.stakeholder.is_archived:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "stakeholder":
            kwargs["queryset"] = Stakeholder.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_actions(
        self,
        request: HttpRequest,
        action_location: admin.ActionLocation = admin.ActionLocation.CHANGE_LIST,
    ) -> dict:
        actions = super().get_actions(request, action_location=action_location)
        # A plain delete would skip the erasure's bookkeeping: offer "wissen" instead.
        actions.pop("delete_selected", None)
        if not extensions.can_export_contacts():
            actions.pop("export_data", None)
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
        exports = [
            extensions.contact_export(contact=contact, actor=request.user) for contact in contacts
        ]
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
        # Contact moments by the reverse relation's name: this leaf does not import them.
        counts = dict(
            Contact.objects.filter(pk__in=[contact.pk for contact in contacts])
            .annotate(total=Count("interaction_participations"))
            .values_list("pk", "total")
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
        if not self.has_view_permission(request) or not extensions.can_export_contacts():
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
