"""The permission rule (``projects/permissions.py``) as one truth table: who may see,
change, delete or be told what.

Every line of ``TABLE`` is one row: who, what, action, expected. The rows are written from
the rules in the docstrings of ``projects.permissions`` and its callers, not recorded from
the code. Each row is checked by calling the functions that decide it (not the views; the
views are covered by ``test_views_project_access.py`` and ``tests/test_access_matrix.py``),
and where several functions answer the same question (``can``, ``project_permissions``,
``projects_visible_to``, ``get_project_for_user`` ...) they must all give the row's answer.

- Who (``WHO``, one line each): personas in ``World``; their ties to the objects are made
  in ``build_world``.
- What (``WHAT``, one line each): the object and the kind of checks it gets.
- Action: ``see``, ``change``, ``delete`` (archiving: nothing is deleted outright, an
  archived object can be restored) and ``told`` (by ``audience``, the digest of
  ``projects/services/scan/digests.py``). A kind of object has only the actions that exist
  for it (``CHECKS``); ``test_the_table_is_complete`` asks for a row for every persona on
  every one of them, so a new persona or object cannot be half added.

There is no feed yet (no RSS, Atom or iCal, nor an API): when one comes, it is one line in
``WHAT``, its check in ``CHECKS`` and its rows.

The world is built once per module inside a transaction that is rolled back at the end;
each test runs in a savepoint of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.utils import timezone

from governance.models import Procedure, Role
from projects.filters.dashboard import dashboard_filter
from projects.models import Agreement, FrictionPoint, Interaction, Project
from projects.permissions import (
    Action,
    audience,
    can,
    can_answer_support,
    can_edit_procedure_purpose,
    can_think_along,
    get_friction_point_for_user,
    get_project_for_user,
    has_any_role,
    has_role,
    is_administrator,
    may_add_parties,
    may_choose_leader,
    may_create_projects,
    may_log_party_contact,
    may_see_insight,
    may_see_portfolio,
    may_update_follow_up,
    may_use_dashboard,
    may_use_inbox,
    project_permissions,
    projects_visible_to,
)
from projects.selectors.partners import (
    agreements_for_party,
    party_involvements,
    projects_contributable_by,
    projects_editable_by,
)
from projects.services.partners import agreement_set_status, interaction_log
from projects.services.scan import PointNote
from projects.services.scan.digests import send_digests
from projects.views.exports import export_rows
from stakeholders.models import Contact, Stakeholder
from stakeholders.selectors import may_edit_contacts, may_manage_party, may_see_contact_details
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    FrictionPointFactory,
    InteractionFactory,
    LeaderFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AnyUser = User | AnonymousUser


def _in_group(user: User, name: str) -> User:
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


# Who. The ties to the objects (who leads, commissions or heads what) are in build_world.
WHO: dict[str, Callable[[], AnyUser]] = {
    "anonymous": AnonymousUser,
    # A Beheerder who left: still named as the orphaned project's commissioner and as head
    # of a department on its friction point, everything an account can be named as.
    "inactive": lambda: AdministratorFactory(username="vertrokken", is_active=False),
    # Signed in through the organisation's login, in a group that is no BinnenBuiten role;
    # still named as the orphaned project's leader and head of a department on a flag.
    "no-role": lambda: _in_group(UserFactory(username="zonder-rol"), "Nieuwsbrief"),
    "leader": lambda: LeaderFactory(username="projectleider"),
    "other-leader": lambda: LeaderFactory(username="andere-projectleider"),
    "head": lambda: DepartmentHeadFactory(username="afdelingshoofd"),  # involved department
    # Heads a department involved in another project; it owns the procedure of the points.
    "other-head": lambda: DepartmentHeadFactory(username="ander-hoofd"),
    "commissioner": lambda: CommissionerFactory(username="bureauhoofd"),
    "other-commissioner": lambda: CommissionerFactory(username="ander-bureauhoofd"),
    "administrator": lambda: AdministratorFactory(username="beheerder"),
    "superuser": lambda: UserFactory(username="superuser", is_superuser=True),  # no group
}


@dataclass
class World:
    people: dict[str, AnyUser]
    objects: dict[str, Any]
    # From one run of the friction engine's digests: the markers each persona read.
    digests: dict[str, str]


def build_world() -> World:
    people = {name: make() for name, make in WHO.items()}
    p = people
    involved = DepartmentFactory(name="Ruimte", head=p["head"])
    owner = DepartmentFactory(name="Juridische zaken", head=p["other-head"])
    left = DepartmentFactory(name="Vertrokken", head=p["inactive"])
    role_less = DepartmentFactory(name="Zonder rol", head=p["no-role"])
    procedure = ProcedureFactory(department=owner, name="Juridische toets")
    ours = {"leader": p["leader"], "commissioner": p["commissioner"]}
    projects = {
        "open": ProjectFactory(title="Open", **ours),
        "confidential": ProjectFactory(title="Vertrouwelijk", confidential=True, **ours),
        "archived": ProjectFactory(title="Gearchiveerd", archived=True, **ours),
        # Its leader lost the role, its commissioner left.
        "orphaned": ProjectFactory(
            title="Verweesd", confidential=True, leader=p["no-role"], commissioner=p["inactive"]
        ),
    }
    elsewhere = ProjectFactory(
        title="Elders", leader=p["other-leader"], commissioner=p["other-commissioner"]
    )
    DepartmentInvolvementFactory(project=elsewhere, department=owner)
    for project in projects.values():
        DepartmentInvolvementFactory(project=project, department=involved)
    DepartmentInvolvementFactory(project=projects["orphaned"], department=left)

    def point(kind: str, title: str, **extra: Any) -> FrictionPoint:
        departments = [involved, left] if kind == "orphaned" else [involved]
        return FrictionPointFactory(
            project=projects[kind],
            title=title,
            procedure=procedure,
            departments=departments,
            support=True,
            **extra,
        )

    objects: dict[str, Any] = {f"{kind}-project": project for kind, project in projects.items()}
    objects |= {
        "point": point("open", "Knelpunt", milestone=MilestoneFactory(project=projects["open"])),
        "confidential-point": point("confidential", "Geheim knelpunt"),
        "archived-point": point("open", "Gearchiveerd knelpunt", archived_at=timezone.now()),
        "point-of-archived-project": point("archived", "Knelpunt van gearchiveerd project"),
        "orphaned-point": point("orphaned", "Verweesd knelpunt"),
        "procedure-purpose": procedure,
    }
    for name in ("point", "confidential-point", "orphaned-point"):
        prefix = name.removesuffix("point")
        objects[f"{prefix}support-answer"] = objects[name]
        objects[f"{prefix}reply"] = objects[name]
    for kind in ("open", "confidential"):
        prefix = "" if kind == "open" else "confidential-"
        party = StakeholderFactory(name=f"Partij {kind}")
        StakeholderInvolvementFactory(project=projects[kind], stakeholder=party)
        objects[f"{prefix}party"] = party
        objects[f"{prefix}contact"] = ContactFactory(stakeholder=party, name=f"Contact {kind}")
        objects[f"{prefix}agreement"] = AgreementFactory(project=projects[kind], stakeholder=party)
        objects[f"{prefix}export-row"] = objects[f"{prefix}point"]
    # Flags naming a department of everyone who could have a reason to hear of them.
    flagged = {"open": [involved, owner, role_less], "confidential": [involved, owner, role_less]}
    flagged["orphaned"] = [involved, left]
    for kind, departments in flagged.items():
        prefix = "" if kind == "open" else f"{kind}-"
        objects[f"{prefix}digest-line"] = FrictionPointFactory(
            project=projects[kind],
            automatic=True,
            title=f"Signalering-{kind}",
            departments=departments,
        )
    return World(people=people, objects=objects, digests=_digests(projects, objects))


def _question(point: FrictionPoint) -> str:
    return f"[Vraag {point.pk}]"


def _digests(projects: dict[str, Project], objects: dict[str, Any]) -> dict[str, str]:
    """One run of the digests: the flags above, and the support requests escalated."""
    escalated = [
        PointNote(
            friction_point_id=point.pk,
            project_id=point.project_id,
            project_title=point.project.title,
            title=_question(point),
            commissioner_id=point.project.commissioner_id,
            since=dt.date(2027, 3, 1),
        )
        for name in ("support-answer", "confidential-support-answer", "orphaned-support-answer")
        for point in [objects[name]]
    ]
    mail.outbox = []
    send_digests(
        today=dt.date(2027, 3, 8),
        project_ids=[project.pk for project in projects.values()],
        escalated=escalated,
    )
    read: dict[str, str] = {}
    for message in mail.outbox:
        html = "".join(content for content, _type in message.alternatives)
        read[message.to[0]] = message.body + html
    return read


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with override_settings(PASSWORD_HASHERS=hasher):
                yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- how each kind of object is checked ---------------------------------------------------------


def allowed(call: Callable[[], Any]) -> bool:
    """Whether ``call`` lets the user through (returns) or refuses (404 or 403)."""
    try:
        call()
    except (Http404, PermissionDenied):
        return False
    return True


def refusal(call: Callable[[], Any]) -> type[Exception] | None:
    try:
        call()
    except (Http404, PermissionDenied) as error:
        return type(error)
    return None


def _fresh(obj: Any) -> Any:
    """A fresh copy, so no check sees what an earlier one cached or changed."""
    return type(obj).objects.get(pk=obj.pk)


def project_see(world: World, user: AnyUser, project: Project) -> bool:
    answers = {
        can(user, Action.VIEW, project),
        project_permissions(user, project)["view"],
        projects_visible_to(user).filter(pk=project.pk).exists(),
        projects_visible_to(user, Project.objects.filter(pk=project.pk)).exists(),
        allowed(lambda: get_project_for_user(user, project.pk)),
    }
    assert len(answers) == 1, "the functions disagree"
    return answers.pop()


def _project_action(user: AnyUser, project: Project, action: Action) -> bool:
    answer = can(user, action, project)
    assert project_permissions(user, project)[action.value] == answer
    outcome = refusal(lambda: get_project_for_user(user, project.pk, action=action))
    # Whoever may not see a project gets a 404, never a 403.
    expected = None if answer else PermissionDenied if can(user, Action.VIEW, project) else Http404
    assert outcome is expected
    return answer


def project_change(world: World, user: AnyUser, project: Project) -> bool:
    answer = _project_action(user, project, Action.EDIT)
    one = Project.objects.filter(pk=project.pk)
    assert projects_editable_by(user, one).exists() == answer  # the same rule as a queryset
    return answer


def project_delete(world: World, user: AnyUser, project: Project) -> bool:
    return _project_action(user, project, Action.ARCHIVE)


def project_told(world: World, user: AnyUser, project: Project) -> bool:
    heard = audience(user_ids=[user.pk], project_ids=[project.pk])
    assert set(heard) == {project.pk}
    return user.pk in heard[project.pk]


def _point_action(user: AnyUser, point: FrictionPoint, action: Action) -> bool:
    call = lambda: get_friction_point_for_user(user, point.project_id, point.pk, action=action)  # noqa: E731
    outcome = refusal(call)
    if outcome is None:
        found = call()
        assert found == point
        assert found.project == point.project
    if outcome is PermissionDenied:  # a 403 only for whoever may see the point
        assert allowed(lambda: get_friction_point_for_user(user, point.project_id, point.pk))
    return outcome is None


def point_see(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    return _point_action(user, point, Action.VIEW)


def point_change(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    return _point_action(user, point, Action.CONTRIBUTE)


def point_delete(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    return _point_action(user, point, Action.ARCHIVE)


def support_change(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    """Answering a support request: the point must be visible, then ``can_answer_support``."""
    return point_see(world, user, point) and can_answer_support(user, point.project)


def _told_in_digest(world: World, user: AnyUser, marker: str) -> bool:
    email = getattr(user, "email", "")
    return bool(email) and marker in world.digests.get(email, "")


def support_told(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    """An escalated request reaches the commissioner in the digest."""
    return _told_in_digest(world, user, _question(point))


def reply_change(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    """Thinking along: the point must be visible, then ``can_think_along``."""
    return point_see(world, user, point) and can_think_along(user, point)


def procedure_change(world: World, user: AnyUser, procedure: Procedure) -> bool:
    return can_edit_procedure_purpose(user, procedure)


def _project_of(world: World, party: Stakeholder) -> Project:
    return party.involvements.get().project


def party_see(world: World, user: AnyUser, party: Stakeholder) -> bool:
    """The party's part in the project shows on the party's page."""
    rows = party_involvements(user=user, stakeholder=party)
    return rows.filter(project=_project_of(world, party)).exists()


def party_change(world: World, user: AnyUser, party: Stakeholder) -> bool:
    """Logging a contact moment with the party on the project."""
    project = _project_of(world, party)
    answer = allowed(
        lambda: interaction_log(
            author=user,
            stakeholder=party,
            project=project,
            kind=Interaction.Kind.PHONE,
            date=timezone.localdate(),
            summary="Gebeld over de planning.",
        )
    )
    one = Project.objects.filter(pk=project.pk)
    assert projects_contributable_by(user, one).exists() == answer  # the same rule
    listed = party_involvements(user=user, stakeholder=party).filter(project=project).first()
    if listed is not None:
        assert listed.contributable == answer
    return answer


def party_delete(world: World, user: AnyUser, party: Stakeholder) -> bool:
    """Archiving the party (and restoring it)."""
    return may_manage_party(user=user, stakeholder=party)


def contact_see(world: World, user: AnyUser, contact: Contact) -> bool:
    return may_see_contact_details(user=user, stakeholder=contact.stakeholder)


def contact_change(world: World, user: AnyUser, contact: Contact) -> bool:
    return may_edit_contacts(user=user, stakeholder=contact.stakeholder)


def agreement_see(world: World, user: AnyUser, agreement: Agreement) -> bool:
    """The agreement on the party's page."""
    listed = agreements_for_party(
        user=user, stakeholder=agreement.stakeholder, today=dt.date.today()
    )
    return listed.filter(pk=agreement.pk).exists()


def agreement_change(world: World, user: AnyUser, agreement: Agreement) -> bool:
    status = Agreement.Status.FULFILLED
    return allowed(lambda: agreement_set_status(agreement=agreement, actor=user, status=status))


def digest_told(world: World, user: AnyUser, flag: FrictionPoint) -> bool:
    return _told_in_digest(world, user, flag.title)


def export_see(world: World, user: AnyUser, point: FrictionPoint) -> bool:
    """A row of the dashboard's CSV/XLSX export (the dashboard's filter, unfiltered)."""
    request = RequestFactory().get("/dashboard/export.csv")
    request.user = user
    try:
        rows = export_rows(dashboard_filter(request).qs)
    except PermissionDenied:
        return False
    return any(row[-1] == point.pk for row in rows)


Check = Callable[[World, AnyUser, Any], bool]
CHECKS: dict[str, dict[str, Check]] = {
    "project": {
        "see": project_see,
        "change": project_change,
        "delete": project_delete,
        "told": project_told,
    },
    "point": {"see": point_see, "change": point_change, "delete": point_delete},
    "support answer": {"change": support_change, "told": support_told},
    "reply": {"change": reply_change},
    "procedure": {"change": procedure_change},
    "party": {"see": party_see, "change": party_change, "delete": party_delete},
    "contact": {"see": contact_see, "change": contact_change},
    "agreement": {"see": agreement_see, "change": agreement_change},
    "digest line": {"told": digest_told},
    "export row": {"see": export_see},
}

# What: the name the table uses, and the kind of object it is.
WHAT: dict[str, str] = {
    "open-project": "project",
    "confidential-project": "project",
    "archived-project": "project",
    "orphaned-project": "project",  # confidential; its leader lost the role, its commissioner left
    "point": "point",  # of the open project; names the involved department
    "confidential-point": "point",
    "archived-point": "point",  # of the open project
    "point-of-archived-project": "point",
    "orphaned-point": "point",  # also names the department of the one who left
    "support-answer": "support answer",  # to the support request on "point"
    "confidential-support-answer": "support answer",
    "orphaned-support-answer": "support answer",
    "reply": "reply",  # a department head thinking along on "point"
    "confidential-reply": "reply",
    "orphaned-reply": "reply",
    "procedure-purpose": "procedure",  # of the procedure the points are about (other-head's)
    "party": "party",  # of the open project
    "confidential-party": "party",
    "contact": "contact",
    "confidential-contact": "contact",
    "agreement": "agreement",
    "confidential-agreement": "agreement",
    "digest-line": "digest line",  # a flag on the open project
    "confidential-digest-line": "digest line",
    "orphaned-digest-line": "digest line",
    "export-row": "export row",  # "point" in the dashboard's export
    "confidential-export-row": "export row",
}

TABLE = """
anonymous           open-project                 see     no
inactive            open-project                 see     no
no-role             open-project                 see     no
leader              open-project                 see     yes
other-leader        open-project                 see     yes
head                open-project                 see     yes
other-head          open-project                 see     yes
commissioner        open-project                 see     yes
other-commissioner  open-project                 see     yes
administrator       open-project                 see     yes
superuser           open-project                 see     yes
anonymous           open-project                 change  no
inactive            open-project                 change  no
no-role             open-project                 change  no
leader              open-project                 change  yes
other-leader        open-project                 change  no
head                open-project                 change  no
other-head          open-project                 change  no
commissioner        open-project                 change  yes
other-commissioner  open-project                 change  no
administrator       open-project                 change  yes
superuser           open-project                 change  yes
anonymous           open-project                 delete  no
inactive            open-project                 delete  no
no-role             open-project                 delete  no
leader              open-project                 delete  yes
other-leader        open-project                 delete  no
head                open-project                 delete  no
other-head          open-project                 delete  no
commissioner        open-project                 delete  yes
other-commissioner  open-project                 delete  no
administrator       open-project                 delete  yes
superuser           open-project                 delete  yes
anonymous           open-project                 told    no
inactive            open-project                 told    no
no-role             open-project                 told    no
leader              open-project                 told    yes
other-leader        open-project                 told    yes
head                open-project                 told    yes
other-head          open-project                 told    yes
commissioner        open-project                 told    yes
other-commissioner  open-project                 told    yes
administrator       open-project                 told    yes
superuser           open-project                 told    yes

anonymous           confidential-project         see     no
inactive            confidential-project         see     no
no-role             confidential-project         see     no
leader              confidential-project         see     yes
other-leader        confidential-project         see     no
head                confidential-project         see     yes
other-head          confidential-project         see     no
commissioner        confidential-project         see     yes
other-commissioner  confidential-project         see     no
administrator       confidential-project         see     yes
superuser           confidential-project         see     yes
anonymous           confidential-project         change  no
inactive            confidential-project         change  no
no-role             confidential-project         change  no
leader              confidential-project         change  yes
other-leader        confidential-project         change  no
head                confidential-project         change  no
other-head          confidential-project         change  no
commissioner        confidential-project         change  yes
other-commissioner  confidential-project         change  no
administrator       confidential-project         change  yes
superuser           confidential-project         change  yes
anonymous           confidential-project         delete  no
inactive            confidential-project         delete  no
no-role             confidential-project         delete  no
leader              confidential-project         delete  yes
other-leader        confidential-project         delete  no
head                confidential-project         delete  no
other-head          confidential-project         delete  no
commissioner        confidential-project         delete  yes
other-commissioner  confidential-project         delete  no
administrator       confidential-project         delete  yes
superuser           confidential-project         delete  yes
anonymous           confidential-project         told    no
inactive            confidential-project         told    no
no-role             confidential-project         told    no
leader              confidential-project         told    yes
other-leader        confidential-project         told    no
head                confidential-project         told    yes
other-head          confidential-project         told    no
commissioner        confidential-project         told    yes
other-commissioner  confidential-project         told    no
administrator       confidential-project         told    yes
superuser           confidential-project         told    yes

anonymous           archived-project             see     no
inactive            archived-project             see     no
no-role             archived-project             see     no
leader              archived-project             see     yes
other-leader        archived-project             see     yes
head                archived-project             see     yes
other-head          archived-project             see     yes
commissioner        archived-project             see     yes
other-commissioner  archived-project             see     yes
administrator       archived-project             see     yes
superuser           archived-project             see     yes
anonymous           archived-project             change  no
inactive            archived-project             change  no
no-role             archived-project             change  no
leader              archived-project             change  no
other-leader        archived-project             change  no
head                archived-project             change  no
other-head          archived-project             change  no
commissioner        archived-project             change  no
other-commissioner  archived-project             change  no
administrator       archived-project             change  no
superuser           archived-project             change  no
anonymous           archived-project             delete  no
inactive            archived-project             delete  no
no-role             archived-project             delete  no
leader              archived-project             delete  yes
other-leader        archived-project             delete  no
head                archived-project             delete  no
other-head          archived-project             delete  no
commissioner        archived-project             delete  yes
other-commissioner  archived-project             delete  no
administrator       archived-project             delete  yes
superuser           archived-project             delete  yes
anonymous           archived-project             told    no
inactive            archived-project             told    no
no-role             archived-project             told    no
leader              archived-project             told    yes
other-leader        archived-project             told    yes
head                archived-project             told    yes
other-head          archived-project             told    yes
commissioner        archived-project             told    yes
other-commissioner  archived-project             told    yes
administrator       archived-project             told    yes
superuser           archived-project             told    yes

anonymous           orphaned-project             see     no
inactive            orphaned-project             see     no
no-role             orphaned-project             see     no
leader              orphaned-project             see     no
other-leader        orphaned-project             see     no
head                orphaned-project             see     yes
other-head          orphaned-project             see     no
commissioner        orphaned-project             see     no
other-commissioner  orphaned-project             see     no
administrator       orphaned-project             see     yes
superuser           orphaned-project             see     yes
anonymous           orphaned-project             change  no
inactive            orphaned-project             change  no
no-role             orphaned-project             change  no
leader              orphaned-project             change  no
other-leader        orphaned-project             change  no
head                orphaned-project             change  no
other-head          orphaned-project             change  no
commissioner        orphaned-project             change  no
other-commissioner  orphaned-project             change  no
administrator       orphaned-project             change  yes
superuser           orphaned-project             change  yes
anonymous           orphaned-project             delete  no
inactive            orphaned-project             delete  no
no-role             orphaned-project             delete  no
leader              orphaned-project             delete  no
other-leader        orphaned-project             delete  no
head                orphaned-project             delete  no
other-head          orphaned-project             delete  no
commissioner        orphaned-project             delete  no
other-commissioner  orphaned-project             delete  no
administrator       orphaned-project             delete  yes
superuser           orphaned-project             delete  yes
anonymous           orphaned-project             told    no
inactive            orphaned-project             told    no
no-role             orphaned-project             told    no
leader              orphaned-project             told    no
other-leader        orphaned-project             told    no
head                orphaned-project             told    yes
other-head          orphaned-project             told    no
commissioner        orphaned-project             told    no
other-commissioner  orphaned-project             told    no
administrator       orphaned-project             told    yes
superuser           orphaned-project             told    yes

anonymous           point                        see     no
inactive            point                        see     no
no-role             point                        see     no
leader              point                        see     yes
other-leader        point                        see     yes
head                point                        see     yes
other-head          point                        see     yes
commissioner        point                        see     yes
other-commissioner  point                        see     yes
administrator       point                        see     yes
superuser           point                        see     yes
anonymous           point                        change  no
inactive            point                        change  no
no-role             point                        change  no
leader              point                        change  yes
other-leader        point                        change  no
head                point                        change  yes
other-head          point                        change  no
commissioner        point                        change  yes
other-commissioner  point                        change  no
administrator       point                        change  yes
superuser           point                        change  yes
anonymous           point                        delete  no
inactive            point                        delete  no
no-role             point                        delete  no
leader              point                        delete  yes
other-leader        point                        delete  no
head                point                        delete  no
other-head          point                        delete  no
commissioner        point                        delete  yes
other-commissioner  point                        delete  no
administrator       point                        delete  yes
superuser           point                        delete  yes

anonymous           confidential-point           see     no
inactive            confidential-point           see     no
no-role             confidential-point           see     no
leader              confidential-point           see     yes
other-leader        confidential-point           see     no
head                confidential-point           see     yes
other-head          confidential-point           see     no
commissioner        confidential-point           see     yes
other-commissioner  confidential-point           see     no
administrator       confidential-point           see     yes
superuser           confidential-point           see     yes
anonymous           confidential-point           change  no
inactive            confidential-point           change  no
no-role             confidential-point           change  no
leader              confidential-point           change  yes
other-leader        confidential-point           change  no
head                confidential-point           change  yes
other-head          confidential-point           change  no
commissioner        confidential-point           change  yes
other-commissioner  confidential-point           change  no
administrator       confidential-point           change  yes
superuser           confidential-point           change  yes
anonymous           confidential-point           delete  no
inactive            confidential-point           delete  no
no-role             confidential-point           delete  no
leader              confidential-point           delete  yes
other-leader        confidential-point           delete  no
head                confidential-point           delete  no
other-head          confidential-point           delete  no
commissioner        confidential-point           delete  yes
other-commissioner  confidential-point           delete  no
administrator       confidential-point           delete  yes
superuser           confidential-point           delete  yes

anonymous           archived-point               see     no
inactive            archived-point               see     no
no-role             archived-point               see     no
leader              archived-point               see     yes
other-leader        archived-point               see     yes
head                archived-point               see     yes
other-head          archived-point               see     yes
commissioner        archived-point               see     yes
other-commissioner  archived-point               see     yes
administrator       archived-point               see     yes
superuser           archived-point               see     yes
anonymous           archived-point               change  no
inactive            archived-point               change  no
no-role             archived-point               change  no
leader              archived-point               change  no
other-leader        archived-point               change  no
head                archived-point               change  no
other-head          archived-point               change  no
commissioner        archived-point               change  no
other-commissioner  archived-point               change  no
administrator       archived-point               change  no
superuser           archived-point               change  no
anonymous           archived-point               delete  no
inactive            archived-point               delete  no
no-role             archived-point               delete  no
leader              archived-point               delete  yes
other-leader        archived-point               delete  no
head                archived-point               delete  no
other-head          archived-point               delete  no
commissioner        archived-point               delete  yes
other-commissioner  archived-point               delete  no
administrator       archived-point               delete  yes
superuser           archived-point               delete  yes

anonymous           point-of-archived-project    see     no
inactive            point-of-archived-project    see     no
no-role             point-of-archived-project    see     no
leader              point-of-archived-project    see     yes
other-leader        point-of-archived-project    see     yes
head                point-of-archived-project    see     yes
other-head          point-of-archived-project    see     yes
commissioner        point-of-archived-project    see     yes
other-commissioner  point-of-archived-project    see     yes
administrator       point-of-archived-project    see     yes
superuser           point-of-archived-project    see     yes
anonymous           point-of-archived-project    change  no
inactive            point-of-archived-project    change  no
no-role             point-of-archived-project    change  no
leader              point-of-archived-project    change  no
other-leader        point-of-archived-project    change  no
head                point-of-archived-project    change  no
other-head          point-of-archived-project    change  no
commissioner        point-of-archived-project    change  no
other-commissioner  point-of-archived-project    change  no
administrator       point-of-archived-project    change  no
superuser           point-of-archived-project    change  no
anonymous           point-of-archived-project    delete  no
inactive            point-of-archived-project    delete  no
no-role             point-of-archived-project    delete  no
leader              point-of-archived-project    delete  no
other-leader        point-of-archived-project    delete  no
head                point-of-archived-project    delete  no
other-head          point-of-archived-project    delete  no
commissioner        point-of-archived-project    delete  no
other-commissioner  point-of-archived-project    delete  no
administrator       point-of-archived-project    delete  no
superuser           point-of-archived-project    delete  no

anonymous           orphaned-point               see     no
inactive            orphaned-point               see     no
no-role             orphaned-point               see     no
leader              orphaned-point               see     no
other-leader        orphaned-point               see     no
head                orphaned-point               see     yes
other-head          orphaned-point               see     no
commissioner        orphaned-point               see     no
other-commissioner  orphaned-point               see     no
administrator       orphaned-point               see     yes
superuser           orphaned-point               see     yes
anonymous           orphaned-point               change  no
inactive            orphaned-point               change  no
no-role             orphaned-point               change  no
leader              orphaned-point               change  no
other-leader        orphaned-point               change  no
head                orphaned-point               change  yes
other-head          orphaned-point               change  no
commissioner        orphaned-point               change  no
other-commissioner  orphaned-point               change  no
administrator       orphaned-point               change  yes
superuser           orphaned-point               change  yes
anonymous           orphaned-point               delete  no
inactive            orphaned-point               delete  no
no-role             orphaned-point               delete  no
leader              orphaned-point               delete  no
other-leader        orphaned-point               delete  no
head                orphaned-point               delete  no
other-head          orphaned-point               delete  no
commissioner        orphaned-point               delete  no
other-commissioner  orphaned-point               delete  no
administrator       orphaned-point               delete  yes
superuser           orphaned-point               delete  yes

anonymous           support-answer               change  no
inactive            support-answer               change  no
no-role             support-answer               change  no
leader              support-answer               change  no
other-leader        support-answer               change  no
head                support-answer               change  no
other-head          support-answer               change  no
commissioner        support-answer               change  yes
other-commissioner  support-answer               change  no
administrator       support-answer               change  yes
superuser           support-answer               change  yes
anonymous           support-answer               told    no
inactive            support-answer               told    no
no-role             support-answer               told    no
leader              support-answer               told    no
other-leader        support-answer               told    no
head                support-answer               told    no
other-head          support-answer               told    no
commissioner        support-answer               told    yes
other-commissioner  support-answer               told    no
administrator       support-answer               told    no
superuser           support-answer               told    no

anonymous           confidential-support-answer  change  no
inactive            confidential-support-answer  change  no
no-role             confidential-support-answer  change  no
leader              confidential-support-answer  change  no
other-leader        confidential-support-answer  change  no
head                confidential-support-answer  change  no
other-head          confidential-support-answer  change  no
commissioner        confidential-support-answer  change  yes
other-commissioner  confidential-support-answer  change  no
administrator       confidential-support-answer  change  yes
superuser           confidential-support-answer  change  yes
anonymous           confidential-support-answer  told    no
inactive            confidential-support-answer  told    no
no-role             confidential-support-answer  told    no
leader              confidential-support-answer  told    no
other-leader        confidential-support-answer  told    no
head                confidential-support-answer  told    no
other-head          confidential-support-answer  told    no
commissioner        confidential-support-answer  told    yes
other-commissioner  confidential-support-answer  told    no
administrator       confidential-support-answer  told    no
superuser           confidential-support-answer  told    no

anonymous           orphaned-support-answer      change  no
inactive            orphaned-support-answer      change  no
no-role             orphaned-support-answer      change  no
leader              orphaned-support-answer      change  no
other-leader        orphaned-support-answer      change  no
head                orphaned-support-answer      change  no
other-head          orphaned-support-answer      change  no
commissioner        orphaned-support-answer      change  no
other-commissioner  orphaned-support-answer      change  no
administrator       orphaned-support-answer      change  yes
superuser           orphaned-support-answer      change  yes
anonymous           orphaned-support-answer      told    no
inactive            orphaned-support-answer      told    no
no-role             orphaned-support-answer      told    no
leader              orphaned-support-answer      told    no
other-leader        orphaned-support-answer      told    no
head                orphaned-support-answer      told    no
other-head          orphaned-support-answer      told    no
commissioner        orphaned-support-answer      told    no
other-commissioner  orphaned-support-answer      told    no
administrator       orphaned-support-answer      told    no
superuser           orphaned-support-answer      told    no

anonymous           reply                        change  no
inactive            reply                        change  no
no-role             reply                        change  no
leader              reply                        change  no
other-leader        reply                        change  no
head                reply                        change  yes
other-head          reply                        change  yes
commissioner        reply                        change  no
other-commissioner  reply                        change  no
administrator       reply                        change  no
superuser           reply                        change  no

anonymous           confidential-reply           change  no
inactive            confidential-reply           change  no
no-role             confidential-reply           change  no
leader              confidential-reply           change  no
other-leader        confidential-reply           change  no
head                confidential-reply           change  yes
other-head          confidential-reply           change  no
commissioner        confidential-reply           change  no
other-commissioner  confidential-reply           change  no
administrator       confidential-reply           change  no
superuser           confidential-reply           change  no

anonymous           orphaned-reply               change  no
inactive            orphaned-reply               change  no
no-role             orphaned-reply               change  no
leader              orphaned-reply               change  no
other-leader        orphaned-reply               change  no
head                orphaned-reply               change  yes
other-head          orphaned-reply               change  no
commissioner        orphaned-reply               change  no
other-commissioner  orphaned-reply               change  no
administrator       orphaned-reply               change  no
superuser           orphaned-reply               change  no

anonymous           procedure-purpose            change  no
inactive            procedure-purpose            change  no
no-role             procedure-purpose            change  no
leader              procedure-purpose            change  no
other-leader        procedure-purpose            change  no
head                procedure-purpose            change  no
other-head          procedure-purpose            change  yes
commissioner        procedure-purpose            change  no
other-commissioner  procedure-purpose            change  no
administrator       procedure-purpose            change  yes
superuser           procedure-purpose            change  yes

anonymous           party                        see     no
inactive            party                        see     no
no-role             party                        see     no
leader              party                        see     yes
other-leader        party                        see     yes
head                party                        see     yes
other-head          party                        see     yes
commissioner        party                        see     yes
other-commissioner  party                        see     yes
administrator       party                        see     yes
superuser           party                        see     yes
anonymous           party                        change  no
inactive            party                        change  no
no-role             party                        change  no
leader              party                        change  yes
other-leader        party                        change  no
head                party                        change  yes
other-head          party                        change  no
commissioner        party                        change  yes
other-commissioner  party                        change  no
administrator       party                        change  yes
superuser           party                        change  yes
anonymous           party                        delete  no
inactive            party                        delete  no
no-role             party                        delete  no
leader              party                        delete  yes
other-leader        party                        delete  no
head                party                        delete  yes
other-head          party                        delete  no
commissioner        party                        delete  yes
other-commissioner  party                        delete  no
administrator       party                        delete  yes
superuser           party                        delete  yes

anonymous           confidential-party           see     no
inactive            confidential-party           see     no
no-role             confidential-party           see     no
leader              confidential-party           see     yes
other-leader        confidential-party           see     no
head                confidential-party           see     yes
other-head          confidential-party           see     no
commissioner        confidential-party           see     yes
other-commissioner  confidential-party           see     no
administrator       confidential-party           see     yes
superuser           confidential-party           see     yes
anonymous           confidential-party           change  no
inactive            confidential-party           change  no
no-role             confidential-party           change  no
leader              confidential-party           change  yes
other-leader        confidential-party           change  no
head                confidential-party           change  yes
other-head          confidential-party           change  no
commissioner        confidential-party           change  yes
other-commissioner  confidential-party           change  no
administrator       confidential-party           change  yes
superuser           confidential-party           change  yes
anonymous           confidential-party           delete  no
inactive            confidential-party           delete  no
no-role             confidential-party           delete  no
leader              confidential-party           delete  yes
other-leader        confidential-party           delete  no
head                confidential-party           delete  yes
other-head          confidential-party           delete  no
commissioner        confidential-party           delete  yes
other-commissioner  confidential-party           delete  no
administrator       confidential-party           delete  yes
superuser           confidential-party           delete  yes

anonymous           contact                      see     no
inactive            contact                      see     no
no-role             contact                      see     no
leader              contact                      see     yes
other-leader        contact                      see     no
head                contact                      see     yes
other-head          contact                      see     no
commissioner        contact                      see     yes
other-commissioner  contact                      see     no
administrator       contact                      see     yes
superuser           contact                      see     yes
anonymous           contact                      change  no
inactive            contact                      change  no
no-role             contact                      change  no
leader              contact                      change  yes
other-leader        contact                      change  no
head                contact                      change  yes
other-head          contact                      change  no
commissioner        contact                      change  yes
other-commissioner  contact                      change  no
administrator       contact                      change  yes
superuser           contact                      change  yes

anonymous           confidential-contact         see     no
inactive            confidential-contact         see     no
no-role             confidential-contact         see     no
leader              confidential-contact         see     yes
other-leader        confidential-contact         see     no
head                confidential-contact         see     yes
other-head          confidential-contact         see     no
commissioner        confidential-contact         see     yes
other-commissioner  confidential-contact         see     no
administrator       confidential-contact         see     yes
superuser           confidential-contact         see     yes
anonymous           confidential-contact         change  no
inactive            confidential-contact         change  no
no-role             confidential-contact         change  no
leader              confidential-contact         change  yes
other-leader        confidential-contact         change  no
head                confidential-contact         change  yes
other-head          confidential-contact         change  no
commissioner        confidential-contact         change  yes
other-commissioner  confidential-contact         change  no
administrator       confidential-contact         change  yes
superuser           confidential-contact         change  yes

anonymous           agreement                    see     no
inactive            agreement                    see     no
no-role             agreement                    see     no
leader              agreement                    see     yes
other-leader        agreement                    see     yes
head                agreement                    see     yes
other-head          agreement                    see     yes
commissioner        agreement                    see     yes
other-commissioner  agreement                    see     yes
administrator       agreement                    see     yes
superuser           agreement                    see     yes
anonymous           agreement                    change  no
inactive            agreement                    change  no
no-role             agreement                    change  no
leader              agreement                    change  yes
other-leader        agreement                    change  no
head                agreement                    change  yes
other-head          agreement                    change  no
commissioner        agreement                    change  yes
other-commissioner  agreement                    change  no
administrator       agreement                    change  yes
superuser           agreement                    change  yes

anonymous           confidential-agreement       see     no
inactive            confidential-agreement       see     no
no-role             confidential-agreement       see     no
leader              confidential-agreement       see     yes
other-leader        confidential-agreement       see     no
head                confidential-agreement       see     yes
other-head          confidential-agreement       see     no
commissioner        confidential-agreement       see     yes
other-commissioner  confidential-agreement       see     no
administrator       confidential-agreement       see     yes
superuser           confidential-agreement       see     yes
anonymous           confidential-agreement       change  no
inactive            confidential-agreement       change  no
no-role             confidential-agreement       change  no
leader              confidential-agreement       change  yes
other-leader        confidential-agreement       change  no
head                confidential-agreement       change  yes
other-head          confidential-agreement       change  no
commissioner        confidential-agreement       change  yes
other-commissioner  confidential-agreement       change  no
administrator       confidential-agreement       change  yes
superuser           confidential-agreement       change  yes

anonymous           digest-line                  told    no
inactive            digest-line                  told    no
no-role             digest-line                  told    no
leader              digest-line                  told    no
other-leader        digest-line                  told    no
head                digest-line                  told    yes
other-head          digest-line                  told    yes
commissioner        digest-line                  told    yes
other-commissioner  digest-line                  told    no
administrator       digest-line                  told    no
superuser           digest-line                  told    no

anonymous           confidential-digest-line     told    no
inactive            confidential-digest-line     told    no
no-role             confidential-digest-line     told    no
leader              confidential-digest-line     told    no
other-leader        confidential-digest-line     told    no
head                confidential-digest-line     told    yes
other-head          confidential-digest-line     told    no
commissioner        confidential-digest-line     told    yes
other-commissioner  confidential-digest-line     told    no
administrator       confidential-digest-line     told    no
superuser           confidential-digest-line     told    no

anonymous           orphaned-digest-line         told    no
inactive            orphaned-digest-line         told    no
no-role             orphaned-digest-line         told    no
leader              orphaned-digest-line         told    no
other-leader        orphaned-digest-line         told    no
head                orphaned-digest-line         told    yes
other-head          orphaned-digest-line         told    no
commissioner        orphaned-digest-line         told    no
other-commissioner  orphaned-digest-line         told    no
administrator       orphaned-digest-line         told    no
superuser           orphaned-digest-line         told    no

anonymous           export-row                   see     no
inactive            export-row                   see     no
no-role             export-row                   see     no
leader              export-row                   see     no
other-leader        export-row                   see     no
head                export-row                   see     no
other-head          export-row                   see     no
commissioner        export-row                   see     yes
other-commissioner  export-row                   see     no
administrator       export-row                   see     yes
superuser           export-row                   see     yes

anonymous           confidential-export-row      see     no
inactive            confidential-export-row      see     no
no-role             confidential-export-row      see     no
leader              confidential-export-row      see     no
other-leader        confidential-export-row      see     no
head                confidential-export-row      see     no
other-head          confidential-export-row      see     no
commissioner        confidential-export-row      see     yes
other-commissioner  confidential-export-row      see     no
administrator       confidential-export-row      see     yes
superuser           confidential-export-row      see     yes
"""


def rows() -> list[tuple[str, str, str, bool]]:
    parsed = []
    for line in TABLE.splitlines():
        if line.strip():
            who, what, action, expected = line.split()
            assert expected in ("yes", "no"), line
            parsed.append((who, what, action, expected == "yes"))
    return parsed


ROWS = rows()


@pytest.mark.parametrize(("who", "what", "action", "expected"), ROWS)
def test_the_rule(world: World, who: str, what: str, action: str, expected: bool) -> None:
    check = CHECKS[WHAT[what]][action]
    assert check(world, world.people[who], _fresh(world.objects[what])) is expected


def test_the_table_is_complete() -> None:
    """One row for every persona, object and action that exists for it, and no other."""
    written = [(who, what, action) for who, what, action, _expected in ROWS]
    assert len(written) == len(set(written)), "a row is written twice"
    wanted = {
        (who, what, action) for who in WHO for what, kind in WHAT.items() for action in CHECKS[kind]
    }
    assert set(written) == wanted


# --- who may start what and use which page: a second table, persona x rule ---------------------
PAGE_RULES: dict[str, Callable[[AnyUser], bool]] = {
    "create": may_create_projects,
    "choose-leader": may_choose_leader,
    "add-parties": may_add_parties,
    "party-contact": may_log_party_contact,
    "dashboard": may_use_dashboard,
    "portfolio": may_see_portfolio,
    "inbox": may_use_inbox,
    "insight": may_see_insight,
}
PAGE_TABLE = """
who                 create choose-leader add-parties party-contact dashboard portfolio inbox insight
anonymous           no     no            no          no            no        no        no    no
inactive            no     no            no          no            no        no        no    no
no-role             no     no            no          no            no        no        no    no
leader              yes    no            yes         yes           no        no        no    no
other-leader        yes    no            yes         yes           no        no        no    no
head                no     no            no          no            no        no        yes   yes
other-head          no     no            no          no            no        no        yes   yes
commissioner        yes    yes           yes         yes           yes       yes       no    yes
other-commissioner  yes    yes           yes         yes           yes       yes       no    yes
administrator       yes    yes           yes         yes           yes       yes       no    yes
superuser           yes    yes           yes         yes           yes       yes       no    yes
"""


def page_rows() -> list[tuple[str, str, bool]]:
    header, *lines = PAGE_TABLE.strip().splitlines()
    rules = header.split()[1:]
    assert rules == list(PAGE_RULES), "the columns are the rules, in order"
    parsed = []
    for line in lines:
        who, *answers = line.split()
        assert len(answers) == len(rules) and set(answers) <= {"yes", "no"}, line
        parsed += [
            (who, rule, answer == "yes") for rule, answer in zip(rules, answers, strict=True)
        ]
    assert {who for who, _rule, _expected in parsed} == set(WHO), "one line per persona"
    return parsed


@pytest.mark.parametrize(("who", "rule", "expected"), page_rows())
def test_the_page_rule(world: World, who: str, rule: str, expected: bool) -> None:
    assert PAGE_RULES[rule](world.people[who]) is expected


class TestFollowUp:
    """A follow-up is marked done by its owner, or by whoever may contribute to the project
    of the contact moment; one agreed with a party as such, by whoever logs party contact."""

    def test_its_owner_and_the_projects_contributors_mark_it_done(self, world: World):
        follow_up = FollowUpFactory(owner=world.people["other-leader"])
        project = follow_up.interaction.project
        project.commissioner = world.people["commissioner"]
        project.save()
        answers = {who: may_update_follow_up(user, follow_up) for who, user in world.people.items()}
        assert {who for who, yes in answers.items() if yes} == {
            "other-leader",  # the owner, though not on the project
            "commissioner",  # the project's commissioner contributes
            "administrator",
            "superuser",
        } | ({"leader"} if project.leader == world.people["leader"] else set())

    def test_one_agreed_with_a_party_as_such_by_whoever_logs_party_contact(self, world: World):
        follow_up = FollowUpFactory(
            interaction=InteractionFactory(project=None), owner=world.people["head"]
        )
        answers = {who: may_update_follow_up(user, follow_up) for who, user in world.people.items()}
        assert {who for who, yes in answers.items() if yes} == {
            "head",  # the owner
            "leader",
            "other-leader",
            "commissioner",
            "other-commissioner",
            "administrator",
            "superuser",
        }

    def test_an_owner_switched_off_may_not(self, world: World):
        follow_up = FollowUpFactory(owner=world.people["inactive"])
        assert may_update_follow_up(world.people["inactive"], follow_up) is False


# --- what holds beside the table ---------------------------------------------------------------


def every_answer(world: World, user: AnyUser) -> dict[str, Any]:
    """What every function of ``projects.permissions`` answers this user, on everything."""
    answers: dict[str, Any] = {
        "is_administrator": is_administrator(user),
        "has_any_role": has_any_role(user),
        "projects_visible_to": list(projects_visible_to(user)),
    }
    for name, obj in world.objects.items():
        if isinstance(obj, Project):
            for action in Action:
                answers[f"can {action} {name}"] = can(user, action, obj)
                answers[f"get_project_for_user {action} {name}"] = allowed(
                    lambda obj=obj, action=action: get_project_for_user(user, obj.pk, action=action)
                )
            answers[f"can_answer_support {name}"] = can_answer_support(user, obj)
            answers[f"audience {name}"] = audience(user_ids=[user.pk], project_ids=[obj.pk])[obj.pk]
        elif isinstance(obj, FrictionPoint):
            answers[f"can_think_along {name}"] = can_think_along(user, obj)
            for action in Action:
                answers[f"get_friction_point_for_user {action} {name}"] = allowed(
                    lambda obj=obj, action=action: get_friction_point_for_user(
                        user, obj.project_id, obj.pk, action=action
                    )
                )
        elif isinstance(obj, Procedure):
            answers[f"can_edit_procedure_purpose {name}"] = can_edit_procedure_purpose(user, obj)
    for rule, decide in PAGE_RULES.items():
        answers[rule] = decide(user)
    return answers


@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_nobody_signed_out_or_switched_off_is_let_through_anywhere(world: World, who: str) -> None:
    """Not by a single function, on any object, whatever the account is still named as
    (the inactive one is a Beheerder, a commissioner and a head of a department on a point).
    The table checks most of these behind another function; here each answers alone."""
    answers = every_answer(world, world.people[who])
    assert {name: answer for name, answer in answers.items() if answer} == {}


def test_anonymous_has_no_role() -> None:
    # Which groups an inactive account is in stays visible (has_role); it may do nothing
    # with them (the test above).
    assert not any(has_role(AnonymousUser(), role) for role in Role)


def test_the_functions_tell_everyone_at_once_what_they_tell_each(
    world: World, django_assert_num_queries
) -> None:
    """``audience`` for every persona and project in one call equals the table's rows, in
    three queries: the people, their roles, one UNION ALL."""
    people = {user.pk: who for who, user in world.people.items() if user.pk is not None}
    projects = {obj.pk: name for name, obj in world.objects.items() if WHAT.get(name) == "project"}
    with django_assert_num_queries(3):
        heard = audience(user_ids=people, project_ids=projects)
    told = {
        (who, what)
        for who, what, action, expected in ROWS
        if action == "told" and what in projects.values() and expected
    }
    assert {(people[u], projects[p]) for p, users in heard.items() for u in users} == told


def test_roles_are_read_once_per_person(world: World, django_assert_num_queries) -> None:
    """The main menu asks on every page: one query answers every role question."""
    user = User.objects.get(username="beheerder")
    with django_assert_num_queries(1):
        assert is_administrator(user)
        assert has_any_role(user)
        assert has_role(user, Role.ADMINISTRATOR)
        assert not has_role(user, Role.COMMISSIONER)


def test_audience_costs_the_same_few_queries_for_many_people(
    world: World, django_assert_num_queries
) -> None:
    """The people with their roles (two queries), then one UNION ALL per 200 people: the
    parts cannot overlap, so the database is not asked to remove duplicates."""
    group = Group.objects.get(name=Role.PROJECT_LEADER)
    many = User.objects.bulk_create(User(username=f"lid-{n}") for n in range(201))
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in many
    )
    project = world.objects["open-project"]
    with django_assert_num_queries(4) as queries:
        heard = audience(user_ids=[user.pk for user in many], project_ids=[project.pk])
    assert heard == {project.pk: {user.pk for user in many}}
    # The first 200 in one UNION ALL, the 201st alone.
    (union,) = [query["sql"] for query in queries.captured_queries if "UNION" in query["sql"]]
    assert union.count(" UNION ALL ") == 199
    assert " UNION SELECT" not in union


def test_audience_of_no_project_asks_nothing(world: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert audience(user_ids=[world.people["leader"].pk], project_ids=[]) == {}


class TestGetProjectForUser:
    def test_it_looks_in_the_queryset_it_is_given(self, world: World) -> None:
        administrator = world.people["administrator"]
        project = world.objects["open-project"]
        others = Project.objects.exclude(pk=project.pk)
        with pytest.raises(Http404):
            get_project_for_user(administrator, project.pk, queryset=others)
        found = get_project_for_user(
            administrator, project.pk, queryset=Project.objects.select_related("leader")
        )
        assert found == project
        assert "leader" in found._state.fields_cache

    @pytest.mark.parametrize("pk", [0, "abc", None])
    def test_an_unknown_or_malformed_id_is_a_404(self, world: World, pk: Any) -> None:
        with pytest.raises(Http404):
            get_project_for_user(world.people["administrator"], pk)


class TestGetFrictionPointForUser:
    def test_a_point_is_found_only_under_its_own_project(self, world: World) -> None:
        """Asked for under another project (one the user may see), it is a 404."""
        administrator = world.people["administrator"]
        point = world.objects["confidential-point"]
        other = world.objects["open-project"]
        with pytest.raises(Http404):
            get_friction_point_for_user(administrator, other.pk, point.pk)

    @pytest.mark.parametrize("pk", [0, "abc", None])
    def test_an_unknown_or_malformed_id_is_a_404(self, world: World, pk: Any) -> None:
        project = world.objects["open-project"]
        with pytest.raises(Http404):
            get_friction_point_for_user(world.people["administrator"], project.pk, pk)

    def test_it_comes_with_its_procedure_milestone_and_project(
        self, world: World, django_assert_num_queries
    ) -> None:
        leader = world.people["leader"]
        point = world.objects["point"]
        found = get_friction_point_for_user(leader, point.project_id, point.pk)
        with django_assert_num_queries(0):
            assert found.procedure.name == "Juridische toets"
            assert found.milestone.project_id == point.project_id
            assert found.project.title == "Open"
