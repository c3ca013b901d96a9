"""The dashboard's filters, kept in the URL (``/dashboard/?department=3&severity=4``) so a
view can be bookmarked and shared. The same FilterSet narrows the exports and the
portfolio report, so an export holds exactly the list that was on the screen.

What narrows what:

- ``commissioner`` (Beheerders only) and ``department`` narrow the projects; a
  department also narrows the friction to points naming it or about one of its
  procedures;
- ``status`` (open by default), ``category``, ``severity`` and ``period`` (reported in
  the last N days) narrow the friction.

The sections that are open by nature (milestones at risk, support waiting) use every
filter but the status (``filter_queryset(..., skip=("status",))``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Department, Role
from projects.filters.friction import (
    SELECT,
    AllDepartmentsFilterSet,
    StatusChoice,
    choice_or_default,
    department_filter,
    select_filter,
    status_filter,
    status_q,
)
from projects.filters.projects import PersonChoiceFilter
from projects.models import DepartmentInvolvement, FrictionPoint, ProjectQuerySet
from projects.permissions import AnyUser, is_administrator, may_use_dashboard
from projects.selectors.dashboard import dashboard_friction, dashboard_projects
from projects.selectors.projects import users_in_role

PERIODS = [
    ("30", _("Afgelopen 30 dagen")),
    ("90", _("Afgelopen 90 dagen")),
    ("365", _("Afgelopen 12 maanden")),
]
# Filters that narrow the projects as well as the friction.
PROJECT_FILTERS = ("commissioner", "department")


class DashboardFilter(AllDepartmentsFilterSet):
    commissioner = PersonChoiceFilter(
        label=_("Opdrachtgever"),
        queryset=users_in_role(Role.COMMISSIONER),
        field_name="project__commissioner",
        empty_label=_("Alle opdrachtgevers"),
        widget=SELECT,
    )
    department = department_filter(_("Alle afdelingen"), Department.objects.order_by("name"))
    status = status_filter()
    category = select_filter(_("Categorie"), FrictionPoint.Category.choices, _("Alle categorieën"))
    severity = select_filter(_("Ernst"), FrictionPoint.Severity.choices, _("Alle"))
    period = select_filter(_("Gemeld in"), PERIODS, _("Altijd"), method="filter_period")
    all_departments_label = _("Alle afdelingen")

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FrictionPoint] | None = None,
        *,
        user: AnyUser,
    ) -> None:
        data = choice_or_default(data, "status", StatusChoice.OPEN)
        super().__init__(data=data, queryset=queryset)
        self.user = user
        # Only a Beheerder sees other commissioners' dashboards.
        if not is_administrator(user):
            del self.filters["commissioner"]

    # --- applying --------------------------------------------------------------------------

    @property
    def values(self) -> dict[str, Any]:
        """The valid filter values; an invalid one (an unknown department) is ignored
        rather than emptying the page."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def filter_queryset(
        self, queryset: QuerySet[FrictionPoint], *, skip: Iterable[str] = ()
    ) -> QuerySet[FrictionPoint]:
        for name, value in self.values.items():
            if name not in skip and name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self) -> QuerySet[FrictionPoint]:
        return self.filter_queryset(self.queryset.all())

    def qs_any_status(self) -> QuerySet[FrictionPoint]:
        return self.filter_queryset(self.queryset.all(), skip=("status",))

    def status_q(self) -> Q:
        return status_q(self.values.get("status") or StatusChoice.OPEN)

    def filter_projects(self, projects: ProjectQuerySet) -> ProjectQuerySet:
        """The projects narrowed by the filters that apply to projects."""
        values = self.values
        commissioner = values.get("commissioner") if "commissioner" in self.filters else None
        if commissioner is not None:
            projects = projects.filter(commissioner=commissioner)
        department = values.get("department")
        if department is not None:
            involved = DepartmentInvolvement.objects.filter(department=department)
            projects = projects.filter(pk__in=involved.values("project_id"))
        return projects

    @property
    def chosen_commissioner(self) -> Any:
        if "commissioner" not in self.filters:
            return None
        return self.values.get("commissioner")

    @property
    def is_filtered(self) -> bool:
        values = self.values
        return values.get("status") not in (None, "", StatusChoice.OPEN) or any(
            values.get(name)
            for name in ("commissioner", "department", "category", "severity", "period")
        )

    # --- the filter methods ----------------------------------------------------------------

    def filter_period(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        if not value:
            return queryset
        since = timezone.now() - dt.timedelta(days=int(value))
        return queryset.filter(created_at__gte=since)


def dashboard_filter(request: HttpRequest) -> DashboardFilter:
    """The dashboard's FilterSet over the friction of the user's dashboard projects; the
    exports and the portfolio report use the same one."""
    if not may_use_dashboard(request.user):
        raise PermissionDenied
    projects = dashboard_projects(user=request.user)
    return DashboardFilter(
        request.GET, queryset=dashboard_friction(projects=projects), user=request.user
    )
