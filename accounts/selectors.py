"""Reads about people: their roles, and who counts as a Beheerder for the rule that one must
always remain."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from governance.models import Department, Role

User = get_user_model()


def user_role_names(*, user: AbstractBaseUser) -> set[str]:
    """The person's roles as stored now (never a cached copy on the instance)."""
    if user.pk is None:
        return set()
    return set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


def user_has_extra_powers(*, user: AbstractBaseUser) -> bool:
    """True for a superuser and for anyone a superuser gave permissions of their own or a
    group with permissions besides the four roles: taking over such an account would give
    more than a Beheerder has."""
    if user.pk is None:
        return False
    return (
        user.is_superuser
        or user.user_permissions.exists()
        or user.groups.exclude(name__in=Role.values).filter(permissions__isnull=False).exists()
    )


def administrators_counted() -> QuerySet:
    """The Beheerders the rule "one must remain" counts: active and not a superuser (a
    superuser can do everything anyway, but is an emergency account, not a Beheerder)."""
    return User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True, is_superuser=False)


def administrator_is_last(*, user: AbstractBaseUser) -> bool:
    """Whether ``user`` is the only Beheerder counted (a read without locks: forms use it to
    explain a refusal early; the services decide under lock)."""
    return removal_leaves_no_administrator(pks=[user.pk])


def departments_for_heads() -> QuerySet[Department]:
    """Every department with its current head, for the choice of departments to head."""
    return Department.objects.select_related("head", "sector").order_by("name")


def removal_leaves_no_administrator(*, pks: Collection[int]) -> bool:
    """Whether removing the people ``pks`` (deleting or deactivating them) would remove the
    last counted Beheerder."""
    counted = administrators_counted()
    return counted.filter(pk__in=pks).exists() and not counted.exclude(pk__in=pks).exists()
