"""Filters of a project's friction log, kept in the URL with the prefix ``k``
(``?k-status=alle&k-severity=4``) so they live beside the project page's own parameters."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextChoices
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


class StatusChoice(TextChoices):
    OPEN = "open", _("Open en in behandeling")
    CLOSED = "afgesloten", _("Afgesloten en vervallen")
    ALL = "alle", _("Alle")


class ArchiveChoice(TextChoices):
    WITHOUT = "zonder", _("Zonder gearchiveerde")
    ONLY = "alleen", _("Alleen gearchiveerde")
    WITH = "met", _("Met gearchiveerde")


def choice_or_default(data: QueryDict | None, key: str, default: TextChoices) -> QueryDict:
    """A mutable copy of ``data`` whose ``key`` is one of the choices of ``default``'s
    class, else ``default``: an unknown value falls back to the default instead of
    emptying the list."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    if data.get(key) not in type(default).values:
        data[key] = default.value
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


def select_filter(
    label: Any, choices: Any, empty_label: Any, **kwargs: Any
) -> django_filters.ChoiceFilter:
    """A choice filter shown as an NL Design System select."""
    return django_filters.ChoiceFilter(
        label=label, choices=choices, empty_label=empty_label, widget=SELECT, **kwargs
    )


def department_filter(
    empty_label: Any, queryset: QuerySet[Department] | None = None
) -> django_filters.ModelChoiceFilter:
    """The department filter (``filter_department``): points naming the department or about
    one of its procedures. Without ``queryset`` the FilterSet fills it in per user."""
    return django_filters.ModelChoiceFilter(
        label=_("Afdeling"),
        queryset=Department.objects.none() if queryset is None else queryset,
        method="filter_department",
        empty_label=empty_label,
        widget=SELECT,
    )


def status_filter() -> django_filters.ChoiceFilter:
    """Open points, closed ones or all (``StatusChoice``), through ``filter_status``."""
    return select_filter(_("Status"), StatusChoice.choices, None, method="filter_status")


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


class AllDepartmentsFilterSet(FrictionFilterSet):
    """A friction filter whose department choice lists every department, grouped by
    sector from the organisation's cached list (a submitted id is still checked against
    the database); ``all_departments_label`` is the choice for no department."""

    all_departments_label: Any = _("Alle")

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            choices_when_rendered(
                super().form.fields["department"],
                lambda: [
                    ("", self.all_departments_label),
                    *options.departments_by_sector().items(),
                ],
            )
        return self._form


class FrictionPointFilter(AllDepartmentsFilterSet):
    """Status defaults to open points; an unknown status value also falls back to open.
    Archived points are left out unless the archive filter asks for them.

    The labels differ from those of the "Knelpunt melden" form on the same page, so each
    label names exactly one field.
    """

    status = status_filter()
    severity = select_filter(_("Zwaarte"), FrictionPoint.Severity.choices, _("Alle"))
    category = select_filter(_("Soort knelpunt"), FrictionPoint.Category.choices, _("Alle"))
    source = select_filter(_("Bron"), FrictionPoint.Source.choices, _("Alle"))
    department = department_filter(_("Alle"))
    archive = select_filter(_("Archief"), ArchiveChoice.choices, None, method="filter_archive")

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FrictionPoint] | None = None,
        *,
        project: Project,
        prefix: str = PREFIX,
    ) -> None:
        data = choice_or_default(data, f"{prefix}-status", StatusChoice.OPEN)
        data = choice_or_default(data, f"{prefix}-archive", ArchiveChoice.WITHOUT)
        super().__init__(data=data, queryset=queryset, prefix=prefix)
        self.filters["department"].queryset = Department.objects.all()

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
