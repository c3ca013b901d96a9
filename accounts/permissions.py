"""Who may manage whom in the people admin: the one place these rules live.

- A superuser may do everything (except remove the last Beheerder, see ``services``).
- Anybody else never opens a superuser's account: it is not in their lists and its pages
  answer 404.
- Anybody else changes the roles, the active flag and the password only of people who
  have no more than the four roles and are not another Beheerder (themselves they may
  change). A Beheerder who could reset another Beheerder's password, or that of someone a
  superuser gave extra permissions, could sign in as them and do what they can.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from accounts.selectors import user_has_extra_powers, user_role_names
from governance.models import Role


def may_open_person(actor: AbstractBaseUser, person: AbstractBaseUser) -> bool:
    return actor.is_superuser or not person.is_superuser


def may_change_access(actor: AbstractBaseUser, person: AbstractBaseUser) -> bool:
    """Roles, active flag and password of ``person``."""
    if actor.is_superuser:
        return True
    if not may_open_person(actor, person):
        return False
    if person.pk is not None and person.pk == actor.pk:
        return True
    if user_has_extra_powers(user=person):
        return False
    return Role.ADMINISTRATOR not in user_role_names(user=person)
