"""The register of external parties: list, a party's page, search-as-you-type and adding a
party while registering a project."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails

from stakeholders import selectors
from stakeholders.forms import StakeholderCreateForm, StakeholderFilterForm
from stakeholders.models import Stakeholder
from stakeholders.services import stakeholder_create


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


PAGE_SIZE = 25
# Element ids the search and create fragments point back to (a select in the project form).
_ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")


def _element_id(value: str | None) -> str:
    return value if value and _ELEMENT_ID.match(value) else ""


def _is_partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
@login_required
def stakeholder_list(request: HtmxHttpRequest) -> HttpResponse:
    form = StakeholderFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    queryset = selectors.stakeholder_list(
        user=request.user, text=data.get("q", ""), kind=data.get("kind", "")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "partial": _is_partial(request),
        "may_add": selectors.may_add_stakeholders(request.user),
    }
    template = "stakeholders/stakeholder_list.html"
    if context["partial"]:
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def stakeholder_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    stakeholder = get_object_or_404(selectors.stakeholder_detail_queryset(), pk=pk)
    context = {
        "stakeholder": stakeholder,
        "contacts": stakeholder.contacts.all(),
        "show_contact_details": selectors.may_see_contact_details(
            user=request.user, stakeholder=stakeholder
        ),
        "involvements": selectors.stakeholder_projects(user=request.user, stakeholder=stakeholder),
    }
    return render(request, "stakeholders/stakeholder_detail.html", context)


@require_GET
@login_required
def stakeholder_search(request: HtmxHttpRequest) -> HttpResponse:
    """Matches for a search box as you type: a short list to choose from (htmx), or a
    small page of links without JavaScript."""
    text = request.GET.get("q", "").strip()[:200]
    context = {
        "text": text,
        "matches": selectors.stakeholder_search(text),
        "too_short": len(text) < selectors.SEARCH_MIN_LENGTH,
        "min_length": selectors.SEARCH_MIN_LENGTH,
        "target": _element_id(request.GET.get("target")),
    }
    template = "stakeholders/stakeholder_search.html"
    if _is_partial(request):
        template += "#matches"
    return render(request, template, context)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
@login_required
def stakeholder_create_inline(request: HtmxHttpRequest) -> HttpResponse:
    """Add a party by name and kind. From the project form (htmx) the answer is a fragment
    that picks the new party in the partner row; a duplicate name is refused beside the
    field, offering the existing party. Without JavaScript it is a small page of its own."""
    if not selectors.may_add_stakeholders(request.user):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    context = {
        "target": _element_id(source.get("target")),
        "prefix": _element_id(source.get("prefix")),
        "next": _safe_next(request),
        "kinds": Stakeholder.Kind.choices,
    }
    form = StakeholderCreateForm(request.POST if request.method == "POST" else None)
    created: Stakeholder | None = None
    if form.is_bound and form.is_valid():
        try:
            created = stakeholder_create(
                name=form.cleaned_data["name"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            form.existing = selectors.stakeholder_by_name(form.data.get("name", ""))
    context["form"] = form
    template = "stakeholders/stakeholder_create.html"
    if created is not None:
        if _is_partial(request):
            context["created"] = created
            return render(request, template + "#created", context)
        messages.success(
            request, _("Externe partij “%(name)s” is toegevoegd.") % {"name": created.name}
        )
        if context["next"]:
            return redirect(context["next"])
        return redirect("stakeholders:detail", pk=created.pk)
    if _is_partial(request):
        return render(request, template + "#inline", context)
    return render(request, template, context)
