"""Filters of a project's friction log, kept in the URL with the prefix ``k``
(``?k-status=alle&k-severity=4``) so they live beside the project page's own parameters."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from governance import options
from governance.models import Department
from projects.models import FrictionPoint, Project
from web.fields import choices_when_rendered

PREFIX = "k"
# The page's GET parameters that belong to these filters (the rest is the page's own).
FILTER_PARAM_PREFIX = f"{PREFIX}-"
SELECT = forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"})


class StatusChoice:
    OPEN = "open"
    CLOSED = "afgesloten"
    ALL = "alle"
    CHOICES = [
        (OPEN, _("Open en in behandeling")),
        (CLOSED, _("Afgesloten en vervallen")),
        (ALL, _("Alle")),
    ]
    VALUES = {OPEN, CLOSED, ALL}


class ArchiveChoice:
    WITHOUT = "zonder"
    ONLY = "alleen"
    WITH = "met"
    CHOICES = [
        (WITHOUT, _("Zonder gearchiveerde")),
        (ONLY, _("Alleen gearchiveerde")),
        (WITH, _("Met gearchiveerde")),
    ]
    VALUES = {WITHOUT, ONLY, WITH}


class FrictionPointFilter(django_filters.FilterSet):
    """Status defaults to open points; an unknown status value also falls back to open.
    Archived points are left out unless the archive filter asks for them.

    The labels differ from those of the "Knelpunt melden" form on the same page, so each
    label names exactly one field.
    """

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=StatusChoice.CHOICES,
        method="filter_status",
        empty_label=None,
        widget=SELECT,
    )
    severity = django_filters.ChoiceFilter(
        label=_("Zwaarte"),
        choices=FrictionPoint.Severity.choices,
        empty_label=_("Alle"),
        widget=SELECT,
    )
    category = django_filters.ChoiceFilter(
        label=_("Soort knelpunt"),
        choices=FrictionPoint.Category.choices,
        empty_label=_("Alle"),
        widget=SELECT,
    )
    source = django_filters.ChoiceFilter(
        label=_("Bron"),
        choices=FrictionPoint.Source.choices,
        empty_label=_("Alle"),
        widget=SELECT,
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Afdeling"),
        queryset=Department.objects.none(),
        method="filter_department",
        empty_label=_("Alle"),
        widget=SELECT,
    )
    archive = django_filters.ChoiceFilter(
        label=_("Archief"),
        choices=ArchiveChoice.CHOICES,
        method="filter_archive",
        empty_label=None,
        widget=SELECT,
    )

    class Meta:
        model = FrictionPoint
        fields: list[str] = []

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FrictionPoint] | None = None,
        *,
        project: Project,
        prefix: str = PREFIX,
    ) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        status_key = f"{prefix}-status"
        if data.get(status_key) not in StatusChoice.VALUES:
            data[status_key] = StatusChoice.OPEN
        archive_key = f"{prefix}-archive"
        if data.get(archive_key) not in ArchiveChoice.VALUES:
            data[archive_key] = ArchiveChoice.WITHOUT
        super().__init__(data=data, queryset=queryset, prefix=prefix)
        self.filters["department"].queryset = Department.objects.all()

    @property
    def form(self) -> forms.Form:
        """The filter form, its departments grouped by sector from the organisation's
        cached list (a submitted id is still checked against the database)."""
        if not hasattr(self, "_form"):
            choices_when_rendered(
                super().form.fields["department"],
                lambda: [("", _("Alle")), *options.departments_by_sector().items()],
            )
        return self._form

    def filter_status(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        if value == StatusChoice.OPEN:
            return queryset.filter(status__in=FrictionPoint.OPEN_STATUSES)
        if value == StatusChoice.CLOSED:
            return queryset.exclude(status__in=FrictionPoint.OPEN_STATUSES)
        return queryset

    def filter_archive(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        if value == ArchiveChoice.ONLY:
            return queryset.filter(archived_at__isnull=False)
        if value == ArchiveChoice.WITH:
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def filter_department(
        self, queryset: QuerySet[FrictionPoint], name: str, value: Department
    ) -> QuerySet[FrictionPoint]:
        # A subquery rather than a join, so the comment count annotation is not multiplied.
        named = FrictionPoint.departments.through.objects.filter(department=value).values(
            "frictionpoint_id"
        )
        return queryset.filter(Q(pk__in=named) | Q(procedure__department=value))

    @property
    def is_filtered(self) -> bool:
        """Whether the list differs from the default (open points, not archived)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        if cleaned.get("archive", ArchiveChoice.WITHOUT) != ArchiveChoice.WITHOUT:
            return True
        return cleaned.get("status") != StatusChoice.OPEN or any(
            cleaned.get(name) for name in ("severity", "category", "source", "department")
        )
