"""The department inbox (home of an Afdelingshoofd): friction involving their departments
or its procedures, where they think along, propose an approach and record what their
procedures are meant to achieve.

Thinking along and proposing never close a point: that stays with the project's
contributors. Everything works as plain forms; with htmx a card or a row swaps in place.
"""

from __future__ import annotations

from typing import Final

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.models import Procedure
from projects.filters.inbox import InboxFilter
from projects.forms.inbox import ProcedurePurposeForm, ThinkAlongForm
from projects.models import FrictionPoint
from projects.permissions import (
    can_edit_procedure_purpose,
    can_think_along,
    get_friction_point_for_user,
    may_use_inbox,
)
from projects.selectors.inbox import (
    inbox_cards,
    inbox_friction,
    inbox_page,
    procedures_headed_by,
    procedures_with_open_friction,
)
from projects.services.support import (
    friction_point_think_along,
    procedure_purpose_set,
)
from web.forms import add_service_errors
from web.htmx import HtmxHttpRequest, render_page_or_partial
from web.pagination import pager

TEMPLATE: Final = "projects/inbox/inbox.html"
THINK_ALONG_TEMPLATE: Final = "projects/inbox/think_along.html"
PER_PAGE: Final = 10


@require_GET
@login_required
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    if not may_use_inbox(request.user):
        raise PermissionDenied
    filterset = InboxFilter(
        request.GET, queryset=inbox_friction(user=request.user), user=request.user
    )
    page, counts = inbox_page(filterset.qs, number=request.GET.get("page"), per_page=PER_PAGE)
    for point in page.object_list:
        point.think_form = ThinkAlongForm(point=point)
    procedures = list(procedures_headed_by(user=request.user))
    for procedure in procedures:
        procedure.purpose_form = ProcedurePurposeForm(procedure=procedure)
    context = {
        "filter": filterset,
        "counts": counts,
        "page": page,
        "pager": pager(
            request, page, param="page", label=_("Paginering inbox"), target="#inbox-results"
        ),
        "procedures": procedures,
    }
    return render_page_or_partial(request, TEMPLATE, "results", context)


@require_POST
@login_required
def think_along(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    point = get_friction_point_for_user(request.user, pk, fp)
    if not can_think_along(request.user, point):
        raise PermissionDenied
    form = ThinkAlongForm(request.POST, point=point)
    if form.is_valid():
        try:
            friction_point_think_along(
                point=point,
                author=request.user,
                text=form.cleaned_data["text"],
                proposal=form.cleaned_data.get("proposal", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = (
                _("Je voorstel staat op de tijdlijn van het knelpunt.")
                if form.cleaned_data.get("proposal")
                else _("Je reactie staat op de tijdlijn van het knelpunt.")
            )
            if request.htmx:
                return _item(request, point, message=message)
            messages.success(request, message)
            return redirect(reverse("projects:inbox") + f"#inbox-{point.pk}")
    if request.htmx:
        return _item(request, point, form=form)
    point.think_form = form
    return render(request, THINK_ALONG_TEMPLATE, {"point": point})


@require_POST
@login_required
def procedure_purpose(request: HtmxHttpRequest, procedure_pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("department"), pk=procedure_pk)
    if not can_edit_procedure_purpose(request.user, procedure):
        raise PermissionDenied
    form = ProcedurePurposeForm(request.POST, procedure=procedure)
    message = ""
    if form.is_valid():
        try:
            procedure_purpose_set(procedure=procedure, purpose=form.cleaned_data["purpose"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("De bedoeling van %(name)s is opgeslagen.") % {"name": procedure.name}
            if not request.htmx:
                messages.success(request, message)
                return redirect(reverse("projects:inbox") + f"#procedure-{procedure.pk}")
            form = ProcedurePurposeForm(procedure=procedure)
    if request.htmx:
        # A Beheerder may edit any procedure's purpose, not only those of a department
        # they head.
        procedure.open_friction = (
            procedures_with_open_friction(
                user=request.user, procedures=Procedure.objects.filter(pk=procedure.pk)
            )
            .get()
            .open_friction
        )
        procedure.purpose_form = form
        return render(
            request, TEMPLATE + "#procedure_row", {"procedure": procedure, "message": message}
        )
    # Without JavaScript a form with errors comes back on the inbox itself.
    messages.error(request, " ".join(form.errors.get("purpose", [])))
    return redirect(reverse("projects:inbox") + f"#procedure-{procedure.pk}")


def _item(
    request: HttpRequest, point: FrictionPoint, *, message: str = "", form: Form | None = None
) -> HttpResponse:
    # The point as the inbox shows it (an archived one is no longer there: show it as is).
    fresh = inbox_cards(inbox_friction(user=request.user).filter(pk=point.pk)).first() or point
    fresh.think_form = form or ThinkAlongForm(point=fresh)
    return render(request, TEMPLATE + "#item", {"point": fresh, "message": message})
