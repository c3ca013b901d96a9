"""Who may do what with a project: the one place where the access rules live.

- Every signed-in member of staff may read a project that is not confidential.
- A confidential project exists only for its leader, its commissioner, the heads of its
  involved departments and Beheerders; for anyone else it is a 404, never a 403.
- Leader, commissioner, heads of involved departments and Beheerders may log friction
  and comment ("contribute").
- Only leader, commissioner and Beheerders edit the project itself.

Views fetch every project and friction point through ``get_project_for_user`` and
``get_friction_point_for_user`` so no view can forget a rule.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from governance.models import Role
from projects.models import DepartmentInvolvement, FrictionPoint, Project, ProjectQuerySet

AnyUser = AbstractBaseUser | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"
    EDIT = "edit"


def is_administrator(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_bb_is_administrator", None)
    if cached is None:
        cached = user.groups.filter(name=Role.ADMINISTRATOR).exists()
        user._bb_is_administrator = cached
    return cached


def has_role(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_bb_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._bb_roles = cache
    return role in cache


def _heads_involved(user: AnyUser) -> Exists:
    return Exists(
        DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department__head=user)
    )


def projects_visible_to(user: AnyUser, queryset: ProjectQuerySet | None = None) -> ProjectQuerySet:
    """The projects this user may see at all (confidential ones only when involved)."""
    queryset = Project.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_administrator(user):
        return queryset
    return queryset.filter(
        Q(is_confidential=False) | Q(leader=user) | Q(commissioner=user) | _heads_involved(user)
    )


def _relation(user: AnyUser, project: Project) -> set[str]:
    """How the user stands to the project: leader, commissioner, head, administrator."""
    relation: set[str] = set()
    if not user.is_authenticated or not user.is_active:
        return relation
    if is_administrator(user):
        relation.add("administrator")
    if project.leader_id == user.pk:
        relation.add("leader")
    if project.commissioner_id == user.pk:
        relation.add("commissioner")
    if not relation and project.department_involvements.filter(department__head=user).exists():
        relation.add("head")
    return relation


def can(user: AnyUser, action: Action, project: Project) -> bool:
    relation = _relation(user, project)
    if action == Action.VIEW:
        return bool(relation) or (user.is_authenticated and not project.is_confidential)
    if action == Action.CONTRIBUTE:
        return bool(relation)
    return bool(relation & {"administrator", "leader", "commissioner"})


def project_permissions(user: AnyUser, project: Project) -> dict[str, bool]:
    """The three answers at once, for templates (``perms.edit`` ...)."""
    relation = _relation(user, project)
    return {
        "view": bool(relation) or (user.is_authenticated and not project.is_confidential),
        "contribute": bool(relation),
        "edit": bool(relation & {"administrator", "leader", "commissioner"}),
    }


def get_project_for_user(
    user: AnyUser,
    pk: int,
    *,
    action: Action = Action.VIEW,
    queryset: ProjectQuerySet | None = None,
) -> Project:
    """The project, or 404 when it does not exist for this user, or 403 when the user
    may see it but not do ``action``."""
    queryset = Project.objects.all() if queryset is None else queryset
    try:
        project = queryset.get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can(user, Action.VIEW, project):
        raise Http404
    if action != Action.VIEW and not can(user, action, project):
        raise PermissionDenied
    return project


def get_friction_point_for_user(
    user: AnyUser, project_pk: int, pk: int, *, action: Action = Action.VIEW
) -> FrictionPoint:
    """A friction point of a project the user may see; ``action`` is checked on that
    project (closing or commenting is contributing)."""
    project = get_project_for_user(user, project_pk, action=Action.VIEW)
    try:
        point = FrictionPoint.objects.select_related("procedure", "milestone").get(
            pk=pk, project=project
        )
    except (FrictionPoint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != Action.VIEW and not can(user, action, project):
        raise PermissionDenied
    point.project = project
    return point
