"""The friction log in the browser: log, filter, comment, change status, close, edit,
archive and restore.

Every view works as a plain page without JavaScript (POST, redirect, GET) and returns
only the fragment to swap when htmx asks (``request.htmx``). Objects are fetched through
``projects.permissions`` so the access rules live in one place.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from projects.filters.friction import FILTER_PARAM_PREFIX
from projects.forms.conflicts import carry_version, conflict_rows
from projects.forms.friction import (
    FrictionCloseForm,
    FrictionCommentForm,
    FrictionPointEditForm,
    FrictionPointForm,
    FrictionStatusForm,
)
from projects.models import FrictionPoint
from projects.permissions import (
    Action,
    get_friction_point_for_user,
    get_project_for_user,
    project_permissions,
)
from projects.sections import friction_log_context
from projects.selectors.friction import (
    friction_point_for_detail,
    friction_point_timeline,
    friction_points_for_log,
)
from projects.services.conflicts import EditConflict
from projects.services.friction import (
    friction_point_archive,
    friction_point_change_status,
    friction_point_close,
    friction_point_comment,
    friction_point_edit,
    friction_point_log,
    friction_point_request_support,
    friction_point_restore,
)
from web.forms import add_service_errors
from web.htmx import HtmxHttpRequest, form_again

LOG_TEMPLATE = "projects/sections/friction_log.html"
LIST_TEMPLATE = "projects/friction/friction_list.html"
FORM_TEMPLATE = "projects/friction/friction_form.html"
DETAIL_TEMPLATE = "projects/friction/friction_detail.html"
EDIT_TEMPLATE = "projects/friction/friction_edit.html"
ARCHIVE_TEMPLATE = "projects/projects/archive_confirm.html"


@login_required
@require_GET
def friction_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, action=Action.VIEW)
    context = {"project": project, **friction_log_context(request, project)}
    # htmx restoring history after a cache miss needs the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, LOG_TEMPLATE + "#friction_list_response", context)
        push_url(response, _page_url_with_filters(request))
    else:
        response = render(request, LIST_TEMPLATE, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def friction_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, action=Action.CONTRIBUTE)
    data = request.POST if request.method == "POST" else None
    form = FrictionPointForm(data, project=project)
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            point = friction_point_log(
                project=project,
                author=request.user,
                title=cleaned["title"],
                severity=cleaned["severity"],
                departments=form.chosen_departments(),
                procedure=cleaned["procedure"],
                description=cleaned["description"],
                category=cleaned["category"],
                purpose_question=cleaned["purpose_question"],
                support_asked=cleaned["support_asked"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                context = {
                    "friction_project": project,
                    "point": friction_points_for_log(project=project).get(pk=point.pk),
                    "friction_form": FrictionPointForm(project=project),
                    "friction_form_inline": True,
                }
                return render(request, FORM_TEMPLATE + "#created", context)
            messages.success(request, _("Knelpunt gemeld: %(title)s") % {"title": point.title})
            return redirect(project.get_absolute_url() + "#knelpunten")
    context = {"project": project, "friction_project": project, "friction_form": form}
    if request.htmx and data is not None:
        # The inline form targets the log's rows; a form with errors replaces itself.
        context["friction_form_inline"] = True
        return form_again(request, FORM_TEMPLATE, "friction_form", context)
    return render(request, FORM_TEMPLATE, context)


@login_required
@require_GET
def friction_detail(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.VIEW)
    return render(request, DETAIL_TEMPLATE, _detail_context(request, point))


@login_required
@require_POST
def friction_comment(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.CONTRIBUTE)
    form = FrictionCommentForm(request.POST, point=point)
    if form.is_valid():
        support = form.cleaned_data.get("support_asked")
        try:
            if support:
                friction_point_request_support(
                    point=point,
                    author=request.user,
                    support=support,
                    text=form.cleaned_data["text"],
                )
            else:
                friction_point_comment(
                    point=point, author=request.user, text=form.cleaned_data["text"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("Ondersteuning gevraagd") if support else _("Reactie geplaatst")
            return _detail_done(request, point, message=message, focus="timeline")
    return _detail_again(request, point, comment_form=form, focus="comment")


@login_required
@require_POST
def friction_status(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.CONTRIBUTE)
    form = FrictionStatusForm(request.POST)
    if form.is_valid():
        old_status = point.status
        try:
            friction_point_change_status(
                point=point,
                author=request.user,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if old_status == FrictionPoint.Status.CLOSED:
                message = _("Knelpunt heropend")
            else:
                message = _("Status gewijzigd in: %(status)s") % {
                    "status": point.get_status_display()
                }
            return _detail_done(request, point, message=message, focus="status")
    return _detail_again(request, point, status_form=form, focus="status")


@login_required
@require_POST
def friction_close(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.CONTRIBUTE)
    form = FrictionCloseForm(request.POST, point=point)
    if form.is_valid():
        try:
            friction_point_close(
                point=point,
                author=request.user,
                approach=form.cleaned_data["approach"],
                lesson_learned=form.cleaned_data["lesson_learned"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _detail_done(request, point, message=_("Knelpunt gesloten"), focus="status")
    return _detail_again(request, point, close_form=form, focus="close")


@login_required
@require_http_methods(["GET", "POST"])
def friction_edit(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    """ "Knelpunt bewerken": a full page with the version the form was opened at. A save
    after someone else's change is refused; the form comes back with the text typed and,
    beside it, what is saved now."""
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.CONTRIBUTE)
    if point.is_automatic:
        raise PermissionDenied  # the friction engine keeps its flags up to date
    data = request.POST if request.method == "POST" else None
    form = FrictionPointEditForm(data, point=point)
    conflict = None
    if data is not None and form.is_valid():
        try:
            update = friction_point_edit(point=point, editor=request.user, **form.service_kwargs())
        except EditConflict as error:
            form.add_error(None, error)
            conflict = _point_conflict(form, point)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if update is None:
                messages.info(request, _("Er was niets gewijzigd."))
            else:
                messages.success(request, _("Knelpunt bijgewerkt"))
            return redirect(point.get_absolute_url())
    context = {"project": point.project, "point": point, "form": form, "conflict": conflict}
    return render(request, EDIT_TEMPLATE, context)


def _point_conflict(form: FrictionPointEditForm, point: FrictionPoint) -> list:
    current = friction_point_for_detail(point=point)
    saved = {
        "title": current.title,
        "departments": list(current.departments.all()),
        "procedure": current.procedure,
        "severity": current.severity,
        "description": current.description,
        "category": current.category,
        "purpose_question": current.purpose_question,
    }
    carry_version(form, current.version)
    return conflict_rows(form, saved=saved, yours={"departments": form.chosen_departments()})


def _archive_point(request: HtmxHttpRequest, pk: int, fp: int, *, archive: bool) -> HttpResponse:
    """Archive or restore a point in two POSTs: without ``confirm`` the confirmation (a
    page, or for htmx a box on the point's page), with ``confirm=ja`` the change."""
    point = get_friction_point_for_user(request.user, pk, fp, action=Action.ARCHIVE)
    if request.POST.get("confirm") != "ja":
        name = "projects:friction_archive" if archive else "projects:friction_restore"
        context = {
            "kind": "point",
            "archive": archive,
            "project": point.project,
            "point": point,
            "action_url": reverse(name, args=[pk, fp]),
            "cancel_url": point.get_absolute_url(),
        }
        template = ARCHIVE_TEMPLATE + "#confirm" if request.htmx else ARCHIVE_TEMPLATE
        return render(request, template, context)
    try:
        if archive:
            friction_point_archive(point=point, author=request.user)
        else:
            friction_point_restore(point=point, author=request.user)
    except ValidationError as error:
        return _detail_done(
            request, point, message=" ".join(error.messages), focus="status", level=messages.ERROR
        )
    if archive:
        message = _("Knelpunt gearchiveerd. Het staat nog in het logboek onder “Archief”.")
    else:
        message = _("Knelpunt uit het archief teruggezet")
    return _detail_done(request, point, message=message, focus="status")


@login_required
@require_POST
def friction_archive(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    return _archive_point(request, pk, fp, archive=True)


@login_required
@require_POST
def friction_restore(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    return _archive_point(request, pk, fp, archive=False)


def _detail_context(
    request: HttpRequest,
    point: FrictionPoint,
    *,
    comment_form: FrictionCommentForm | None = None,
    close_form: FrictionCloseForm | None = None,
    status_form: FrictionStatusForm | None = None,
    focus: str = "",
    message: str = "",
) -> dict[str, Any]:
    project = point.project
    permissions = project_permissions(request.user, project)
    point = friction_point_for_detail(point=point)
    point.project = project
    # An archived point is read-only, like an archived project (permissions.py).
    archived = point.archived_at is not None
    permissions = {**permissions, "contribute": permissions["contribute"] and not archived}
    contribute = permissions["contribute"]
    return {
        "project": project,
        "point": point,
        "perms": permissions,
        "may_edit_point": contribute and not point.is_automatic,
        "may_archive_point": permissions["archive"] and project.archived_at is None,
        "timeline": friction_point_timeline(point=point),
        "comment_form": comment_form or (FrictionCommentForm(point=point) if contribute else None),
        "close_form": close_form
        or (FrictionCloseForm(point=point) if contribute and point.is_open else None),
        "status_form": status_form,
        "focus": focus,
        "message": message,
    }


def _detail_done(
    request: HtmxHttpRequest,
    point: FrictionPoint,
    *,
    message: str,
    focus: str,
    level: int = messages.SUCCESS,
) -> HttpResponse:
    """After a change: the refreshed point for htmx, else back to its page."""
    if request.htmx:
        context = _detail_context(request, point, focus=focus, message=message)
        return render(request, DETAIL_TEMPLATE + "#point_response", context)
    messages.add_message(request, level, message)
    return redirect(point.get_absolute_url())


def _detail_again(
    request: HtmxHttpRequest, point: FrictionPoint, *, focus: str, **forms: Any
) -> HttpResponse:
    """A form with errors, shown again beside the rest of the point (status 200, so
    htmx swaps it in)."""
    context = _detail_context(request, point, focus=focus, **forms)
    template = DETAIL_TEMPLATE + "#point_response" if request.htmx else DETAIL_TEMPLATE
    return render(request, template, context)


def _page_url_with_filters(request: HtmxHttpRequest) -> str:
    """The address of the page the log is on, with its filter parameters replaced by the
    ones just chosen, so a reload or a shared link shows the same list."""
    try:
        current = urlsplit(request.htmx.current_url or "")
    except ValueError:  # a malformed header (e.g. "http://[::1"): use this request's page
        current = urlsplit("")
    path = current.path
    if not path.startswith("/") or path.startswith("//"):
        path = request.path
    query = QueryDict(current.query, mutable=True)
    for key in list(query):
        if key.startswith(FILTER_PARAM_PREFIX):
            del query[key]
    for key, values in request.GET.lists():
        chosen = [value for value in values if value]
        if key.startswith(FILTER_PARAM_PREFIX) and chosen:
            query.setlist(key, chosen)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path
