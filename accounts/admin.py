"""The people admin: Django's User admin, made safe to hand to a Beheerder.

A superuser keeps the stock pages. Anyone else (a Beheerder) gets ``PersonForm``: name,
e-mail, active, the four roles and the departments the person heads, and never sees a
superuser (not listed; their pages answer 404). Another Beheerder's roles, active flag and
password are read-only for them (``accounts.permissions``). Every change of roles,
activity, superuser status or head of department is written by ``accounts.services``,
which derives ``is_staff``, ends the sessions of a deactivated account, logs the change,
and refuses to remove the last Beheerder, also when a superuser asks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms.people import (
    PersonAddForm,
    PersonDetailsForm,
    PersonForm,
    SuperuserUserChangeForm,
)
from accounts.permissions import may_change_access, may_open_person
from accounts.selectors import administrators_counted, removal_leaves_no_administrator
from accounts.services import (
    AccessChange,
    LastAdministratorError,
    last_administrator_message,
    user_roles_set,
    users_delete,
)
from governance.models import Role

User = get_user_model()

PERSONAL = gettext_lazy("Persoonlijke gegevens")
ACCESS = gettext_lazy("Toegang")
DATES = gettext_lazy("Belangrijke datums")


class PeopleAdmin(UserAdmin):
    form = SuperuserUserChangeForm
    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_active")

    # --- what a non-superuser sees ---------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        # Missing and hidden (a superuser, for anyone else) look the same: 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_open_person(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_open_person(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_access(request.user, obj))

    def get_list_filter(self, request: HttpRequest) -> tuple[str, ...]:
        if request.user.is_superuser:
            return ("is_staff", "is_superuser", "is_active", "groups")
        return ("is_active", "groups")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        if not request.user.is_superuser:
            if obj is None:
                kwargs["form"] = PersonAddForm
            elif may_change_access(request.user, obj):
                kwargs["form"] = PersonForm
            else:
                kwargs["form"] = PersonDetailsForm
            kwargs["fields"] = None  # the form's own fields, and only those
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return (
                (None, {"fields": ("username",)}),
                (PERSONAL, {"fields": ("first_name", "last_name", "email")}),
                (ACCESS, {"fields": ("is_active", "roles", "departments")}),
            )
        dates = (DATES, {"fields": ("last_login", "date_joined")})
        if may_change_access(request.user, obj):
            return (
                (None, {"fields": ("username", "password_link")}),
                (PERSONAL, {"fields": ("first_name", "last_name", "email")}),
                (ACCESS, {"fields": ("is_active", "roles", "departments")}),
                dates,
            )
        return (
            (None, {"fields": ("username", "password_status")}),
            (PERSONAL, {"fields": ("first_name", "last_name", "email")}),
            (
                ACCESS,
                {
                    "fields": ("active", "role_names", "departments"),
                    "description": _(
                        "Dit is een andere Beheerder, of iemand met meer rechten dan de vier "
                        "rollen. Alleen een supergebruiker kan de rollen, het wachtwoord en "
                        "'Actief' van deze persoon wijzigen."
                    ),
                },
            ),
            dates,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        if request.user.is_superuser:
            return ("is_staff",)  # derived from the roles by the service
        common = ("username", "last_login", "date_joined")
        if may_change_access(request.user, obj):
            return (*common, "password_link")
        return (*common, "password_status", "active", "role_names")

    @admin.display(description=gettext_lazy("Rollen"))
    def role_names(self, obj: Any) -> str:
        names = {group.name for group in obj.groups.all()} if obj.pk else set()
        return ", ".join(str(Role(name).label) for name in Role.values if name in names) or "-"

    @admin.display(description=gettext_lazy("Actief"), boolean=True)
    def active(self, obj: Any) -> bool:
        return obj.is_active

    @admin.display(description=gettext_lazy("Wachtwoord"))
    def password_link(self, obj: Any) -> str:
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html('{} <a href="{}">{}</a>', _password_state(obj), url, _("Wijzigen"))

    @admin.display(description=gettext_lazy("Wachtwoord"))
    def password_status(self, obj: Any) -> str:
        return _password_state(obj)

    # --- writes: everything about access goes through the services ---------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(form, PersonForm):
            change_made = self._save_person(request, obj, form, change)
        elif change:
            change_made = self._save_with_stock_form(request, obj, form)
        else:
            super().save_model(request, obj, form, change)
            return
        for move in change_made.head_moves:
            if move.head is not None and move.previous is not None:
                self.message_user(
                    request,
                    _("%(person)s is nu hoofd van %(department)s. %(previous)s is dat niet meer.")
                    % {
                        "person": _full_name(move.head),
                        "department": move.department.name,
                        "previous": _full_name(move.previous),
                    },
                    messages.WARNING,
                )

    def _save_person(
        self, request: HttpRequest, obj: Any, form: PersonForm, change: bool
    ) -> AccessChange:
        data = form.cleaned_data
        if not change:
            obj.set_unusable_password()
            obj.is_active = data["is_active"]
            obj.save()
        made = user_roles_set(
            user=obj,
            actor=request.user,
            roles=data["roles"] if "roles" in form.fields else None,
            departments=data["departments"] if "departments" in form.fields else None,
            is_active=data["is_active"] if change and "is_active" in form.fields else None,
            request=request,
        )
        if change:
            obj.save(update_fields=list(form._meta.fields))
        return made

    def _save_with_stock_form(self, request: HttpRequest, obj: Any, form: Any) -> AccessChange:
        groups = form.cleaned_data.get("groups")
        # The service stores the flags the form put on obj (and puts what it stored back on
        # obj); save_related then stores the chosen groups, whose roles are already set.
        made = user_roles_set(
            user=obj,
            actor=request.user,
            roles=None if groups is None else {g.name for g in groups} & set(Role.values),
            is_active=obj.is_active if "is_active" in form.fields else None,
            is_superuser=obj.is_superuser if "is_superuser" in form.fields else None,
            request=request,
        )
        obj.save()
        return made

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The form refuses in advance; this is for a Beheerder removed in the meantime.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LastAdministratorError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        back = reverse("admin:auth_user_change", args=[obj.pk])
        if self.has_delete_permission(request, obj) and removal_leaves_no_administrator(
            pks=[obj.pk]
        ):
            self.message_user(
                request, last_administrator_message(user=obj, way="delete"), messages.ERROR
            )
            return HttpResponseRedirect(back)
        try:
            return super().delete_view(request, object_id, extra_context)
        except LastAdministratorError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(back)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        users_delete(users=[obj], actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        users_delete(users=list(queryset), actor=request.user, request=request)

    @admin.action(permissions=["delete"], description=django_delete_selected.short_description)
    def delete_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        pks = list(queryset.values_list("pk", flat=True))
        if removal_leaves_no_administrator(pks=pks):
            last = administrators_counted().filter(pk__in=pks).first()
            self.message_user(
                request, last_administrator_message(user=last, way="delete"), messages.ERROR
            )
            return None
        try:
            with transaction.atomic():
                return django_delete_selected(self, request, queryset)
        except LastAdministratorError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None

    actions = (delete_selected,)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        person = self.get_object(request, unquote(id))
        if not may_change_access(request.user, person):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def _full_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _password_state(user: Any) -> str:
    if user.has_usable_password():
        return _("Er is een wachtwoord ingesteld.")
    return _("Geen wachtwoord: deze persoon logt in via de organisatie, of krijgt er hier een.")


admin.site.unregister(User)
admin.site.register(User, PeopleAdmin)
