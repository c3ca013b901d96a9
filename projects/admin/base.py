"""What the admins of projects and friction points share: archive instead of delete, the
version bump, the commissioner's candidates and the departments a milestone involves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
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
from web.admin import ArchiveActionsMixin

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


class ArchiveInsteadOfDeleteMixin(ArchiveActionsMixin):
    """Projects and friction points are archived, never deleted (nothing gets lost): no
    delete permission, and the archive and restore actions."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
