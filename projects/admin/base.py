"""What the admins of projects and friction points share: archive instead of delete, the
version bump, the commissioner's candidates and the departments a milestone involves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import Department, Role
from projects.models import (
    Project,
)
from projects.services.projects import (
    step_departments_involve,
)

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
