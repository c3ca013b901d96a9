"""The admin's "Geschiedenis" with the audit trail: who changed what, also outside the
admin and (on PostgreSQL) in bulk, above the admin's own log of its actions."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.paginator import Page
from django.db import models
from django.http import HttpRequest, HttpResponse

from projects.models import FrictionPoint, Interaction, Project
from projects.selectors.history import (
    friction_point_history,
    interaction_history,
    object_history,
    project_history,
)

AUDIT_PAGE_VAR = "wijzigingen"


class AuditTrailAdminMixin:
    """For the ModelAdmin of a tracked model: its history view (the "Geschiedenis" button
    on the change page) shows the object's events, paginated by ``?wijzigingen=N``. A
    project's shows those of everything on it too (see ``project_history``), a friction
    point's its timeline entries, a contact moment's who took part and its follow-ups."""

    object_history_template = "admin/audit_trail.html"

    def audit_trail(self, request: HttpRequest, obj: models.Model, page: str | None) -> Page:
        viewer = request.user
        if isinstance(obj, Project):
            return project_history(project=obj, viewer=viewer, page=page)
        if isinstance(obj, FrictionPoint):
            return friction_point_history(point=obj, viewer=viewer, page=page)
        if isinstance(obj, Interaction):
            return interaction_history(interaction=obj, viewer=viewer, page=page)
        return object_history(obj, viewer=viewer, page=page)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        extra: dict[str, Any] = {"audit_page_var": AUDIT_PAGE_VAR, **(extra_context or {})}
        # Permission and existence are checked by the admin's view; without them: no trail.
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra["audit_trail"] = self.audit_trail(request, obj, request.GET.get(AUDIT_PAGE_VAR))
        return super().history_view(request, object_id, extra_context=extra)
