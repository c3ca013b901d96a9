"""A project's "Geschiedenis": who changed what and when (the audit trail)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from projects.permissions import get_project_for_user
from projects.selectors.history import project_history
from web.pagination import pager


@require_GET
@login_required
def project_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever may see the project may read its history (a 404 for anyone else)."""
    project = get_project_for_user(request.user, pk)
    page = project_history(project=project, viewer=request.user, page=request.GET.get("page"))
    context = {
        "project": project,
        "page": page,
        "pager": pager(request, page, label=_("Paginering")),
    }
    return render(request, "projects/history/history.html", context)
