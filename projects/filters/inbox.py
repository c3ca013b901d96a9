"""The department inbox's filters."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from governance.models import Department
from projects.filters.friction import (
    FrictionFilterSet,
    StatusChoice,
    choice_or_default,
    department_filter,
    status_filter,
)
from projects.models import FrictionPoint
from projects.permissions import AnyUser


class InboxFilter(FrictionFilterSet):
    """The department inbox: every point by default (open ones first), narrowed to open or
    closed ones or to one of the head's departments."""

    status = status_filter()
    department = department_filter(_("Al mijn afdelingen"))

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[FrictionPoint] | None = None,
        *,
        user: AnyUser,
    ) -> None:
        data = choice_or_default(data, "status", StatusChoice.ALL)
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
