"""The people admin: a Beheerder manages people and can never escalate (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Department, Role
from tests.factories import (
    AdministratorFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    LeaderFactory,
    UserFactory,
    role_group,
)

pytestmark = pytest.mark.django_db

PERSON_FIELDS = {"first_name", "last_name", "email", "is_active", "roles", "departments"}


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def roles_of(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_data(user: User, **changes: Any) -> dict[str, Any]:
    """The Beheerder's form as a browser sends it, with ``changes`` applied (False = left out)."""
    data: dict[str, Any] = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else False,
        "roles": sorted(roles_of(user)),
        "departments": [d.pk for d in Department.objects.filter(head=user)],
        **changes,
    }
    return {key: value for key, value in data.items() if value is not False}


def stock_data(user: User, **changes: Any) -> dict[str, Any]:
    """The superuser's stock change form as a browser sends it."""
    user = User.objects.get(pk=user.pk)
    joined = timezone.localtime(user.date_joined)
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else False,
        "is_superuser": "on" if user.is_superuser else False,
        "groups": list(user.groups.values_list("pk", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        **changes,
    }
    return {key: value for key, value in data.items() if value is not False}


def error_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


@pytest.fixture
def beheerder() -> User:
    return AdministratorFactory(username="bea", first_name="Bea", last_name="Beheer")


@pytest.fixture
def as_beheerder(beheerder) -> Client:
    return signed_in(beheerder)


@pytest.fixture
def superuser() -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def as_superuser(superuser) -> Client:
    return signed_in(superuser)


@pytest.fixture
def leader() -> User:
    return LeaderFactory(username="pim", first_name="Pim", last_name="Leider")


# --- the form a Beheerder gets ------------------------------------------------------------------


def test_the_beheerders_change_form_has_exactly_the_allowed_fields(as_beheerder, leader) -> None:
    response = as_beheerder.get(change_url(leader))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == PERSON_FIELDS
    page = response.content.decode()
    for forbidden in ("is_superuser", "is_staff", "user_permissions", 'name="groups"'):
        assert forbidden not in page


def test_the_beheerders_add_form_has_exactly_the_allowed_fields(as_beheerder) -> None:
    response = as_beheerder.get(reverse("admin:auth_user_add"))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == PERSON_FIELDS | {"username"}


def test_a_superuser_keeps_the_full_stock_form(as_superuser, leader) -> None:
    fields = set(as_superuser.get(change_url(leader)).context["adminform"].form.fields)

    assert {"is_superuser", "groups", "user_permissions", "is_active", "username"} <= fields
    assert "is_staff" not in fields  # shown, but derived from the roles


def test_forged_fields_in_a_change_change_nothing(as_beheerder, leader) -> None:
    other_group = Group.objects.create(name="Geheime groep")
    permission = Permission.objects.get(codename="delete_user")
    data = person_data(
        leader,
        is_superuser="on",
        is_staff="on",
        user_permissions=[permission.pk],
        groups=[other_group.pk, role_group(Role.ADMINISTRATOR).pk],
    )

    response = as_beheerder.post(change_url(leader), data)

    assert response.status_code == 302
    stored = User.objects.get(pk=leader.pk)
    assert not stored.is_superuser
    assert not stored.is_staff
    assert not stored.user_permissions.exists()
    assert roles_of(stored) == {Role.PROJECT_LEADER}


def test_forged_fields_in_an_add_change_nothing(as_beheerder) -> None:
    permission = Permission.objects.get(codename="delete_user")
    data = {
        "username": "nieuw",
        "first_name": "Nina",
        "last_name": "Nieuw",
        "email": "nina@gemeente.example",
        "is_active": "on",
        "roles": [Role.PROJECT_LEADER],
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [permission.pk],
        "groups": [role_group(Role.ADMINISTRATOR).pk],
        "password1": "een-heel-lang-wachtwoord",
        "password2": "een-heel-lang-wachtwoord",
    }

    response = as_beheerder.post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 302
    stored = User.objects.get(username="nieuw")
    assert (stored.is_superuser, stored.is_staff, stored.is_active) == (False, False, True)
    assert not stored.user_permissions.exists()
    assert roles_of(stored) == {Role.PROJECT_LEADER}
    assert not stored.has_usable_password()


def test_a_username_taken_in_other_letters_is_refused_beside_the_field(as_beheerder, leader):
    data = {"username": "PIM", "first_name": "Ander", "is_active": "on"}

    response = as_beheerder.post(reverse("admin:auth_user_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [
        "Er is al een account met deze gebruikersnaam."
    ]
    assert User.objects.filter(username__iexact="pim").count() == 1


def test_an_unknown_role_is_refused_beside_the_field(as_beheerder, leader) -> None:
    response = as_beheerder.post(change_url(leader), person_data(leader, roles=["Superuser"]))

    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    assert roles_of(leader) == {Role.PROJECT_LEADER}


# --- superusers are out of reach ----------------------------------------------------------------


def test_a_beheerder_never_sees_a_superuser(as_beheerder, superuser, leader) -> None:
    listing = as_beheerder.get(reverse("admin:auth_user_changelist"))
    assert listing.status_code == 200
    shown = {user.username for user in listing.context["cl"].result_list}
    assert shown == {"bea", "pim"}

    for view in ("change", "history", "delete", "password_change"):
        url = reverse(f"admin:auth_user_{view}", args=[superuser.pk])
        assert as_beheerder.get(url).status_code == 404, view
    stock = stock_data(superuser, first_name="Gehackt", is_superuser=False)
    assert as_beheerder.post(change_url(superuser), stock).status_code == 404
    assert User.objects.get(pk=superuser.pk).first_name != "Gehackt"


def test_a_beheerder_cannot_reset_a_superusers_password(as_beheerder, superuser) -> None:
    data = {"password1": "overgenomen-123", "password2": "overgenomen-123"}
    data["set_usable_password"] = "true"

    assert as_beheerder.post(password_url(superuser), data).status_code == 404
    assert User.objects.get(pk=superuser.pk).check_password("binnenbuiten")


# --- another Beheerder ---------------------------------------------------------------------------


def test_another_beheerders_roles_active_flag_and_password_are_read_only(
    as_beheerder, security_log
) -> None:
    colleague = AdministratorFactory(username="kees", first_name="Kees")

    page = as_beheerder.get(change_url(colleague))
    assert set(page.context["adminform"].form.fields) == {
        "first_name",
        "last_name",
        "email",
        "departments",
    }
    assert password_url(colleague) not in page.content.decode()

    data = {**person_data(colleague, first_name="Cees", is_active=False, roles=[])}
    response = as_beheerder.post(change_url(colleague), data)

    assert response.status_code == 302
    stored = User.objects.get(pk=colleague.pk)
    assert stored.first_name == "Cees"  # name and e-mail stay editable
    assert stored.is_active and stored.is_staff
    assert roles_of(stored) == {Role.ADMINISTRATOR}
    assert security_log("roles_changed") == []


def test_a_beheerder_cannot_reset_another_beheerders_password(as_beheerder) -> None:
    colleague = AdministratorFactory(username="kees")
    data = {"password1": "overgenomen-123", "password2": "overgenomen-123"}

    assert as_beheerder.get(password_url(colleague)).status_code == 403
    assert as_beheerder.post(password_url(colleague), data).status_code == 403
    assert User.objects.get(pk=colleague.pk).check_password("binnenbuiten")


def test_someone_a_superuser_gave_extra_permissions_is_read_only_too(as_beheerder) -> None:
    powerful = LeaderFactory(username="krachtig")
    powerful.user_permissions.add(Permission.objects.get(codename="delete_user"))

    page = as_beheerder.get(change_url(powerful))

    assert "roles" not in page.context["adminform"].form.fields
    assert as_beheerder.get(password_url(powerful)).status_code == 403


def test_a_beheerder_resets_the_password_of_an_ordinary_person(as_beheerder, leader) -> None:
    data = {
        "password1": "nieuw-wachtwoord-42",
        "password2": "nieuw-wachtwoord-42",
        "set_usable_password": "true",
    }

    response = as_beheerder.post(password_url(leader), data)

    assert response.status_code == 302
    assert User.objects.get(pk=leader.pk).check_password("nieuw-wachtwoord-42")


# --- roles, is_staff and the security log ---------------------------------------------------


def test_is_staff_follows_the_beheerder_role(as_beheerder, beheerder, leader, security_log):
    roles = [Role.PROJECT_LEADER, Role.ADMINISTRATOR]
    response = as_beheerder.post(change_url(leader), person_data(leader, roles=roles))
    assert response.status_code == 302
    stored = User.objects.get(pk=leader.pk)
    assert stored.is_staff and not stored.is_superuser
    assert roles_of(stored) == set(roles)

    # Now a Beheerder too, so only a superuser can take the role away again.
    response = signed_in(UserFactory(is_superuser=True, is_staff=True)).post(
        change_url(leader), stock_data(leader, groups=[role_group(Role.PROJECT_LEADER).pk])
    )
    assert response.status_code == 302
    stored = User.objects.get(pk=leader.pk)
    assert not stored.is_staff
    assert roles_of(stored) == {Role.PROJECT_LEADER}

    granted, taken = security_log("roles_changed")
    assert (granted["user"], granted["subject"], granted["added"], granted["is_staff"]) == (
        "bea",
        "pim",
        [Role.ADMINISTRATOR],
        True,
    )
    assert (taken["subject"], taken["removed"], taken["is_staff"]) == (
        "pim",
        [Role.ADMINISTRATOR],
        False,
    )


def test_other_groups_a_superuser_gave_stay_when_a_beheerder_changes_roles(as_beheerder):
    person = LeaderFactory()
    extra = Group.objects.create(name="Nieuwsbrief")  # a group without permissions
    person.groups.add(extra)
    roles = [Role.PROJECT_LEADER, Role.COMMISSIONER]

    response = as_beheerder.post(change_url(person), person_data(person, roles=roles))

    assert response.status_code == 302
    assert set(User.objects.get(pk=person.pk).groups.all()) == {
        role_group(Role.PROJECT_LEADER),
        role_group(Role.COMMISSIONER),
        extra,
    }


def test_deactivating_ends_the_sessions_and_is_logged(as_beheerder, leader, security_log):
    device = signed_in(leader)
    assert device.get(reverse("projects:list")).status_code == 200

    response = as_beheerder.post(change_url(leader), person_data(leader, is_active=False))

    assert response.status_code == 302
    assert not User.objects.get(pk=leader.pk).is_active
    assert device.get(reverse("projects:list")).status_code == 302
    (event,) = security_log("account_deactivated")
    assert (event["user"], event["subject"], event["subject_id"]) == ("bea", "pim", leader.pk)
    (ended,) = security_log("sessions_ended")
    assert (ended["subject"], ended["sessions"], ended["reason"]) == ("pim", 1, "deactivated")


# --- head of department ---------------------------------------------------------------------


def test_head_of_department_is_set_and_moved_from_the_previous_head(
    as_beheerder, leader, security_log
) -> None:
    previous = DepartmentHeadFactory(username="ida", first_name="Ida", last_name="Hoofd")
    taken = DepartmentFactory(name="Wegen", head=previous)
    free = DepartmentFactory(name="Groen")

    page = as_beheerder.get(change_url(leader)).content.decode()
    assert "Wegen (nu hoofd: Ida Hoofd)" in page
    assert "Groen (nog geen hoofd)" in page

    response = as_beheerder.post(
        change_url(leader), person_data(leader, departments=[taken.pk, free.pk]), follow=True
    )

    assert response.status_code == 200
    assert set(Department.objects.filter(head=leader)) == {taken, free}
    assert not Department.objects.filter(head=previous).exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == ["Pim Leider is nu hoofd van Wegen. Ida Hoofd is dat niet meer."]
    moves = {e["department"]: e for e in security_log("department_head_changed")}
    assert (moves["Wegen"]["head"], moves["Wegen"]["previous_head"]) == ("pim", "ida")
    assert (moves["Groen"]["head"], moves["Groen"]["previous_head"]) == ("pim", None)
    assert moves["Wegen"]["user"] == "bea"


def test_unticking_a_department_leaves_it_without_head(as_beheerder, leader) -> None:
    department = DepartmentFactory(head=leader)

    as_beheerder.post(change_url(leader), person_data(leader, departments=[]))

    department.refresh_from_db()
    assert department.head is None


# --- the last Beheerder ---------------------------------------------------------------------


def test_the_last_beheerder_cannot_take_their_own_role_away(as_beheerder, beheerder):
    response = as_beheerder.post(
        change_url(beheerder), person_data(beheerder, roles=[Role.PROJECT_LEADER])
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["roles"] == [
        "Bea Beheer is de laatste Beheerder. Geef eerst iemand anders de rol Beheerder; "
        "daarna kun je deze rol weghalen."
    ]
    assert roles_of(beheerder) == {Role.ADMINISTRATOR}
    assert User.objects.get(pk=beheerder.pk).is_staff


def test_the_last_beheerder_cannot_deactivate_themselves(as_beheerder, beheerder):
    response = as_beheerder.post(change_url(beheerder), person_data(beheerder, is_active=False))

    assert response.status_code == 200
    assert "laatste Beheerder" in response.context["adminform"].form.errors["is_active"][0]
    assert User.objects.get(pk=beheerder.pk).is_active


def test_a_superuser_does_not_count_as_a_second_beheerder(beheerder) -> None:
    root = AdministratorFactory(is_superuser=True)  # in the Beheerder group, yet not counted
    client = signed_in(root)

    response = client.post(
        change_url(beheerder), stock_data(beheerder, groups=[], first_name="Weg")
    )

    assert response.status_code == 200
    assert "laatste Beheerder" in response.context["adminform"].form.errors["groups"][0]
    stored = User.objects.get(pk=beheerder.pk)
    assert roles_of(stored) == {Role.ADMINISTRATOR}
    assert stored.first_name == "Bea"


def test_a_superuser_cannot_deactivate_the_last_beheerder(as_superuser, beheerder) -> None:
    response = as_superuser.post(change_url(beheerder), stock_data(beheerder, is_active=False))

    assert response.status_code == 200
    assert "laatste Beheerder" in response.context["adminform"].form.errors["is_active"][0]
    assert User.objects.get(pk=beheerder.pk).is_active


def test_a_superuser_cannot_delete_the_last_beheerder(as_superuser, beheerder) -> None:
    url = reverse("admin:auth_user_delete", args=[beheerder.pk])

    for send in (as_superuser.get, lambda url: as_superuser.post(url, {"post": "yes"})):
        response = send(url)
        assert response.status_code == 302
        assert response.url == change_url(beheerder)
        assert error_messages(as_superuser.get(response.url)) == [
            "Bea Beheer is de laatste Beheerder en kan daarom niet worden verwijderd. "
            "Geef eerst iemand anders de rol Beheerder."
        ]
    assert User.objects.filter(pk=beheerder.pk).exists()


def test_deleting_all_beheerders_at_once_is_refused(as_superuser, beheerder, leader) -> None:
    data = {
        "action": "delete_selected",
        "_selected_action": [beheerder.pk, leader.pk],
        "post": "yes",
    }

    response = as_superuser.post(reverse("admin:auth_user_changelist"), data)

    assert response.status_code == 302
    assert "laatste Beheerder" in error_messages(as_superuser.get(response.url))[0]
    assert User.objects.filter(pk__in=[beheerder.pk, leader.pk]).count() == 2


def test_a_beheerder_removed_between_form_and_save_is_refused_without_saving(
    monkeypatch, client
) -> None:
    """The form checks early without locks; the service decides. Here the form's check is
    made to miss, as when the other Beheerder left after the form was checked."""
    last = AdministratorFactory(first_name="Bea", last_name="Beheer")
    client.force_login(last)
    monkeypatch.setattr("accounts.forms.people.administrator_is_last", lambda **kwargs: False)
    url = reverse("admin:auth_user_change", args=[last.pk])
    data = {"first_name": "Anders", "last_name": "Beheer", "is_active": "on", "roles": []}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == url
    shown = [str(m) for m in client.get(url).context["messages"]]
    assert shown == [
        "Bea Beheer is de laatste Beheerder. Geef eerst iemand anders de rol Beheerder; "
        "daarna kun je deze rol weghalen."
    ]
    stored = User.objects.get(pk=last.pk)
    assert stored.first_name == "Bea"  # nothing of the form was saved
    assert roles_of(stored) == {Role.ADMINISTRATOR}


# --- a superuser can still do everything else ------------------------------------------------


def test_a_superuser_changes_another_beheerders_roles_and_password(
    as_superuser, beheerder, security_log
) -> None:
    colleague = AdministratorFactory(username="kees")

    response = as_superuser.post(
        change_url(colleague), stock_data(colleague, groups=[role_group(Role.COMMISSIONER).pk])
    )
    assert response.status_code == 302
    stored = User.objects.get(pk=colleague.pk)
    assert roles_of(stored) == {Role.COMMISSIONER}
    assert not stored.is_staff

    data = {
        "password1": "nieuw-wachtwoord-42",
        "password2": "nieuw-wachtwoord-42",
        "set_usable_password": "true",
    }
    assert as_superuser.post(password_url(beheerder), data).status_code == 302
    assert User.objects.get(pk=beheerder.pk).check_password("nieuw-wachtwoord-42")
    assert security_log("roles_changed")[0]["user"] == "root"


def test_a_superuser_makes_someone_superuser_and_gives_permissions(
    as_superuser, leader, security_log
) -> None:
    permission = Permission.objects.get(codename="delete_user")

    response = as_superuser.post(
        change_url(leader),
        stock_data(leader, is_superuser="on", user_permissions=[permission.pk]),
    )

    assert response.status_code == 302
    stored = User.objects.get(pk=leader.pk)
    assert stored.is_superuser and stored.is_staff
    assert list(stored.user_permissions.all()) == [permission]
    (event,) = security_log("superuser_changed")
    assert (event["subject"], event["is_superuser"]) == ("pim", True)


def test_a_superuser_deletes_a_beheerder_who_is_not_the_last(as_superuser, beheerder) -> None:
    colleague = AdministratorFactory()
    url = reverse("admin:auth_user_delete", args=[colleague.pk])

    assert as_superuser.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=colleague.pk).exists()


def test_a_beheerder_drops_their_own_role_when_another_remains(beheerder, as_beheerder) -> None:
    colleague = AdministratorFactory()
    # The Beheerder can take away their own role now that another remains.
    response = as_beheerder.post(
        change_url(beheerder), person_data(beheerder, roles=[Role.COMMISSIONER])
    )

    assert response.status_code == 302
    assert roles_of(beheerder) == {Role.COMMISSIONER}
    assert not User.objects.get(pk=beheerder.pk).is_staff
    assert roles_of(colleague) == {Role.ADMINISTRATOR}
