"""Reads for the register of external parties.

A leaf app: it never imports ``projects``. Where a page shows projects it follows the
reverse relations (``stakeholder.involvements``, ``involvement.project``) by name only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from stakeholders.models import Stakeholder

AnyUser = AbstractBaseUser | AnonymousUser

# The role groups, by name: this leaf app does not import ``governance.models.Role``.
ADMINISTRATOR_GROUP = "Beheerder"
AUTHOR_GROUPS = ("Projectleider", "Bureauhoofd", ADMINISTRATOR_GROUP)
SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 10


def _groups(user: AnyUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_bb_stakeholder_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._bb_stakeholder_groups = cached
    return cached


def is_administrator(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or ADMINISTRATOR_GROUP in _groups(user))
    )


def may_add_stakeholders(user: AnyUser) -> bool:
    """Projectleiders, Bureauhoofden and Beheerders add parties while registering projects."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or bool(_groups(user) & set(AUTHOR_GROUPS)))
    )


def _visible_projects(user: AnyUser, prefix: str) -> Q:
    """Which projects this page may mention: not confidential, or the user leads or
    commissions it. A simplification of ``projects.permissions`` (which this leaf app may
    not import): heads of involved departments do not see confidential projects here."""
    return (
        Q(**{f"{prefix}project__is_confidential": False})
        | Q(**{f"{prefix}project__leader": user})
        | Q(**{f"{prefix}project__commissioner": user})
    )


def stakeholder_list(*, user: AnyUser, text: str = "", kind: str = "") -> QuerySet[Stakeholder]:
    """Parties by name with the number of projects the user may see them in."""
    visible = Q() if is_administrator(user) else _visible_projects(user, "involvements__")
    queryset = Stakeholder.objects.annotate(project_count=Count("involvements", filter=visible))
    text = text.strip()
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name", "pk")


def stakeholder_search(text: str) -> list[Stakeholder]:
    """Up to ten parties whose name contains ``text``; none below two characters."""
    text = text.strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    return list(
        Stakeholder.objects.filter(name__icontains=text)
        .only("pk", "name", "kind")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


def stakeholder_by_name(name: str) -> Stakeholder | None:
    """The party with this name, ignoring case and surrounding spaces."""
    return Stakeholder.objects.filter(name__iexact=name.strip()).first()


def stakeholder_detail_queryset() -> QuerySet[Stakeholder]:
    return Stakeholder.objects.prefetch_related("contacts")


def stakeholder_projects(*, user: AnyUser, stakeholder: Stakeholder) -> QuerySet:
    """The party's involvements in projects the user may see, with the project loaded."""
    involvements = stakeholder.involvements.select_related("project").order_by(
        "project__title", "pk"
    )
    if is_administrator(user):
        return involvements
    return involvements.filter(_visible_projects(user, ""))


def may_see_contact_details(*, user: AnyUser, stakeholder: Stakeholder) -> bool:
    """E-mail and phone of contact persons are for Beheerders and for staff who work with
    the party: the leader, commissioner or a head of an involved department of one of its
    projects."""
    if is_administrator(user):
        return True
    if not user.is_authenticated:
        return False
    return stakeholder.involvements.filter(
        Q(project__leader=user)
        | Q(project__commissioner=user)
        | Q(project__department_involvements__department__head=user)
    ).exists()
