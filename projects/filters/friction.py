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


def choice_or_default(
    data: QueryDict | None, key: str, values: set[str], default: str
) -> QueryDict:
    """A mutable copy of ``data`` whose ``key`` is one of ``values``, else ``default``: an
    unknown value falls back to the default instead of emptying the list."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    if data.get(key) not in values:
        data[key] = default
    return data


def status_q(value: str) -> Q:
    """The friction status choice as a condition (``StatusChoice``)."""
    if value == StatusChoice.CLOSED:
        return ~Q(status__in=FrictionPoint.OPEN_STATUSES)
    if value == StatusChoice.ALL:
        return Q()
    return Q(status__in=FrictionPoint.OPEN_STATUSES)


def friction_of_department(
    queryset: QuerySet[FrictionPoint], department: Department | None
) -> QuerySet[FrictionPoint]:
    """Points naming ``department`` or about one of its procedures."""
    if department is None:
        return queryset
    # A subquery rather than a join on the departments, so no point is listed twice (and a
    # count annotation is not multiplied).
    named = FrictionPoint.departments.through.objects.filter(department=department).values(
        "frictionpoint_id"
    )
    return queryset.filter(Q(pk__in=named) | Q(procedure__department=department))


def status_filter() -> django_filters.ChoiceFilter:
    """Open points, closed ones or all (``StatusChoice``), through ``filter_status``."""
    return django_filters.ChoiceFilter(
        label=_("Status"),
        choices=StatusChoice.CHOICES,
        method="filter_status",
        empty_label=None,
        widget=SELECT,
    )


class FrictionFilterSet(django_filters.FilterSet):
    """What every filter of friction points shares: the model and the filter methods of
    the status and the department (each subclass declares its own filters, in its order)."""

    class Meta:
        model = FrictionPoint
        fields: list[str] = []

    def filter_status(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        return queryset.filter(status_q(value))

    def filter_department(
        self, queryset: QuerySet[FrictionPoint], name: str, value: Department | None
    ) -> QuerySet[FrictionPoint]:
        return friction_of_department(queryset, value)


class FrictionPointFilter(FrictionFilterSet):
    """Status defaults to open points; an unknown status value also falls back to open.
    Archived points are left out unless the archive filter asks for them.

    The labels differ from those of the "Knelpunt melden" form on the same page, so each
    label names exactly one field.
    """

    status = status_filter()
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

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FrictionPoint] | None = None,
        *,
        project: Project,
        prefix: str = PREFIX,
    ) -> None:
        data = choice_or_default(data, f"{prefix}-status", StatusChoice.VALUES, StatusChoice.OPEN)
        data = choice_or_default(
            data, f"{prefix}-archive", ArchiveChoice.VALUES, ArchiveChoice.WITHOUT
        )
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

    def filter_archive(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        if value == ArchiveChoice.ONLY:
            return queryset.filter(archived_at__isnull=False)
        if value == ArchiveChoice.WITH:
            return queryset
        return queryset.filter(archived_at__isnull=True)

    @property
    def is_filtered(self) -> bool:
        """Whether the list differs from the default (open points, not archived)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        if cleaned.get("archive", ArchiveChoice.WITHOUT) != ArchiveChoice.WITHOUT:
            return True
        return cleaned.get("status") != StatusChoice.OPEN or any(
            cleaned.get(name) for name in ("severity", "category", "source", "department")
        )
