"""Writes about people: their roles, whether they may sign in, which departments they head,
and removing them. The admin, and any later import of users, go through these.

Rules that hold whoever calls:
- ``is_staff`` (entry to the admin) is derived: true exactly for a superuser or a Beheerder.
- The last Beheerder is never removed: not by taking the role away, not by deactivating,
  not by deleting, also not by a superuser. "Beheerder" here means an active member of the
  Beheerder role who is not a superuser (``administrators_counted``).
- Only a superuser changes a superuser, or the roles and active flag of another Beheerder
  (``accounts.permissions``).
- Every change of roles, activity or head of department goes to the security log.

Concurrency: each write locks the row of the person and those of every counted Beheerder
(``SELECT ... FOR UPDATE``, in id order so two writers never deadlock) before it counts who
would remain. Two Beheerders taking each other's role at the same moment are thus served
one after the other, and the second sees the first's change and is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.permissions import may_change_access, may_open_person
from accounts.selectors import administrators_counted, user_role_names
from governance.models import Department, Role
from web.audit_log import security_event
from web.security import user_sessions_end

User = get_user_model()
ADMINISTRATOR = Role.ADMINISTRATOR.value


class LastAdministratorError(ValidationError):
    """The change would leave no Beheerder; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__({field: [message]} if field else message, code="last_administrator")


def last_administrator_message(*, user: AbstractBaseUser, way: str) -> str:
    """The refusal in words, for ``way`` = "role", "active" or "delete"."""
    name = user.get_full_name() or user.get_username()
    messages = {
        "role": _(
            "%(name)s is de laatste Beheerder. Geef eerst iemand anders de rol Beheerder; "
            "daarna kun je deze rol weghalen."
        ),
        "active": _(
            "%(name)s is de laatste Beheerder en kan daarom niet op inactief. Geef eerst "
            "iemand anders de rol Beheerder."
        ),
        "delete": _(
            "%(name)s is de laatste Beheerder en kan daarom niet worden verwijderd. Geef eerst "
            "iemand anders de rol Beheerder."
        ),
    }
    return messages[way] % {"name": name}


@dataclass(frozen=True)
class HeadMove:
    """A department whose head changed: from ``previous`` (or nobody) to ``head`` (or nobody)."""

    department: Department
    previous: AbstractBaseUser | None
    head: AbstractBaseUser | None


@dataclass(frozen=True)
class AccessChange:
    roles_added: tuple[str, ...] = ()
    roles_removed: tuple[str, ...] = ()
    activity_changed: bool = False
    superuser_changed: bool = False
    head_moves: tuple[HeadMove, ...] = ()
    sessions_ended: int = 0


def _lock(pks: Collection[int]) -> dict[int, Any]:
    """Lock the given people and every counted Beheerder; return the given people, fresh."""
    counted = administrators_counted().values("pk")
    rows = User.objects.select_for_update().filter(Q(pk__in=pks) | Q(pk__in=counted)).order_by("pk")
    locked = {row.pk: row for row in rows}
    missing = set(pks) - set(locked)
    if missing:
        raise User.DoesNotExist(f"No user with id {sorted(missing)}")
    return {pk: locked[pk] for pk in pks}


def _counted(user: Any, roles: Collection[str], *, active: bool) -> bool:
    # The superuser flag as stored before this change: making someone superuser is not
    # a way of removing a Beheerder, and a superuser never counted.
    return active and not user.is_superuser and ADMINISTRATOR in roles


def _someone_else_counted(removed: Collection[int]) -> bool:
    # A new statement, so under READ COMMITTED it sees what a writer we waited for committed.
    return administrators_counted().exclude(pk__in=removed).exists()


def _role_groups(names: Collection[str]) -> dict[str, Group]:
    groups = {group.name: group for group in Group.objects.filter(name__in=names)}
    if len(groups) != len(set(names)):
        raise ImproperlyConfigured(
            f"Role groups missing: {sorted(set(names) - set(groups))}; run the migrations."
        )
    return groups


def _name(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def user_roles_set(
    *,
    user: AbstractBaseUser,
    actor: AbstractBaseUser,
    roles: Collection[str] | None = None,
    departments: Iterable[Department] | None = None,
    is_active: bool | None = None,
    is_superuser: bool | None = None,
    request: HttpRequest | None = None,
) -> AccessChange:
    """Give ``user`` exactly ``roles`` (of the four; other groups stay), make them head of
    exactly ``departments`` (taking each from its previous head), and set ``is_active`` and
    ``is_superuser``. ``None`` leaves that part as it is. ``is_staff`` follows.

    Raises ``PermissionDenied`` when ``actor`` may not make this change, and
    ``LastAdministratorError`` when it would remove the last Beheerder. Deactivating ends
    the person's sessions. ``user`` is updated in memory too.
    """
    wanted_roles = None if roles is None else set(roles)
    if wanted_roles is not None and not wanted_roles <= set(Role.values):
        raise ValueError(f"Not a role: {sorted(wanted_roles - set(Role.values))}")
    with transaction.atomic():
        person = _lock([user.pk])[user.pk]
        before = user_role_names(user=person)
        after = before if wanted_roles is None else wanted_roles
        active = person.is_active if is_active is None else is_active
        superuser = person.is_superuser if is_superuser is None else is_superuser
        change = AccessChange(
            roles_added=tuple(sorted(after - before)),
            roles_removed=tuple(sorted(before - after)),
            activity_changed=active != person.is_active,
            superuser_changed=superuser != person.is_superuser,
        )
        if not may_open_person(actor, person):
            raise PermissionDenied
        touches_access = change.roles_added or change.roles_removed or change.activity_changed
        if (touches_access and not may_change_access(actor, person)) or (
            change.superuser_changed and not actor.is_superuser
        ):
            raise PermissionDenied

        was_counted = _counted(person, before, active=person.is_active)
        if (
            was_counted
            and not _counted(person, after, active=active)
            and not _someone_else_counted([person.pk])
        ):
            way = "role" if ADMINISTRATOR not in after else "active"
            field = "roles" if way == "role" else "is_active"
            raise LastAdministratorError(
                last_administrator_message(user=person, way=way), field=field
            )

        if change.roles_added or change.roles_removed:
            groups = _role_groups(set(change.roles_added) | set(change.roles_removed))
            person.groups.remove(*(groups[name] for name in change.roles_removed))
            person.groups.add(*(groups[name] for name in change.roles_added))
        person.is_active = active
        person.is_superuser = superuser
        person.is_staff = superuser or ADMINISTRATOR in after
        person.save(update_fields=["is_active", "is_superuser", "is_staff"])

        change = replace(
            change,
            head_moves=() if departments is None else _heads_set(person, departments),
            sessions_ended=user_sessions_end(user=person)
            if change.activity_changed and not active
            else 0,
        )
        _log(change, person=person, actor=actor, request=request, after=after)

    for attribute in ("is_active", "is_superuser", "is_staff"):
        setattr(user, attribute, getattr(person, attribute))
    user.__dict__.pop("_bb_roles", None)  # projects.permissions caches roles on the instance
    return change


def _heads_set(person: Any, departments: Iterable[Department]) -> tuple[HeadMove, ...]:
    wanted = {department.pk for department in departments}
    rows = list(
        Department.objects.select_for_update()
        .filter(Q(head=person) | Q(pk__in=wanted))
        .order_by("pk")
    )
    previous_ids = {row.head_id for row in rows if row.pk in wanted and row.head_id}
    previous = User.objects.in_bulk(previous_ids - {person.pk})
    moves = []
    for row in rows:
        if row.pk in wanted and row.head_id != person.pk:
            moves.append(HeadMove(row, previous.get(row.head_id), person))
        elif row.pk not in wanted:
            moves.append(HeadMove(row, person, None))
    taken = [move.department.pk for move in moves if move.head is not None]
    left = [move.department.pk for move in moves if move.head is None]
    Department.objects.filter(pk__in=taken).update(head=person)
    Department.objects.filter(pk__in=left).update(head=None)
    return tuple(moves)


def _log(
    change: AccessChange,
    *,
    person: Any,
    actor: AbstractBaseUser,
    request: HttpRequest | None,
    after: set[str],
) -> None:
    subject = {"subject": person.get_username(), "subject_id": person.pk}
    if change.roles_added or change.roles_removed:
        security_event(
            "roles_changed",
            request=request,
            user=actor,
            **subject,
            added=list(change.roles_added),
            removed=list(change.roles_removed),
            roles=sorted(after),
            is_staff=person.is_staff,
        )
    if change.activity_changed:
        event = "account_activated" if person.is_active else "account_deactivated"
        security_event(event, request=request, user=actor, **subject)
    if change.superuser_changed:
        security_event(
            "superuser_changed",
            request=request,
            user=actor,
            **subject,
            is_superuser=person.is_superuser,
        )
    for move in change.head_moves:
        security_event(
            "department_head_changed",
            request=request,
            user=actor,
            **subject,
            department=move.department.name,
            department_id=move.department.pk,
            head=_name(move.head),
            head_id=move.head.pk if move.head else None,
            previous_head=_name(move.previous),
            previous_head_id=move.previous.pk if move.previous else None,
        )
    if change.activity_changed and not person.is_active:
        security_event(
            "sessions_ended",
            request=request,
            user=actor,
            reason="deactivated",
            **subject,
            sessions=change.sessions_ended,
        )


def users_delete(
    *,
    users: Collection[AbstractBaseUser],
    actor: AbstractBaseUser,
    request: HttpRequest | None = None,
) -> int:
    """Delete ``users`` and return how many; refused (``LastAdministratorError``, nothing
    deleted) when no Beheerder would remain. Their sessions end."""
    pks = sorted({user.pk for user in users})
    if not pks:
        return 0
    with transaction.atomic():
        people = _lock(pks)
        for person in people.values():
            if not may_change_access(actor, person):
                raise PermissionDenied
        removed = [
            pk
            for pk, person in people.items()
            if _counted(person, user_role_names(user=person), active=person.is_active)
        ]
        if removed and not _someone_else_counted(pks):
            last = people[removed[0]]
            raise LastAdministratorError(last_administrator_message(user=last, way="delete"))
        for person in people.values():
            ended = user_sessions_end(user=person)
            security_event(
                "account_deleted",
                request=request,
                user=actor,
                subject=person.get_username(),
                subject_id=person.pk,
                sessions=ended,
            )
            person.delete()
    return len(pks)
