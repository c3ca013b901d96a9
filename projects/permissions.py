"""Who may do what with a project: the one place where the access rules live.

- A person without a BinnenBuiten role (a new account from the organisation's login,
  say) has no access to any project until a Beheerder gives them one; superusers count
  as Beheerder.
- Every signed-in member of staff with a role may read a project that is not confidential.
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
``get_friction_point_for_user`` so no view can forget a rule. Whatever tells people about
a project without a page (e-mail, notifications, counts, exports) asks ``audience`` who
may hear of it: nobody is told anything about a project they could not open.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, Value
from django.http import Http404

from governance.models import Procedure, Role
from projects.models import (
    DepartmentInvolvement,
    FollowUp,
    FrictionPoint,
    Project,
    ProjectQuerySet,
)

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
    return has_role(user, Role.ADMINISTRATOR)


def _roles(user: AbstractBaseUser) -> set[str]:
    # Cached on the user, so one query per request answers every role question (the main
    # menu asks for the roles on every page).
    cache = getattr(user, "_bb_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._bb_roles = cache
    return cache


def has_role(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    return role in _roles(user)


def has_any_role(user: AnyUser) -> bool:
    """Whether the person has a BinnenBuiten role at all (superusers always do)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or not _roles(user).isdisjoint(Role.values)


def _heads_involved(user: AnyUser) -> Exists:
    return Exists(
        DepartmentInvolvement.objects.filter(project=OuterRef("pk"), department__head=user)
    )


def projects_visible_to(user: AnyUser, queryset: ProjectQuerySet | None = None) -> ProjectQuerySet:
    """The projects this user may see at all (confidential ones only when involved)."""
    queryset = Project.objects.all() if queryset is None else queryset
    if not has_any_role(user):
        return queryset.none()
    if is_administrator(user):
        return queryset
    return queryset.filter(
        Q(is_confidential=False) | Q(leader=user) | Q(commissioner=user) | _heads_involved(user)
    )


# How a user can stand to a project (``_relation``): who of them manage it, and who
# contribute to it (the managers and the heads of its involved departments).
MANAGERS = frozenset({"administrator", "leader", "commissioner"})
CONTRIBUTORS = MANAGERS | {"head"}


def _relation(user: AnyUser, project: Project) -> set[str]:
    """How the user stands to the project: leader, commissioner, head, administrator."""
    relation: set[str] = set()
    if not has_any_role(user):
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
    manages = bool(relation & MANAGERS)
    contributes = bool(relation & CONTRIBUTORS)
    archived = project.archived_at is not None
    return {
        "view": contributes or (has_any_role(user) and not project.is_confidential),
        "contribute": contributes and not archived,
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
    project = get_project_for_user(user, project_pk)
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


# Parts of one UNION: SQLite allows 500 per statement.
_AUDIENCE_CHUNK = 200


def audience(*, user_ids: Iterable[int], project_ids: Iterable[int]) -> dict[int, set[int]]:
    """Of these people, who may hear about each of these projects: for every project id,
    the ids of the active users who may open it.

    Every notification, e-mail, count or feed about a project asks this before it tells
    anyone. It is ``projects_visible_to`` itself, the pages' rule, asked for each person
    and sent to the database as one UNION per 200 people (after one query for the people
    and their roles), so a batch costs the same few queries however many it tells.
    """
    project_ids = set(project_ids)
    heard: dict[int, set[int]] = {pk: set() for pk in project_ids}
    if not project_ids:
        return heard
    # No is_active filter here: projects_visible_to refuses inactive accounts itself.
    people = list(
        get_user_model()
        .objects.filter(pk__in=set(user_ids))
        .prefetch_related("groups")
        .order_by("pk")
    )
    scope = Project.objects.filter(pk__in=project_ids).order_by()
    parts = []
    for user in people:
        user._bb_roles = {group.name for group in user.groups.all()}
        visible = projects_visible_to(user, scope)
        if visible.query.is_empty():
            continue
        parts.append(visible.annotate(_told=Value(user.pk)).values_list("_told", "pk"))
    for start in range(0, len(parts), _AUDIENCE_CHUNK):
        first, *rest = parts[start : start + _AUDIENCE_CHUNK]
        for user_id, project_id in first.union(*rest, all=True).order_by():
            heard[project_id].add(user_id)
    return heard


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


# --- who may start what and use which page ----------------------------------------------------


def may_create_projects(user: AnyUser) -> bool:
    """Projectleiders, Bureauhoofden and Beheerders start projects; others do not."""
    return (
        has_role(user, Role.PROJECT_LEADER)
        or has_role(user, Role.COMMISSIONER)
        or is_administrator(user)
    )


def may_choose_leader(user: AnyUser) -> bool:
    """A Bureauhoofd or Beheerder picks the leader; a Projectleider leads what they start."""
    return has_role(user, Role.COMMISSIONER) or is_administrator(user)


def may_add_parties(user: AnyUser) -> bool:
    """External parties are added, while registering projects, by whoever starts them."""
    return may_create_projects(user)


def may_log_party_contact(user: AnyUser) -> bool:
    """A contact with a party outside any project is logged by whoever starts projects:
    a Projectleider, Bureauhoofd or Beheerder."""
    return may_create_projects(user)


def may_update_follow_up(user: AnyUser, follow_up: FollowUp) -> bool:
    """A follow-up is marked done by its owner, or by whoever may log contact moments
    where it was agreed."""
    if not user.is_authenticated or not user.is_active:
        return False
    if follow_up.owner_id == user.pk:
        return True
    project = follow_up.interaction.project
    if project is not None:
        return can(user, Action.CONTRIBUTE, project)
    return may_log_party_contact(user)


def may_use_dashboard(user: AnyUser) -> bool:
    """The commissioning dashboard is for commissioners (Bureauhoofden) and Beheerders."""
    return has_role(user, Role.COMMISSIONER) or is_administrator(user)


def may_see_portfolio(user: AnyUser) -> bool:
    """The portfolio's power/interest grid is the dashboard's: Bureauhoofden, Beheerders."""
    return may_use_dashboard(user)


def may_use_inbox(user: AnyUser) -> bool:
    """The department inbox is for the heads of departments."""
    return has_role(user, Role.DEPARTMENT_HEAD)


def may_see_insight(user: AnyUser) -> bool:
    """Managers and Beheerders learn from friction across projects; a Projectleider
    works from their own projects."""
    return (
        has_role(user, Role.COMMISSIONER)
        or has_role(user, Role.DEPARTMENT_HEAD)
        or is_administrator(user)
    )
