"""The outside on the project pages and the party pages: contact moments with follow-ups,
agreements (and "Maak mijlpaal"), the party page's project sections and the portfolio
power/interest grid.

Every form works as a plain page without JavaScript (POST, redirect, GET) and answers
htmx with only the fragment to swap. Projects are fetched through
``projects.permissions``; the sections these pages share, and those of the party page,
are built in ``projects.sections`` (``party_sections`` is what ``ProjectsConfig.ready()``
registers with ``stakeholders.extensions``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.forms.partners import (
    AgreementForm,
    AgreementStatusForm,
    FollowUpDoneForm,
    InteractionForm,
    PortfolioForm,
)
from projects.models import (
    Agreement,
    DepartmentInvolvement,
    FollowUp,
    Project,
    StakeholderInvolvement,
)
from projects.permissions import (
    Action,
    get_project_for_user,
    is_administrator,
    may_log_party_contact,
    may_see_portfolio,
    may_update_follow_up,
    project_permissions,
)
from projects.sections import (
    interaction_form,
    label_party_interactions,
    party_inputs,
    party_interactions,
    project_inputs,
)
from projects.selectors.partners import (
    PORTFOLIO_POINTS_SHOWN,
    ContactVisibility,
    agreement_queryset,
    commissioners,
    contact_visibility,
    interaction_queryset,
    interactions_for_project,
    label_participants,
    party_involvements,
    portfolio_description,
    portfolio_grid,
    portfolio_projects,
    portfolio_rows,
)
from projects.services.partners import (
    FollowUpInput,
    agreement_make_milestone,
    agreement_record,
    agreement_set_status,
    follow_up_set_done,
    interaction_log,
)
from stakeholders.extensions import PartyPage
from stakeholders.models import Stakeholder
from stakeholders.selectors import may_see_contact_details
from web.forms import add_service_errors
from web.htmx import HtmxHttpRequest, form_again, is_partial
from web.pagination import pager
from web.redirects import safe_next

INTERACTIONS_TEMPLATE = "projects/sections/interactions.html"
AGREEMENTS_TEMPLATE = "projects/sections/agreements.html"
INTERACTION_PAGE = "projects/partners/interaction_form.html"
AGREEMENT_PAGE = "projects/partners/agreement_form.html"
LIST_PAGE = "projects/partners/interaction_list.html"
PORTFOLIO_PAGE = "projects/partners/portfolio_grid.html"
LIST_PAGE_SIZE = 25
PORTFOLIO_PAGE_SIZE = 50


# --- what the forms offer ------------------------------------------------------------------


def _project_with_people() -> QuerySet[Project]:
    """A project with its parties and the people of its departments, for the forms."""
    return Project.objects.select_related("leader", "commissioner").prefetch_related(
        Prefetch(
            "stakeholder_involvements",
            queryset=StakeholderInvolvement.objects.select_related("stakeholder").order_by(
                "stakeholder__name"
            ),
        ),
        Prefetch(
            "department_involvements",
            queryset=DepartmentInvolvement.objects.select_related("department__head"),
        ),
    )


def _project_to_contribute(request: HttpRequest, pk: int) -> Project:
    """The project, with its people for the forms, for someone who may contribute to it."""
    return get_project_for_user(
        request.user, pk, action=Action.CONTRIBUTE, queryset=_project_with_people()
    )


# --- the project page ----------------------------------------------------------------------


# --- the party page (a stakeholders.extensions section) ------------------------------------------


def _party_page(request: HttpRequest, pk: int) -> PartyPage:
    stakeholder = get_object_or_404(Stakeholder.objects.prefetch_related("contacts"), pk=pk)
    return PartyPage(
        stakeholder=stakeholder,
        contacts=list(stakeholder.contacts.all()),
        show_contact_details=may_see_contact_details(user=request.user, stakeholder=stakeholder),
    )


# --- contact moments -----------------------------------------------------------------------


def _follow_ups(form: InteractionForm) -> list[FollowUpInput]:
    cleaned = form.cleaned_data
    if not cleaned.get("follow_up"):
        return []
    return [
        FollowUpInput(
            description=cleaned["follow_up"],
            owner=cleaned["follow_up_owner"],
            due_date=cleaned["follow_up_due"],
        )
    ]


@dataclass(frozen=True)
class _Record:
    """What a create view for contact moments or agreements answers with: the section
    template and its fragments, the form's name in the context, the page of its own (the
    form without JavaScript) and the anchor of the section on the page it came from."""

    name: str  # "interaction" or "agreement"
    section_template: str
    page: str
    anchor: str

    def form_context(self, url_name: str, pk: int, back_url: str, heading: str) -> dict:
        return {
            f"{self.name}_form_action": reverse(f"projects:{url_name}", args=[pk]),
            "back_url": back_url,
            "heading_name": heading,
        }


INTERACTION = _Record("interaction", INTERACTIONS_TEMPLATE, INTERACTION_PAGE, "#contactmomenten")
AGREEMENT = _Record("agreement", AGREEMENTS_TEMPLATE, AGREEMENT_PAGE, "#afspraken")


def _record_response(
    request: HtmxHttpRequest,
    record: _Record,
    *,
    form: forms.Form,
    fresh_form: Callable[[], forms.Form],
    save: Callable[[dict[str, Any]], Any],
    created: Callable[[Any], dict[str, Any]],
    message: Callable[[Any], str],
    context: dict[str, Any],
    success_url: str,
) -> HttpResponse:
    """Save from a valid form, then answer: the new item for htmx (with a fresh form and
    the message out of band), or back to the page. A form with errors comes back beside
    its fields (htmx: it replaces itself; without JavaScript: a page of its own)."""
    form_key = f"{record.name}_form"
    if form.is_bound and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if is_partial(request):
                context = {**context, **created(saved), form_key: fresh_form()}
                fragment = f"{record.section_template}#{record.name}_created"
                return render(request, fragment, context)
            messages.success(request, message(saved))
            return redirect(success_url + record.anchor)
    context = {**context, form_key: form}
    if is_partial(request) and form.is_bound:
        return form_again(request, record.section_template, form_key, context)
    return render(request, record.page, context)


def _interaction_response(
    request: HtmxHttpRequest,
    *,
    form: InteractionForm,
    fresh_form: Callable[[], InteractionForm],
    project: Project | None,
    stakeholder: Stakeholder | None,
    context: dict[str, Any],
    success_url: str,
) -> HttpResponse:
    def save(cleaned: dict[str, Any]) -> Any:
        return interaction_log(
            author=request.user,
            stakeholder=stakeholder if stakeholder is not None else cleaned["stakeholder"],
            project=project if project is not None else cleaned.get("project"),
            kind=cleaned["kind"],
            date=cleaned["date"],
            summary=cleaned["summary"],
            contacts=cleaned.get("contacts") or [],
            staff=cleaned.get("staff") or [],
            follow_ups=_follow_ups(form),
        )

    def created(interaction: Any) -> dict[str, Any]:
        item = interaction_queryset().get(pk=interaction.pk)
        visibility = ContactVisibility(everything=True, party_ids=frozenset())
        label_participants([item], visibility)
        item.contributable = True
        return {"interaction": item}

    return _record_response(
        request,
        INTERACTION,
        form=form,
        fresh_form=fresh_form,
        save=save,
        created=created,
        message=lambda interaction: (
            _("Contactmoment vastgelegd met %(party)s.") % {"party": interaction.stakeholder.name}
        ),
        context=context,
        success_url=success_url,
    )


@require_http_methods(["GET", "POST"])
@login_required
def interaction_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log a contact moment on a project (contributors of the project)."""
    project = _project_to_contribute(request, pk)
    inputs = project_inputs(project)
    data = request.POST if request.method == "POST" else None
    context = {
        "partners_project": project,
        "partners_scope": "project",
        **INTERACTION.form_context(
            "interaction_create", project.pk, project.get_absolute_url(), project.title
        ),
    }
    form = interaction_form(request, inputs, data)
    return _interaction_response(
        request,
        form=form,
        fresh_form=lambda: interaction_form(request, inputs),
        project=project,
        stakeholder=None,
        context=context,
        success_url=project.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@login_required
def party_interaction_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log a contact moment from a party's page: on one of its projects the user may
    contribute to, or with the party as such (Projectleider, Bureauhoofd, Beheerder)."""
    page = _party_page(request, pk)
    if page.stakeholder.is_archived:  # read-only, as an archived project is
        raise PermissionDenied
    involvements = list(party_involvements(user=request.user, stakeholder=page.stakeholder))
    inputs = party_inputs(page, involvements)
    allow_no_project = may_log_party_contact(request.user)
    if not inputs["projects"] and not allow_no_project:
        raise PermissionDenied

    def fresh_form(data: Any = None) -> InteractionForm:
        return InteractionForm(
            data,
            user=request.user,
            contacts=inputs["contacts"],
            staff=inputs["staff"],
            projects=inputs["projects"],
            allow_no_project=allow_no_project,
        )

    url = reverse("stakeholders:detail", args=[page.stakeholder.pk])
    context = {
        "stakeholder": page.stakeholder,
        "partners_scope": "party",
        **INTERACTION.form_context(
            "party_interaction_create", page.stakeholder.pk, url, page.stakeholder.name
        ),
    }
    form = fresh_form(request.POST if request.method == "POST" else None)
    return _interaction_response(
        request,
        form=form,
        fresh_form=fresh_form,
        project=None,
        stakeholder=page.stakeholder,
        context=context,
        success_url=url,
    )


@require_GET
@login_required
def interaction_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Every contact moment of a project, newest first, by pages."""
    project = get_project_for_user(request.user, pk, queryset=_project_with_people())
    permissions = project_permissions(request.user, project)
    party_ids = frozenset(i.stakeholder_id for i in project.stakeholder_involvements.all())
    visibility = (
        ContactVisibility(everything=False, party_ids=party_ids)
        if permissions["contribute"]
        else contact_visibility(request.user)
    )
    page = Paginator(interactions_for_project(project=project), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    interactions = label_participants(page.object_list, visibility)
    for interaction in interactions:
        interaction.contributable = permissions["contribute"]
    context = {
        "page": page,
        "pager": pager(request, page, label=_("Paginering")),
        "interactions": interactions,
        "heading_name": project.title,
        "back_url": project.get_absolute_url(),
        "partners_scope": "project",
    }
    return render(request, LIST_PAGE, context)


@require_GET
@login_required
def party_interaction_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Every contact moment with a party the user may see, newest first, by pages."""
    party_page = _party_page(request, pk)
    page = Paginator(party_interactions(request, party_page), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "pager": pager(request, page, label=_("Paginering")),
        "interactions": label_party_interactions(request, party_page, page.object_list),
        "heading_name": party_page.stakeholder.name,
        "back_url": reverse("stakeholders:detail", args=[party_page.stakeholder.pk]),
        "partners_scope": "party",
    }
    return render(request, LIST_PAGE, context)


@require_POST
@login_required
def follow_up_done(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Tick a follow-up off (or open it again): its owner, or whoever may log contact
    moments where it was agreed."""
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("owner", "interaction__project"), pk=pk
    )
    interaction = follow_up.interaction
    if interaction.project_id is not None:
        # 404 for a confidential project the user may not see at all.
        get_project_for_user(request.user, interaction.project_id)
        back = interaction.project.get_absolute_url()
    else:
        back = reverse("stakeholders:detail", args=[interaction.stakeholder_id])
    if not may_update_follow_up(request.user, follow_up):
        raise PermissionDenied
    form = FollowUpDoneForm(request.POST)
    form.is_valid()
    follow_up_set_done(
        follow_up=follow_up, actor=request.user, done=form.cleaned_data.get("done", False)
    )
    if is_partial(request):
        interaction.contributable = True
        context = {"follow_up": follow_up, "interaction": interaction, "focus_follow_up": True}
        return render(request, INTERACTIONS_TEMPLATE + "#follow_up", context)
    messages.success(
        request,
        (
            _("Vervolgactie afgevinkt: %(text)s")
            if follow_up.is_done
            else _("Vervolgactie staat weer open: %(text)s")
        )
        % {"text": follow_up.description},
    )
    return redirect(safe_next(request, fallback=back) + "#contactmomenten")


# --- agreements ----------------------------------------------------------------------------


def _agreement_row(agreement: Agreement, user: Any, project: Project) -> Agreement:
    """The agreement again with ``is_overdue`` and the user's permissions on its project."""
    row = agreement_queryset(today=timezone.localdate()).get(pk=agreement.pk)
    permissions = project_permissions(user, project)
    row.contributable = permissions["contribute"]
    row.editable = permissions["edit"]
    return row


def _agreement_response(
    request: HtmxHttpRequest,
    *,
    form: AgreementForm,
    fresh_form: Callable[[], AgreementForm],
    project: Project | None,
    stakeholder: Stakeholder | None,
    context: dict[str, Any],
    success_url: str,
) -> HttpResponse:
    def save(cleaned: dict[str, Any]) -> Agreement:
        return agreement_record(
            author=request.user,
            project=project if project is not None else cleaned["project"],
            stakeholder=stakeholder if stakeholder is not None else cleaned["stakeholder"],
            title=cleaned["title"],
            owed_by=cleaned["owed_by"],
            due_date=cleaned["due_date"],
            description=cleaned["description"],
        )

    return _record_response(
        request,
        AGREEMENT,
        form=form,
        fresh_form=fresh_form,
        save=save,
        created=lambda agreement: {
            "agreement": _agreement_row(agreement, request.user, agreement.project),
            "new_row": True,
        },
        message=lambda agreement: _("Afspraak vastgelegd: %(title)s") % {"title": agreement.title},
        context=context,
        success_url=success_url,
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = _project_to_contribute(request, pk)
    parties = project_inputs(project)["parties"]
    context = {
        "partners_project": project,
        "partners_scope": "project",
        **AGREEMENT.form_context(
            "agreement_create", project.pk, project.get_absolute_url(), project.title
        ),
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, parties=parties)
    return _agreement_response(
        request,
        form=form,
        fresh_form=lambda: AgreementForm(parties=parties),
        project=project,
        stakeholder=None,
        context=context,
        success_url=project.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@login_required
def party_agreement_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = _party_page(request, pk)
    if page.stakeholder.is_archived:
        raise PermissionDenied
    involvements = list(party_involvements(user=request.user, stakeholder=page.stakeholder))
    projects = [i.project for i in involvements if i.contributable]
    if not projects:
        raise PermissionDenied
    url = reverse("stakeholders:detail", args=[page.stakeholder.pk])
    context = {
        "stakeholder": page.stakeholder,
        "partners_scope": "party",
        **AGREEMENT.form_context(
            "party_agreement_create", page.stakeholder.pk, url, page.stakeholder.name
        ),
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, projects=projects)
    return _agreement_response(
        request,
        form=form,
        fresh_form=lambda: AgreementForm(projects=projects),
        project=None,
        stakeholder=page.stakeholder,
        context=context,
        success_url=url,
    )


def _agreement_for_user(request: HttpRequest, pk: int, action: Action) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("stakeholder"), pk=pk)
    agreement.project = get_project_for_user(request.user, agreement.project_id, action=action)
    return agreement


def _agreement_done(
    request: HtmxHttpRequest, agreement: Agreement, *, message: str, error: str = ""
) -> HttpResponse:
    if is_partial(request):
        context = {
            "agreement": _agreement_row(agreement, request.user, agreement.project),
            "row_message": error or message,
            "row_error": bool(error),
            # The row looks the same as on the page it came from.
            "partners_scope": "party" if request.POST.get("scope") == "party" else "project",
            "back_url": safe_next(request, fallback=""),
        }
        return render(request, AGREEMENTS_TEMPLATE + "#agreement_row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(
        safe_next(request, fallback=agreement.project.get_absolute_url()) + "#afspraken"
    )


@require_POST
@login_required
def agreement_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Nagekomen, vervallen or open again (contributors of the project)."""
    agreement = _agreement_for_user(request, pk, Action.CONTRIBUTE)
    form = AgreementStatusForm(request.POST)
    if not form.is_valid():
        return _agreement_done(
            request, agreement, message="", error=_("Kies een status uit de lijst.")
        )
    agreement_set_status(
        agreement=agreement, actor=request.user, status=form.cleaned_data["status"]
    )
    return _agreement_done(
        request,
        agreement,
        message=_("Afspraak “%(title)s” is nu: %(status)s")
        % {"title": agreement.title, "status": agreement.get_status_display()},
    )


@require_POST
@login_required
def agreement_milestone(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "Maak mijlpaal": an open agreement we owe becomes a milestone of the project that
    the friction engine watches (leader, commissioner, Beheerder). A second click finds
    the milestone made by the first."""
    agreement = _agreement_for_user(request, pk, Action.EDIT)
    try:
        milestone, created = agreement_make_milestone(agreement=agreement, actor=request.user)
    except ValidationError as error:
        return _agreement_done(request, agreement, message="", error=" ".join(error.messages))
    if created:
        message = _(
            "Mijlpaal “%(title)s” op %(date)s is aangemaakt. Voeg via Project bewerken de "
            "interne procedures toe die ervoor nodig zijn; dan bewaakt BinnenBuiten ze."
        ) % {"title": milestone.title, "date": milestone.date.strftime("%d-%m-%Y")}
    else:
        message = _("Deze afspraak is al mijlpaal “%(title)s”.") % {"title": milestone.title}
    return _agreement_done(request, agreement, message=message)


# --- the portfolio power/interest grid ---------------------------------------------------------


@require_GET
@login_required
def portfolio_grid_view(request: HtmxHttpRequest) -> HttpResponse:
    """Who matters most across a commissioner's projects, and how much friction there is
    on the projects with them: a picture with a table beside it. Bureauhoofden see their
    own projects; a Beheerder chooses a commissioner (or all)."""
    user = request.user
    if not may_see_portfolio(user):
        raise PermissionDenied
    form = None
    commissioner = None
    if is_administrator(user):
        form = PortfolioForm(request.GET or None, commissioners=list(commissioners()))
        if form.is_bound and form.is_valid():
            commissioner = form.cleaned_data["commissioner"]
    rows = portfolio_rows(portfolio_projects(user=user, commissioner=commissioner))
    page = Paginator(rows, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    grid = portfolio_grid(rows[:PORTFOLIO_POINTS_SHOWN], total=len(rows))
    context = {
        "form": form,
        "commissioner": commissioner,
        "page": page,
        "pager": pager(request, page, label=_("Paginering")),
        "grid": grid,
        "grid_description": portfolio_description(grid),
    }
    return render(request, PORTFOLIO_PAGE, context)
