"""The forms of the people admin.

Someone who is not a superuser gets ``PersonForm``: name, e-mail, active, the four roles and
the departments the person heads; nothing else exists in the form, so posted extra fields
(``is_superuser``, ``is_staff``, ``groups``, ``user_permissions``) are ignored. A superuser
keeps Django's own user form. The forms only explain a refusal early; the writes and the
rules that must hold are in ``accounts.services``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.selectors import administrator_is_last, departments_for_heads, user_role_names
from accounts.services import ADMINISTRATOR, last_administrator_message
from governance.models import Department, Role

User = get_user_model()


def _check_last_administrator(
    form: forms.ModelForm,
    *,
    roles: Collection[str] | None,
    active: bool | None,
    roles_field: str,
    active_field: str,
) -> None:
    """Put the refusal beside the field that would remove the last Beheerder."""
    person = form.instance
    if person.pk is None or person.is_superuser or not person.is_active:
        return
    if roles is None or active is None or ADMINISTRATOR not in user_role_names(user=person):
        return
    if ADMINISTRATOR in roles and active:
        return
    if not administrator_is_last(user=person):
        return
    if ADMINISTRATOR not in roles:
        form.add_error(roles_field, last_administrator_message(user=person, way="role"))
    else:
        form.add_error(active_field, last_administrator_message(user=person, way="active"))


class DepartmentsToHeadField(forms.ModelMultipleChoiceField):
    """Each department with its current head, so moving it to this person is visible."""

    widget = forms.CheckboxSelectMultiple
    person_pk: int | None = None

    def label_from_instance(self, obj: Department) -> str:
        if obj.head_id is None:
            return _("%(department)s (nog geen hoofd)") % {"department": obj.name}
        if obj.head_id == self.person_pk:
            return obj.name
        head = obj.head.get_full_name() or obj.head.get_username()
        return _("%(department)s (nu hoofd: %(head)s)") % {"department": obj.name, "head": head}


class PersonForm(forms.ModelForm):
    is_active = forms.BooleanField(
        label=_("Actief"),
        required=False,
        help_text=_(
            "Wie niet actief is, kan niet meer inloggen en wordt meteen overal uitgelogd. "
            "Zet een account liever op inactief dan het te verwijderen."
        ),
    )
    roles = forms.MultipleChoiceField(
        label=_("Rollen"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Met de rol Beheerder kan iemand in dit beheer werken."),
    )
    departments = DepartmentsToHeadField(
        label=_("Hoofd van afdeling(en)"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_(
            "Een afdeling heeft één hoofd. Kies je een afdeling die nu een ander hoofd heeft, "
            "dan wordt deze persoon daar hoofd en is de vorige dat niet meer."
        ),
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.instance
        if "departments" in self.fields:
            field = self.fields["departments"]
            field.queryset = departments_for_heads()
            field.person_pk = person.pk
        if person.pk is None:
            self.initial.setdefault("is_active", True)
            return
        self.initial.setdefault("is_active", person.is_active)
        self.initial.setdefault("roles", sorted(user_role_names(user=person)))
        self.initial.setdefault(
            "departments", list(person.headed_departments.values_list("pk", flat=True))
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "roles" in self.fields and "is_active" in self.fields:
            _check_last_administrator(
                self,
                roles=cleaned.get("roles"),
                active=cleaned.get("is_active"),
                roles_field="roles",
                active_field="is_active",
            )
        return cleaned


class PersonAddForm(PersonForm):
    """A new person; they get no password here (they sign in through the organisation, or
    get one on the password page afterwards)."""

    class Meta(PersonForm.Meta):
        fields = ("username", "first_name", "last_name", "email")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("Er is al een account met deze gebruikersnaam."), code="unique"
            )
        return username


class PersonDetailsForm(PersonForm):
    """Another Beheerder (or someone with more than the four roles): their roles and active
    flag are not for this form, only a superuser changes them."""

    roles = None
    is_active = None


class SuperuserUserChangeForm(UserChangeForm):
    """Django's own form, for superusers, with the one refusal that holds for them too."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "groups" in self.fields and "is_active" in self.fields:
            groups = cleaned.get("groups")
            _check_last_administrator(
                self,
                roles=None if groups is None else {group.name for group in groups},
                active=cleaned.get("is_active"),
                roles_field="groups",
                active_field="is_active",
            )
        return cleaned
