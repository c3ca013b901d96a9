"""The department inbox's filters."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from governance.models import Department
from projects.filters.dashboard import friction_of_department, status_q
from projects.filters.friction import SELECT, StatusChoice
from projects.models import FrictionPoint
from projects.permissions import AnyUser


class InboxFilter(django_filters.FilterSet):
    """The department inbox: every point by default (open ones first), narrowed to open or
    closed ones or to one of the head's departments."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=StatusChoice.CHOICES,
        method="filter_status",
        empty_label=None,
        widget=SELECT,
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Afdeling"),
        queryset=Department.objects.none(),
        method="filter_department",
        empty_label=_("Al mijn afdelingen"),
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
        user: AnyUser,
    ) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if data.get("status") not in StatusChoice.VALUES:
            data["status"] = StatusChoice.ALL
        super().__init__(data=data, queryset=queryset)
        self.filters["department"].queryset = Department.objects.filter(head=user).order_by("name")

    @property
    def qs(self) -> QuerySet[FrictionPoint]:
        # An invalid value is ignored rather than emptying the inbox.
        self.form.is_valid()
        queryset = self.queryset.all()
        for name, value in getattr(self.form, "cleaned_data", {}).items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_status(
        self, queryset: QuerySet[FrictionPoint], name: str, value: str
    ) -> QuerySet[FrictionPoint]:
        return queryset.filter(status_q(value))

    def filter_department(
        self, queryset: QuerySet[FrictionPoint], name: str, value: Department | None
    ) -> QuerySet[FrictionPoint]:
        return friction_of_department(queryset, value)
