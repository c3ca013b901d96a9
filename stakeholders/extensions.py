"""Extension points: how an app that knows about projects adds to the register of parties.

``stakeholders`` is a leaf: it never imports ``projects``. Yet a party's page must show
the party's projects, agreements and friction, and the list its number of projects and
last contact. The app that owns that data registers two callables here, once, from its
``AppConfig.ready()`` (``projects.apps.ProjectsConfig`` does):

``register_party_list_annotator(key, annotate)``
    ``annotate(queryset, user)`` returns the party queryset with three integer/date
    annotations the list shows, filters and sorts on:

    - ``project_count``: projects with this party the user may see;
    - ``my_project_count``: of those, the ones the user leads, commissions or heads an
      involved department of;
    - ``last_contact``: the date of the latest contact moment the user may see, or None.

    It must add no rows and cost no extra queries (annotate with subqueries). Without an
    annotator the list shows 0 and "no contact".

``register_party_section(key, render)``
    ``render(request, party_page)`` returns HTML (already rendered, safe) placed on the
    party's page below the contact persons, or "" for nothing. ``party_page`` is a
    ``PartyPage``: the party with its contacts loaded and whether this user may see the
    contacts' details, so a section needs no second query for them.

``register_party_merge(merge)``
    ``merge(keep=, remove=, actor=)`` moves everything of ``remove`` over to ``keep`` and
    deletes ``remove``, raising ``ValidationError`` when it cannot; it returns an object
    whose ``keep`` is the party that stays. The admin offers "merge two parties" only
    once one is registered.

``register_contact_export(export)``
    ``export(contact=, actor=)`` returns everything stored about a contact person as
    JSON-ready data, for a request to see it. The admin offers the export only once one is
    registered.

``register_access_rules(is_administrator, may_add_parties)``
    Who is a Beheerder (sees every party's contact persons and may merge parties) and who
    may add parties: the roles are the business of the app that knows them
    (``projects.permissions``), so this leaf keeps no second copy of those rules. Without
    them nobody is either.

Registrations are keyed, so registering again under the same key (a second ``ready()``
in tests) replaces instead of doubling. Sections render in registration order. The merge,
the export and the access rules are one each: registering again replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import DateField, IntegerField, QuerySet, Value
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from stakeholders.models import Contact, Stakeholder

    AnyUser = AbstractBaseUser | AnonymousUser

LIST_ANNOTATIONS = ("project_count", "my_project_count", "last_contact")


@dataclass(frozen=True)
class PartyPage:
    """What the party's page already loaded, handed to every section."""

    stakeholder: Stakeholder
    contacts: Sequence[Contact]
    show_contact_details: bool


PartyListAnnotator = Callable[["QuerySet[Stakeholder]", "AnyUser"], "QuerySet[Stakeholder]"]
PartySectionRenderer = Callable[[HttpRequest, PartyPage], str]

_list_annotators: dict[str, PartyListAnnotator] = {}
_sections: dict[str, PartySectionRenderer] = {}


def register_party_list_annotator(key: str, annotate: PartyListAnnotator) -> None:
    _list_annotators[key] = annotate


def register_party_section(key: str, render: PartySectionRenderer) -> None:
    _sections[key] = render


def annotate_party_list(queryset: QuerySet[Stakeholder], user: AnyUser) -> QuerySet[Stakeholder]:
    """Apply every registered annotator; fill in neutral values for what none provided."""
    for annotate in _list_annotators.values():
        queryset = annotate(queryset, user)
    present = queryset.query.annotations
    defaults = {
        "project_count": Value(0, output_field=IntegerField()),
        "my_project_count": Value(0, output_field=IntegerField()),
        "last_contact": Value(None, output_field=DateField()),
    }
    missing = {name: value for name, value in defaults.items() if name not in present}
    return queryset.annotate(**missing) if missing else queryset


def render_party_sections(request: HttpRequest, page: PartyPage) -> list[SafeString]:
    """The registered sections' HTML, in registration order, empty ones left out."""
    rendered = (render(request, page) for render in _sections.values())
    # Renderers return template output, which is already escaped.
    return [mark_safe(html) for html in rendered if html and html.strip()]  # noqa: S308


PartyMerge = Callable[..., Any]
ContactExport = Callable[..., dict[str, Any]]

_party_merge: list[PartyMerge] = []
_contact_export: list[ContactExport] = []


def register_party_merge(merge: PartyMerge) -> None:
    _party_merge[:] = [merge]


def register_contact_export(export: ContactExport) -> None:
    _contact_export[:] = [export]


def can_merge_parties() -> bool:
    return bool(_party_merge)


def can_export_contacts() -> bool:
    return bool(_contact_export)


def party_merge(*, keep: Stakeholder, remove: Stakeholder, actor: AbstractBaseUser) -> Any:
    return _party_merge[0](keep=keep, remove=remove, actor=actor)


def contact_export(*, contact: Contact, actor: AbstractBaseUser) -> dict[str, Any]:
    return _contact_export[0](contact=contact, actor=actor)


AccessRule = Callable[["AnyUser"], bool]

_access_rules: dict[str, AccessRule] = {}


def register_access_rules(*, is_administrator: AccessRule, may_add_parties: AccessRule) -> None:
    _access_rules.update(is_administrator=is_administrator, may_add_parties=may_add_parties)


def is_administrator(user: AnyUser) -> bool:
    rule = _access_rules.get("is_administrator")
    return rule is not None and rule(user)


def may_add_parties(user: AnyUser) -> bool:
    rule = _access_rules.get("may_add_parties")
    return rule is not None and rule(user)
