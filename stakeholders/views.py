"""The register of external parties: list, a party's page, its contact persons,
search-as-you-type, adding a party (with look-alike names offered first), and archiving
and restoring a party (parties are archived, never deleted).

The party's page shows what this leaf app owns (the party and its contact persons); the
sections about projects, contact moments, agreements and friction are added by the app
that owns them through ``stakeholders.extensions``.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stakeholders import extensions, selectors, services
from stakeholders.forms import ContactForm, StakeholderCreateForm, StakeholderFilterForm
from stakeholders.models import Contact, Stakeholder
from stakeholders.services import contact_create, contact_update, stakeholder_create
from stakeholders.similarity import similar_stakeholders
from web.archiving import ArchiveStep, archive_or_restore
from web.forms import add_service_errors
from web.htmx import HtmxHttpRequest, form_again, is_partial
from web.pagination import pager
from web.redirects import safe_next
from web.text import search_text

PAGE_SIZE = 25
DETAIL_TEMPLATE = "stakeholders/stakeholder_detail.html"
CONTACT_TEMPLATE = "stakeholders/contact_form.html"
ARCHIVE_TEMPLATE = "stakeholders/stakeholder_archive.html"
# Element ids the search and create fragments point back to (a select in the project form).
_ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")


def _element_id(value: str | None) -> str:
    return value if value and _ELEMENT_ID.match(value) else ""


@require_GET
@login_required
def stakeholder_list(request: HtmxHttpRequest) -> HttpResponse:
    form = StakeholderFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    queryset = selectors.stakeholder_list(
        user=request.user,
        today=timezone.localdate(),
        text=data.get("q", ""),
        kind=data.get("kind", ""),
        projects=data.get("projects", ""),
        contact=data.get("contact", ""),
        sort=data.get("sort", ""),
        archive=data.get("archive", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "pager": pager(request, page, label=_("Paginering")),
        "partial": is_partial(request),
        "may_add": extensions.may_add_parties(request.user),
    }
    template = "stakeholders/stakeholder_list.html"
    if context["partial"]:
        template += "#results"
    return render(request, template, context)


def _party(pk: int) -> Stakeholder:
    return get_object_or_404(selectors.stakeholder_detail_queryset(), pk=pk)


@require_GET
@login_required
def stakeholder_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    stakeholder = _party(pk)
    contacts = list(stakeholder.contacts.all())
    show_details = selectors.may_see_contact_details(user=request.user, stakeholder=stakeholder)
    editable = show_details and not stakeholder.is_archived
    party_page = extensions.PartyPage(
        stakeholder=stakeholder, contacts=contacts, show_contact_details=show_details
    )
    context = {
        "stakeholder": stakeholder,
        "contacts": contacts if show_details else [],
        "contact_count": len(contacts),
        "show_contact_details": show_details,
        "contacts_editable": editable,
        "contact_form": ContactForm() if editable else None,
        "is_administrator": extensions.is_administrator(request.user),
        # The same people who keep its contact persons; no extra query.
        "may_manage": show_details,
        "sections": extensions.render_party_sections(request, party_page),
    }
    return render(request, DETAIL_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@login_required
def contact_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a contact person, for staff who work with the party and Beheerders: inline on
    the party's page (htmx: a new row), or as a small page of its own without JavaScript."""
    stakeholder = _party(pk)
    if not selectors.may_edit_contacts(user=request.user, stakeholder=stakeholder):
        raise PermissionDenied
    form = ContactForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            contact = contact_create(stakeholder=stakeholder, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if is_partial(request):
                context = {
                    "stakeholder": stakeholder,
                    "contact": contact,
                    "contact_form": ContactForm(),
                    "show_contact_details": True,
                    "contacts_editable": True,
                    "is_administrator": extensions.is_administrator(request.user),
                }
                return render(request, DETAIL_TEMPLATE + "#contact_added", context)
            messages.success(
                request, _("Contactpersoon %(name)s is toegevoegd.") % {"name": contact.name}
            )
            return redirect(f"{_detail_url(stakeholder)}#contactpersonen")
    context = {"stakeholder": stakeholder, "contact_form": form, "contact": None}
    if is_partial(request) and form.is_bound:
        return form_again(request, DETAIL_TEMPLATE, "contact_form", context)
    return render(request, CONTACT_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@login_required
def contact_edit(request: HtmxHttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    stakeholder = _party(pk)
    if not selectors.may_edit_contacts(user=request.user, stakeholder=stakeholder):
        raise PermissionDenied
    contact = get_object_or_404(Contact, pk=contact_pk, stakeholder=stakeholder)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=Contact(
            stakeholder=stakeholder,
            name=contact.name,
            role=contact.role,
            email=contact.email,
            phone=contact.phone,
        ),
    )
    if form.is_bound and form.is_valid():
        try:
            contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Contactpersoon %(name)s is bijgewerkt.") % {"name": contact.name}
            )
            return redirect(f"{_detail_url(stakeholder)}#contactpersonen")
    context = {"stakeholder": stakeholder, "contact_form": form, "contact": contact}
    return render(request, CONTACT_TEMPLATE, context)


# --- archive instead of delete -------------------------------------------------------------


def _archive_view(request: HtmxHttpRequest, pk: int, *, archive: bool) -> HttpResponse:
    """Archive or restore, in two POSTs: without ``confirm`` the confirmation page (no
    JavaScript needed, nothing changes), with ``confirm=ja`` the change, then back to the
    party's page with a message (htmx: a client-side redirect to it)."""
    stakeholder = _party(pk)
    if not selectors.may_manage_party(user=request.user, stakeholder=stakeholder):
        raise PermissionDenied
    if archive:
        step = ArchiveStep(
            run=lambda: services.stakeholder_archive(stakeholder=stakeholder, actor=request.user),
            message=_(
                "De partij staat nu in het archief. Je kunt haar lezen, maar niet "
                "wijzigen; in de lijst vind je haar onder “Gearchiveerde partijen”."
            ),
        )
    else:
        step = ArchiveStep(
            run=lambda: services.stakeholder_restore(stakeholder=stakeholder, actor=request.user),
            message=_("De partij is uit het archief teruggezet."),
        )
    name = "stakeholders:archive" if archive else "stakeholders:restore"
    context = {
        "stakeholder": stakeholder,
        "archive": archive,
        "action_url": reverse(name, args=[pk]),
    }
    return archive_or_restore(
        request,
        step=step,
        template=ARCHIVE_TEMPLATE,
        context=context,
        back_url=_detail_url(stakeholder),
    )


@require_POST
@login_required
def stakeholder_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=True)


@require_POST
@login_required
def stakeholder_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=False)


def _detail_url(stakeholder: Stakeholder) -> str:
    return reverse("stakeholders:detail", args=[stakeholder.pk])


@require_GET
@login_required
def stakeholder_search(request: HtmxHttpRequest) -> HttpResponse:
    """Matches for a search box as you type: a short list to choose from (htmx), or a
    small page of links without JavaScript. Names that merely resemble the text (typos,
    accents, "B.V.") follow the names that contain it. ``name`` is accepted for ``q``
    so the name box of the create page can ask too."""
    text = search_text(request.GET.get("q") or request.GET.get("name"))
    target = _element_id(request.GET.get("target"))
    context = {
        "text": text,
        # With a target it picks a party for a new involvement: not an archived one.
        "matches": selectors.stakeholder_search(text, archived=not target),
        "too_short": len(text) < selectors.SEARCH_MIN_LENGTH,
        "min_length": selectors.SEARCH_MIN_LENGTH,
        "target": target,
    }
    template = "stakeholders/stakeholder_search.html"
    if is_partial(request):
        template += "#matches"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def stakeholder_create_inline(request: HtmxHttpRequest) -> HttpResponse:
    """Add a party by name and kind. From the project form (htmx) the answer is a fragment
    that picks the new party in the partner row; a duplicate name is refused beside the
    field, offering the existing party, and a look-alike name offers the parties it
    resembles until the person confirms it is another party. Without JavaScript it is a
    small page of its own."""
    if not extensions.may_add_parties(request.user):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    context = {
        "target": _element_id(source.get("target")),
        "prefix": _element_id(source.get("prefix")),
        "next": safe_next(request),
        "kinds": Stakeholder.Kind.choices,
    }
    form = StakeholderCreateForm(request.POST if request.method == "POST" else None)
    created: Stakeholder | None = None
    if form.is_bound and form.is_valid():
        try:
            created = stakeholder_create(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                allow_similar=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            name = form.data.get("name", "")
            form.existing = selectors.stakeholder_by_name(name)
            form.similar = similar_stakeholders(name, archived=False)
    context["form"] = form
    template = "stakeholders/stakeholder_create.html"
    if created is not None:
        if is_partial(request):
            context["created"] = created
            return render(request, template + "#created", context)
        messages.success(
            request, _("Externe partij “%(name)s” is toegevoegd.") % {"name": created.name}
        )
        if context["next"]:
            return redirect(context["next"])
        return redirect("stakeholders:detail", pk=created.pk)
    if is_partial(request):
        return render(request, template + "#inline", context)
    return render(request, template, context)
