"""Reads for the register of external parties.

A leaf app: it never imports ``projects``. What the list and the party's page show about
projects (counts, last contact, sections) comes in through ``stakeholders.extensions``.
Contact details follow the reverse relations (``stakeholder.involvements``,
``involvement.project``) by name only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet

from stakeholders import extensions
from stakeholders.models import Contact, Stakeholder
from stakeholders.similarity import similar_stakeholders

AnyUser = AbstractBaseUser | AnonymousUser

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 10
SIMILAR_LIMIT = 5
# "Recent contact" on the list: within this many days.
RECENT_CONTACT_DAYS = 91


class ProjectsFilter(StrEnum):
    ANY = "any"
    MINE = "mine"
    NONE = "none"


class ContactFilter(StrEnum):
    RECENT = "recent"
    STALE = "stale"
    NEVER = "never"


class ArchiveFilter(StrEnum):
    ACTIVE = ""  # the default: archived parties left out
    ARCHIVED = "gearchiveerd"
    ALL = "alle"


class Sort(StrEnum):
    NAME = "name"
    RECENT = "recent"
    PROJECTS = "projects"


def stakeholder_list(
    *,
    user: AnyUser,
    today: dt.date,
    text: str = "",
    kind: str = "",
    projects: str = "",
    contact: str = "",
    sort: str = "",
    archive: str = "",
) -> QuerySet[Stakeholder]:
    """Parties with ``project_count``, ``my_project_count`` and ``last_contact`` as this
    user may see them (see ``stakeholders.extensions``), searched, filtered and sorted.
    Archived parties only when ``archive`` asks for them."""
    queryset = extensions.annotate_party_list(Stakeholder.objects.all(), user)
    if archive == ArchiveFilter.ARCHIVED:
        queryset = queryset.filter(archived_at__isnull=False)
    elif archive != ArchiveFilter.ALL:
        queryset = queryset.filter(archived_at__isnull=True)
    text = text.strip()
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if kind:
        queryset = queryset.filter(kind=kind)
    if projects == ProjectsFilter.ANY:
        queryset = queryset.filter(project_count__gt=0)
    elif projects == ProjectsFilter.MINE:
        queryset = queryset.filter(my_project_count__gt=0)
    elif projects == ProjectsFilter.NONE:
        queryset = queryset.filter(project_count=0)
    since = today - dt.timedelta(days=RECENT_CONTACT_DAYS)
    if contact == ContactFilter.RECENT:
        queryset = queryset.filter(last_contact__gte=since)
    elif contact == ContactFilter.STALE:
        queryset = queryset.filter(Q(last_contact__lt=since) | Q(last_contact__isnull=True))
    elif contact == ContactFilter.NEVER:
        queryset = queryset.filter(last_contact__isnull=True)
    if sort == Sort.RECENT:
        return queryset.order_by(F("last_contact").desc(nulls_last=True), "name", "pk")
    if sort == Sort.PROJECTS:
        return queryset.order_by("-project_count", "name", "pk")
    return queryset.order_by("name", "pk")


def stakeholder_search(text: str, *, archived: bool = True) -> list[Stakeholder]:
    """Up to ten parties whose name contains ``text``, then up to five whose name merely
    resembles it (``similar`` set on those); none below two characters. A picker for a
    new involvement passes ``archived=False``: archived parties are not offered."""
    text = " ".join(text.split())
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    queryset = Stakeholder.objects.filter(name__icontains=text)
    if not archived:
        queryset = queryset.active()
    matches = list(
        queryset.only("pk", "name", "kind", "archived_at").order_by("name", "pk")[:SEARCH_LIMIT]
    )
    for party in matches:
        party.similar = False
    found = {party.pk for party in matches}
    for party in similar_stakeholders(text, exclude=found, limit=SIMILAR_LIMIT, archived=archived):
        party.similar = True
        matches.append(party)
    return matches


def stakeholder_by_name(name: str) -> Stakeholder | None:
    """The party with this name, ignoring case and surrounding spaces."""
    return Stakeholder.objects.filter(name__iexact=" ".join(name.split())).first()


def stakeholder_detail_queryset() -> QuerySet[Stakeholder]:
    return Stakeholder.objects.prefetch_related("contacts")


def _involved_staff(user: AnyUser, prefix: str = "") -> Q:
    """Involvements of projects where the user is leader, commissioner or head of an
    involved department (``prefix`` leads from the party to its involvements)."""
    return (
        Q(**{f"{prefix}project__leader": user})
        | Q(**{f"{prefix}project__commissioner": user})
        | Q(**{f"{prefix}project__department_involvements__department__head": user})
    )


def may_see_contact_details(*, user: AnyUser, stakeholder: Stakeholder) -> bool:
    """Contact persons (name, role, e-mail, phone) are for Beheerders and for staff who
    work with the party: the leader, commissioner or a head of an involved department of
    one of its projects. Others only see that contact persons exist."""
    if extensions.is_administrator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return stakeholder.involvements.filter(_involved_staff(user)).exists()


def may_manage_party(*, user: AnyUser, stakeholder: Stakeholder) -> bool:
    """Archive and restore a party on its page: whoever keeps its contact persons there
    (the rule of ``may_see_contact_details``: staff who work with it, Beheerders)."""
    return may_see_contact_details(user=user, stakeholder=stakeholder)


def may_edit_contacts(*, user: AnyUser, stakeholder: Stakeholder) -> bool:
    """Add and change contact persons: not while the party is archived (read-only)."""
    return not stakeholder.is_archived and may_see_contact_details(
        user=user, stakeholder=stakeholder
    )


def stakeholders_with_visible_contacts(user: AnyUser) -> QuerySet[Stakeholder] | None:
    """The parties whose contact persons this user may see (the rule of
    ``may_see_contact_details``) as a queryset of ids, or None for every party."""
    if extensions.is_administrator(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return Stakeholder.objects.none().values("pk")
    return (
        Stakeholder.objects.filter(_involved_staff(user, "involvements__")).values("pk").distinct()
    )


def contacts_of(stakeholder: Stakeholder) -> QuerySet[Contact]:
    return stakeholder.contacts.order_by("name", "pk")
