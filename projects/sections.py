"""Sections that several pages show, built for the page that shows them.

The friction log (the project page and the friction list), the outside's contact moments
and agreements (the project page), and the projects' sections of a party's page (drawn
into the register of parties through ``stakeholders.extensions``). A view builds its own
page; what two pages share is built here, so no view imports another.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from projects.filters.friction import FILTER_PARAM_PREFIX, FrictionPointFilter
from projects.forms.friction import FrictionPointForm
from projects.forms.partners import AgreementForm, InteractionForm
from projects.models import DepartmentInvolvement, Interaction, Project, StakeholderInvolvement
from projects.permissions import is_administrator, may_log_party_contact, project_permissions
from projects.selectors.friction import friction_points_for_log
from projects.selectors.partners import (
    PARTY_FRICTION_SHOWN,
    PARTY_INTERACTIONS_SHOWN,
    PROJECT_INTERACTIONS_SHOWN,
    ContactVisibility,
    agreements_for_party,
    agreements_for_project,
    contact_visibility,
    friction_for_party,
    interactions_for_party,
    interactions_for_project,
    label_participants,
    party_duplicates,
    party_involvements,
    projects_contributable_by,
    projects_editable_by,
)
from stakeholders.extensions import PartyPage
from stakeholders.models import Contact

# --- the friction log ----------------------------------------------------------------------


def friction_log_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    """What ``friction_log.html`` needs: the filtered list, the filters and, for contributors, an
    empty "Knelpunt melden" form. Filters come from the page's GET parameters ``k-*``.

    The list is evaluated here, so rendering it costs no further queries per row.
    """
    permissions = project_permissions(request.user, project)
    friction_filter = FrictionPointFilter(
        request.GET, queryset=friction_points_for_log(project=project), project=project
    )
    return {
        "friction_project": project,
        "friction_perms": permissions,
        "friction_filter": friction_filter,
        "friction_points": list(friction_filter.qs),
        "friction_form": FrictionPointForm(project=project) if permissions["contribute"] else None,
        "friction_form_inline": True,
        # The filter form submits to the page it is on, keeping that page's own parameters.
        "friction_filter_action": request.path,
        "friction_other_params": [
            (key, value)
            for key, values in request.GET.lists()
            if not key.startswith(FILTER_PARAM_PREFIX)
            for value in values
        ],
    }


# --- the outside: contact moments and agreements -----------------------------------------

SECTIONS_TEMPLATE = "projects/sections/party.html"


def people_of(projects: list[Project]) -> list[Any]:
    """Leaders, commissioners and heads of involved departments of these projects
    (``department_involvements`` prefetched with the department's head)."""
    people: dict[int, Any] = {}
    for project in projects:
        for person in (project.leader, project.commissioner):
            people[person.pk] = person
        for involvement in project.department_involvements.all():
            head = involvement.department.head
            if head is not None:
                people[head.pk] = head
    return [person for person in people.values() if person.is_active]


def project_inputs(project: Project) -> dict[str, Any]:
    """Parties, contact persons and colleagues for the forms on a project page: one
    query (the contacts); the rest comes with ``_project_with_people``."""
    parties = sorted(
        (
            i.stakeholder
            for i in project.stakeholder_involvements.all()
            if not i.stakeholder.is_archived  # read-only: nothing new with it
        ),
        key=lambda party: party.name.casefold(),
    )
    contacts = list(
        Contact.objects.filter(stakeholder__in=[party.pk for party in parties])
        .select_related("stakeholder")
        .order_by("stakeholder__name", "stakeholder_id", "name", "pk")
    )
    return {"parties": parties, "contacts": contacts, "staff": people_of([project])}


def interaction_form(
    request: HttpRequest, inputs: dict[str, Any], data: Any = None
) -> InteractionForm:
    return InteractionForm(data, user=request.user, **inputs)


def project_partners_context(
    request: HttpRequest, project: Project, permissions: dict[str, bool]
) -> dict[str, Any]:
    """What the project page's "Afspraken" and "Contactmomenten" sections need. Expects
    the project from ``project_detail_queryset`` (parties, departments and heads loaded).
    Constant queries: contact moments (3), agreements (1), and for contributors the
    contact persons (1), for readers whose contacts they may see (1)."""
    user = request.user
    today = timezone.localdate()
    party_ids = frozenset(i.stakeholder_id for i in project.stakeholder_involvements.all())
    if permissions["contribute"]:
        # Leader, commissioner, head or Beheerder: involved with every party of the project.
        visibility = ContactVisibility(everything=False, party_ids=party_ids)
    else:
        visibility = contact_visibility(user)
    interactions = label_participants(
        interactions_for_project(project=project)[: PROJECT_INTERACTIONS_SHOWN + 1], visibility
    )
    for interaction in interactions:
        interaction.contributable = permissions["contribute"]
    agreements = list(agreements_for_project(project=project, today=today))
    for agreement in agreements:
        agreement.contributable = permissions["contribute"]
        agreement.editable = permissions["edit"]
    context: dict[str, Any] = {
        "partners_project": project,
        "interactions": interactions[:PROJECT_INTERACTIONS_SHOWN],
        "interactions_more": len(interactions) > PROJECT_INTERACTIONS_SHOWN,
        "interactions_all_url": reverse("projects:interaction_list", args=[project.pk]),
        "partners_scope": "project",
        "agreements": agreements,
        "overdue_agreements": [a for a in agreements if a.is_overdue],
        "interaction_form": None,
        "agreement_form": None,
        "interaction_form_action": reverse("projects:interaction_create", args=[project.pk]),
        "agreement_form_action": reverse("projects:agreement_create", args=[project.pk]),
        "back_url": project.get_absolute_url(),
    }
    if permissions["contribute"] and party_ids:
        inputs = project_inputs(project)
        if inputs["parties"]:  # not when every party is archived
            context["interaction_form"] = interaction_form(request, inputs)
            context["agreement_form"] = AgreementForm(parties=inputs["parties"])
    return context


def party_inputs(page: PartyPage, involvements: list[StakeholderInvolvement]) -> dict[str, Any]:
    """Projects the user may contribute to, the party's contact persons (when the user may
    see them) and the people of those projects, for the forms on a party page: one query
    (the departments' heads)."""
    projects = [i.project for i in involvements if i.contributable]
    prefetch_related_objects(
        projects,
        Prefetch(
            "department_involvements",
            queryset=DepartmentInvolvement.objects.select_related("department__head"),
        ),
    )
    return {
        "projects": projects,
        "contacts": list(page.contacts) if page.show_contact_details else [],
        "staff": people_of(projects),
    }


def with_party_permissions(queryset: QuerySet, user: Any, *, edit: bool = False) -> QuerySet:
    """Annotate ``contributable`` (and ``editable``) per row's project, so the rows of many
    projects cost no query each. Rows without a project are contributable for those who
    may log contact with the party as such."""
    one = Project.objects.filter(pk=OuterRef("project"))
    queryset = queryset.annotate(contributable=Exists(projects_contributable_by(user, one)))
    if edit:
        queryset = queryset.annotate(editable=Exists(projects_editable_by(user, one)))
    return queryset


def party_interactions(request: HttpRequest, page: PartyPage) -> QuerySet[Interaction]:
    return with_party_permissions(
        interactions_for_party(user=request.user, stakeholder=page.stakeholder), request.user
    )


def label_party_interactions(
    request: HttpRequest, page: PartyPage, interactions: Any
) -> list[Interaction]:
    visibility = ContactVisibility(
        everything=False,
        party_ids=frozenset({page.stakeholder.pk} if page.show_contact_details else ()),
    )
    labelled = label_participants(interactions, visibility)
    party_level = may_log_party_contact(request.user)
    for interaction in labelled:
        if interaction.project_id is None:
            interaction.contributable = party_level
    return labelled


def party_context(request: HttpRequest, page: PartyPage) -> dict[str, Any]:
    """Everything the party page's project sections show, in a fixed number of queries."""
    user = request.user
    stakeholder = page.stakeholder
    today = timezone.localdate()
    involvements = list(party_involvements(user=user, stakeholder=stakeholder))
    inputs = party_inputs(page, involvements)
    allow_no_project = may_log_party_contact(user)
    interactions = label_party_interactions(
        request, page, party_interactions(request, page)[: PARTY_INTERACTIONS_SHOWN + 1]
    )
    agreements = list(
        with_party_permissions(
            agreements_for_party(user=user, stakeholder=stakeholder, today=today), user, edit=True
        )
    )
    friction = list(
        friction_for_party(user=user, stakeholder=stakeholder)[: PARTY_FRICTION_SHOWN + 1]
    )
    administrator = is_administrator(user)
    context: dict[str, Any] = {
        "stakeholder": stakeholder,
        "involvements": involvements,
        "interactions": interactions[:PARTY_INTERACTIONS_SHOWN],
        "interactions_more": len(interactions) > PARTY_INTERACTIONS_SHOWN,
        "interactions_all_url": reverse("projects:party_interaction_list", args=[stakeholder.pk]),
        "partners_scope": "party",
        "agreements": agreements,
        "overdue_agreements": [a for a in agreements if a.is_overdue],
        "friction_points": friction[:PARTY_FRICTION_SHOWN],
        "friction_more": len(friction) > PARTY_FRICTION_SHOWN,
        "interaction_form": None,
        "agreement_form": None,
        "interaction_form_action": reverse(
            "projects:party_interaction_create", args=[stakeholder.pk]
        ),
        "agreement_form_action": reverse("projects:party_agreement_create", args=[stakeholder.pk]),
        "back_url": reverse("stakeholders:detail", args=[stakeholder.pk]),
        "is_administrator": administrator,
        "duplicates": party_duplicates(stakeholder) if administrator else [],
    }
    if stakeholder.is_archived:  # read-only: nothing new with an archived party
        return context
    if inputs["projects"] or allow_no_project:
        context["interaction_form"] = InteractionForm(
            user=user,
            contacts=inputs["contacts"],
            staff=inputs["staff"],
            projects=inputs["projects"],
            allow_no_project=allow_no_project,
        )
    if inputs["projects"]:
        context["agreement_form"] = AgreementForm(projects=inputs["projects"])
    return context


def party_sections(request: HttpRequest, page: PartyPage) -> str:
    """The party page's projects, contact moments, agreements and friction (registered
    with ``stakeholders.extensions`` in ``ProjectsConfig.ready``)."""
    return render_to_string(SECTIONS_TEMPLATE, party_context(request, page), request=request)
