"""Who may do what with a project: the one place where the access rules live.

- Every signed-in member of staff may read a project that is not confidential.
- A confidential project exists only for its leader, its commissioner, the heads of its
  involved departments and Beheerders; for anyone else it is a 404, never a 403.
- Leader, commissioner, heads of involved departments and Beheerders may log friction
  and comment ("contribute").
- Only leader, commissioner and Beheerders edit the project itself.
- A support request is answered by the project's commissioner or a Beheerder; the heads
  of the departments a friction point is about respond to it as thinking partners.
- Archiving (and restoring) a project or one of its friction points is for the same three
  as editing: leader, commissioner, Beheerder. Not for the heads of involved departments:
  archiving takes a point out of every open list, and the department a point is about
  should not be able to make it disappear.
- Archived means read-only: nobody contributes to or edits an archived project or an
  archived friction point until it is restored; it stays visible to whoever could see it.

Views fetch every project and friction point through ``get_project_for_user`` and
``get_friction_point_for_user`` so no view can forget a rule.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from governance.models import Procedure, Role
from projects.models import DepartmentInvolvement, FrictionPoint, Project, ProjectQuerySet

AnyUser = AbstractBaseUser | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"
    EDIT = "edit"
    ARCHIVE = "archive"  # archive and restore


def is_administrator(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Through the roles cache, so one query per request answers every role question
    # (the main menu asks for the roles on every page).
    return has_role(user, Role.ADMINISTRATOR)


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
    return project_permissions(user, project)[action.value]


def project_permissions(user: AnyUser, project: Project) -> dict[str, bool]:
    """Every answer at once, keyed by ``Action`` value, for templates (``perms.edit`` ...)."""
    relation = _relation(user, project)
    manages = bool(relation & {"administrator", "leader", "commissioner"})
    archived = project.archived_at is not None
    return {
        "view": bool(relation) or (user.is_authenticated and not project.is_confidential),
        "contribute": bool(relation) and not archived,
        "edit": manages and not archived,
        "archive": manages,
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
    if point.archived_at is not None and action in (Action.CONTRIBUTE, Action.EDIT):
        raise PermissionDenied  # read-only until restored
    if project.archived_at is not None and action == Action.ARCHIVE:
        raise PermissionDenied  # the points of an archived project stay as they are
    point.project = project
    return point


# --- the commissioning dashboard and the department inbox ----------------------------------


def can_answer_support(user: AnyUser, project: Project) -> bool:
    """A support request is answered by the project's one commissioner, or a Beheerder."""
    if not user.is_authenticated or not user.is_active:
        return False
    return project.commissioner_id == user.pk or is_administrator(user)


def can_think_along(user: AnyUser, point: FrictionPoint) -> bool:
    """The head of a department named on the point, or of the department that owns its
    procedure, responds as a thinking partner (also when that department is not involved
    in the project; seeing the project is checked by ``get_friction_point_for_user``)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if point.procedure_id is not None and point.procedure.department.head_id == user.pk:
        return True
    return point.departments.filter(head=user).exists()


def can_edit_procedure_purpose(user: AnyUser, procedure: Procedure) -> bool:
    """A Beheerder, or the head of the procedure's own department when their role may
    change procedures (the Afdelingshoofd group has ``change_procedure``)."""
    if is_administrator(user):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and procedure.department.head_id == user.pk
        and user.has_perm("governance.change_procedure")
    )
