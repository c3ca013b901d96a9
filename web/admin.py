"""Pieces every app's admin shares: the "gearchiveerd" filter, the archive and restore
actions, and "Geschiedenis" with the audit trail.

The trail is read by whichever app registers it with ``register_audit_trail`` from its
``AppConfig.ready()`` (``projects`` does: it knows whose contact details a viewer may
see). Without one, "Geschiedenis" is Django's own log of the admin's actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AUDIT_PAGE_VAR = "wijzigingen"

# ``trail(obj, viewer=..., page=...)``: one page of the object's recorded changes.
AuditTrail = Callable[..., Page]
_audit_trail: list[AuditTrail] = []


def register_audit_trail(trail: AuditTrail) -> None:
    """Set the reader of the audit trail (again in a second ``ready()``: it replaces)."""
    _audit_trail[:] = [trail]


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


class ArchiveActionsMixin:
    """ "Archiveren (niet verwijderen)" and "Uit het archief terugzetten" as actions that go
    through the services, so the history and the security log say who did it. The admin
    names them: ``archive_service(obj, actor)`` and ``restore_service(obj, actor)``."""

    actions = ("archive_selected", "restore_selected")
    archive_service: Callable[[Any, Any], object]
    restore_service: Callable[[Any, Any], object]

    def _each(self, request: HttpRequest, queryset: QuerySet, *, archive: bool) -> None:
        done = 0
        for obj in queryset.filter(archived_at__isnull=archive):
            try:
                (self.archive_service if archive else self.restore_service)(obj, request.user)
            except ValidationError:
                continue  # archived or restored meanwhile
            done += 1
        message = (
            gettext("%(count)d gearchiveerd; niets is verwijderd.")
            if archive
            else gettext("%(count)d uit het archief teruggezet.")
        )
        self.message_user(request, message % {"count": done}, messages.SUCCESS)  # type: ignore[attr-defined]

    @admin.action(description=_("Archiveren (niet verwijderen)"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, archive=True)

    @admin.action(description=_("Uit het archief terugzetten"), permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, archive=False)


class AuditTrailAdminMixin:
    """For the ModelAdmin of a tracked model: its history view (the "Geschiedenis" button
    on the change page) shows the object's recorded changes, paginated by
    ``?wijzigingen=N``, above the admin's own log of its actions."""

    object_history_template = "admin/audit_trail.html"

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        extra: dict[str, Any] = {"audit_page_var": AUDIT_PAGE_VAR, **(extra_context or {})}
        # Permission and existence are checked by the admin's view; without them: no trail.
        if (
            _audit_trail
            and isinstance(obj, models.Model)
            and self.has_view_or_change_permission(request, obj)  # type: ignore[attr-defined]
        ):
            extra["audit_trail"] = _audit_trail[0](
                obj, viewer=request.user, page=request.GET.get(AUDIT_PAGE_VAR)
            )
        return super().history_view(request, object_id, extra_context=extra)  # type: ignore[misc]
