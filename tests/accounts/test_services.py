"""The people services: the rules hold whoever calls them (the admin, a later import)."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.services import LastAdministratorError, user_roles_set, users_delete
from governance.models import Role
from tests.factories import AdministratorFactory, DepartmentFactory, LeaderFactory, UserFactory

ADMIN = Role.ADMINISTRATOR


def roles_of(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


@pytest.fixture
def root(db) -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.django_db
class TestTheLastBeheerder:
    def test_taking_the_role_away_is_refused_beside_the_roles(self, root) -> None:
        last = AdministratorFactory()

        with pytest.raises(LastAdministratorError) as refused:
            user_roles_set(user=last, actor=root, roles=[Role.PROJECT_LEADER])

        assert list(refused.value.error_dict) == ["roles"]
        assert roles_of(last) == {ADMIN}
        assert User.objects.get(pk=last.pk).is_staff

    def test_deactivating_is_refused_beside_active(self, root) -> None:
        last = AdministratorFactory()

        with pytest.raises(LastAdministratorError) as refused:
            user_roles_set(user=last, actor=root, is_active=False)

        assert list(refused.value.error_dict) == ["is_active"]
        assert User.objects.get(pk=last.pk).is_active

    def test_deleting_is_refused(self, root) -> None:
        last = AdministratorFactory()
        leader = LeaderFactory()

        with pytest.raises(LastAdministratorError):
            users_delete(users=[leader, last], actor=root)

        assert User.objects.filter(pk__in=[last.pk, leader.pk]).count() == 2

    def test_an_inactive_beheerder_or_a_superuser_does_not_count(self, root) -> None:
        last = AdministratorFactory()
        AdministratorFactory(is_active=False)
        AdministratorFactory(is_superuser=True)

        with pytest.raises(LastAdministratorError):
            user_roles_set(user=last, actor=root, roles=[])
        assert roles_of(last) == {ADMIN}

    def test_with_a_second_beheerder_each_removal_is_allowed(self, root) -> None:
        first, second = AdministratorFactory(), AdministratorFactory()

        user_roles_set(user=first, actor=root, is_active=False)
        assert not User.objects.get(pk=first.pk).is_active
        with pytest.raises(LastAdministratorError):
            users_delete(users=[second], actor=root)
        assert User.objects.filter(pk=second.pk).exists()

    def test_a_superuser_in_the_role_may_lose_it(self, root) -> None:
        AdministratorFactory()
        emergency = AdministratorFactory(is_superuser=True)

        user_roles_set(user=emergency, actor=root, roles=[])

        assert roles_of(emergency) == set()


@pytest.mark.django_db
class TestWhoMayChangeWhom:
    def test_a_beheerder_never_changes_a_superuser(self, root) -> None:
        beheerder = AdministratorFactory()

        with pytest.raises(PermissionDenied):
            user_roles_set(user=root, actor=beheerder, departments=[DepartmentFactory()])
        assert not root.headed_departments.exists()

    def test_a_beheerder_does_not_change_another_beheerders_roles_or_activity(self) -> None:
        beheerder, colleague = AdministratorFactory(), AdministratorFactory()

        for change in ({"roles": []}, {"is_active": False}):
            with pytest.raises(PermissionDenied):
                user_roles_set(user=colleague, actor=beheerder, **change)
        stored = User.objects.get(pk=colleague.pk)
        assert stored.is_active and roles_of(stored) == {ADMIN}

    def test_only_a_superuser_makes_a_superuser(self, root) -> None:
        beheerder, leader = AdministratorFactory(), LeaderFactory()

        with pytest.raises(PermissionDenied):
            user_roles_set(user=leader, actor=beheerder, is_superuser=True)
        assert not User.objects.get(pk=leader.pk).is_superuser

        user_roles_set(user=leader, actor=root, is_superuser=True)
        stored = User.objects.get(pk=leader.pk)
        assert stored.is_superuser and stored.is_staff

    def test_is_staff_is_derived_whatever_was_stored(self, root) -> None:
        clerk = UserFactory(is_staff=True)

        user_roles_set(user=clerk, actor=root, roles=[Role.PROJECT_LEADER])

        assert not User.objects.get(pk=clerk.pk).is_staff

    def test_a_role_that_does_not_exist_is_refused(self, root) -> None:
        leader = LeaderFactory()

        with pytest.raises(ValueError):
            user_roles_set(user=leader, actor=root, roles=["Superuser"])
        assert roles_of(leader) == {Role.PROJECT_LEADER}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beheerders_dropping_their_role_at_once_leave_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no concurrent writers or row locks")
    first, second = AdministratorFactory(), AdministratorFactory()
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, BaseException | None] = {}

    def drop_own_role(person: User, hold: bool) -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                user_roles_set(user=person, actor=person, roles=[])
                if hold:
                    holding.set()
                    release.wait(timeout=30)
            outcome[person.username] = None
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            outcome[person.username] = exc
        finally:
            holding.set()
            connection.close()

    one = threading.Thread(target=drop_own_role, args=(first, True))
    one.start()
    assert holding.wait(timeout=30)
    two = threading.Thread(target=drop_own_role, args=(second, False))
    two.start()
    # Let the second writer reach the lock (it waits there) or, without locks, finish.
    deadline = time.monotonic() + 10
    while two.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    release.set()
    one.join(timeout=30)
    two.join(timeout=30)

    assert outcome[first.username] is None
    assert isinstance(outcome[second.username], LastAdministratorError)
    assert roles_of(first) == set()
    assert roles_of(second) == {ADMIN}
