"""Filters for the project list, kept in the URL so a filtered list can be shared."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, TextChoices
from django.utils.translation import gettext_lazy as _

from governance.models import Department, Role
from projects.forms.projects import PersonChoiceField, style_widgets
from projects.models import DepartmentInvolvement, Project, ProjectQuerySet
from projects.selectors.projects import (
    Scope,
    default_scope,
    project_search,
    scope_filter,
    users_in_role,
)
from web.text import search_text


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class ArchiveChoice(TextChoices):
    ACTIVE = "actief", _("Actieve projecten")
    ARCHIVED = "gearchiveerd", _("Gearchiveerde projecten")
    ALL = "alle", _("Actief en gearchiveerd")


class ProjectFilter(django_filters.FilterSet):
    """Scope (whose projects), search, status, department, commissioner and archive. The
    scope defaults per role: leaders see their own projects first; archived projects are
    left out unless asked for."""

    scope = django_filters.ChoiceFilter(
        label=_("Toon"),
        choices=[(scope.value, scope.label) for scope in Scope],
        method="filter_scope",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    q = django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_search",
        help_text=_("Titel, bedoeling of naam van een partner"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, empty_label=_("Alle statussen")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Afdeling"),
        queryset=Department.objects.order_by("name"),
        method="filter_department",
        empty_label=_("Alle afdelingen"),
    )
    commissioner = PersonChoiceFilter(
        label=_("Opdrachtgever"),
        queryset=users_in_role(Role.COMMISSIONER),
        empty_label=_("Alle opdrachtgevers"),
    )

    archive = django_filters.ChoiceFilter(
        label=_("Archief"),
        choices=ArchiveChoice.choices,
        method="filter_archive",
        empty_label=None,
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        user = request.user
        data = data.copy() if data is not None else {}
        if not data.get("scope"):
            data["scope"] = default_scope(user).value
        if data.get("archive") not in ArchiveChoice.values:
            data["archive"] = ArchiveChoice.ACTIVE
        super().__init__(data, *args, request=request, **kwargs)
        style_widgets(self.form)

    @property
    def chosen_scope(self) -> Scope:
        value = self.form.cleaned_data.get("scope") if self.form.is_valid() else None
        return Scope(value) if value else default_scope(self.request.user)

    def filter_scope(self, queryset: ProjectQuerySet, name: str, value: str) -> ProjectQuerySet:
        return scope_filter(queryset, user=self.request.user, scope=Scope(value))

    def filter_archive(self, queryset: ProjectQuerySet, name: str, value: str) -> ProjectQuerySet:
        if value == ArchiveChoice.ARCHIVED:
            return queryset.filter(archived_at__isnull=False)
        if value == ArchiveChoice.ALL:
            return queryset
        return queryset.active()

    def filter_search(self, queryset: ProjectQuerySet, name: str, value: str) -> ProjectQuerySet:
        return project_search(queryset, search_text(value))

    def filter_department(
        self, queryset: ProjectQuerySet, name: str, value: Department | None
    ) -> ProjectQuerySet:
        if value is None:
            return queryset
        # EXISTS rather than a join, so the friction counts are not multiplied.
        return queryset.filter(
            Exists(DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department=value))
        )
