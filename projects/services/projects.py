"""Writes for the project pages: projects with their departments, partners, milestones and
the procedures each milestone needs.

A procedure belongs to a department; a project that needs it involves that department.
Choosing another department's procedure for a milestone therefore makes that department
involved (adviserend), with what involvement brings: its head may open the project, also
a confidential one, and hears of its flags. A department stays involved while a milestone
needs one of its procedures: removing it is refused until that step is gone.

Every change to a milestone's date or to its procedure steps asks the friction engine for a
rescan of the project (``rescan_enqueue`` defers the work until the transaction commits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Department, Procedure, Role
from projects.models import (
    DepartmentInvolvement,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.permissions import has_role, may_choose_leader, may_create_projects
from projects.services.conflicts import EditConflict
from projects.services.rescan import rescan_enqueue
from stakeholders.models import Stakeholder
from web.audit_log import security_event


@dataclass(frozen=True)
class DepartmentInput:
    department: Department
    role: str = DepartmentInvolvement.Role.CONTRIBUTING


@dataclass(frozen=True)
class PartnerInput:
    stakeholder: Stakeholder
    role: str = StakeholderInvolvement.Role.PARTNER
    influence: int = 3
    interest: int = 3


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    date: dt.date
    kind: str = Milestone.Kind.OTHER
    description: str = ""
    procedures: Sequence[Procedure] = field(default_factory=tuple)
    pk: int | None = None  # an existing milestone of the project, or None for a new one


# --- checks shared by create and update ----------------------------------------------------


def _check_commissioner(commissioner: AbstractBaseUser | None) -> None:
    if commissioner is None or not commissioner.is_active:
        raise ValidationError({"commissioner": _("Kies één bureauhoofd als opdrachtgever.")})
    if not has_role(commissioner, Role.COMMISSIONER):
        raise ValidationError(
            {
                "commissioner": _(
                    "%(name)s is geen bureauhoofd. Alleen een bureauhoofd kan opdrachtgever zijn."
                )
                % {"name": commissioner.get_full_name() or commissioner.get_username()}
            }
        )


def _check_leader(leader: AbstractBaseUser | None) -> None:
    if leader is None or not leader.is_active or not has_role(leader, Role.PROJECT_LEADER):
        raise ValidationError({"leader": _("Kies een projectleider als trekker van het project.")})


def _leader_for(author: AbstractBaseUser, leader: AbstractBaseUser | None) -> AbstractBaseUser:
    """A Projectleider leads what they start; a Bureauhoofd or Beheerder names a leader."""
    if may_choose_leader(author):
        _check_leader(leader)
        return leader
    if leader is not None and leader.pk != author.pk:
        raise ValidationError({"leader": _("U kunt alleen uzelf als projectleider kiezen.")})
    _check_leader(author)
    return author


def _check_unique(items: Sequence, key: str, field_name: str, message: str) -> None:
    seen = set()
    for item in items:
        value = getattr(item, key).pk
        if value in seen:
            raise ValidationError({field_name: message})
        seen.add(value)


def _check_partners(partners: Sequence[PartnerInput]) -> None:
    for partner in partners:
        for score in (partner.influence, partner.interest):
            if not 1 <= score <= 5:
                raise ValidationError(
                    {"partners": _("Invloed en belang zijn getallen van 1 tot en met 5.")}
                )
    _check_unique(
        partners,
        "stakeholder",
        "partners",
        _("Een externe partij staat twee keer bij dit project."),
    )


def _check_departments(departments: Sequence[DepartmentInput]) -> None:
    _check_unique(
        departments,
        "department",
        "departments",
        _("Een afdeling staat twee keer bij dit project."),
    )


# --- departments and partners --------------------------------------------------------------


def _departments_sync(*, project: Project, departments: Sequence[DepartmentInput]) -> set[int]:
    """The project's departments become exactly these, keeping rows that stay. Returns the
    ids of the departments taken off."""
    _check_departments(departments)
    existing = {i.department_id: i for i in project.department_involvements.all()}
    wanted = {item.department.pk: item for item in departments}
    project.department_involvements.exclude(department_id__in=wanted).delete()
    for department_id, item in wanted.items():
        involvement = existing.get(department_id)
        if involvement is None:
            DepartmentInvolvement.objects.create(
                project=project, department=item.department, role=item.role
            )
        elif involvement.role != item.role:
            involvement.role = item.role
            involvement.save(update_fields=["role"])
    return set(existing) - set(wanted)


def _steps_of(project: Project, department_ids: set[int]) -> list[ProcedureStep]:
    return list(
        ProcedureStep.objects.filter(
            milestone__project=project, procedure__department_id__in=department_ids
        )
        .select_related("procedure__department", "milestone")
        .order_by("milestone__date", "pk")
    )


def step_departments_involve(*, project: Project, removed: set[int] = frozenset()) -> list[int]:
    """Involve (adviserend) every department whose procedure a milestone of the project
    needs; returns the ids of the departments involved now. ``removed``: departments the
    caller just took off, refused when a step still needs them."""
    if removed and (needed := _steps_of(project, removed)):
        step = needed[0]
        raise ValidationError(
            {
                "departments": _(
                    "%(department)s kan niet van het project af: de procedure "
                    "%(procedure)s is nodig voor de mijlpaal %(milestone)s. Haal eerst die "
                    "procedure bij de mijlpaal weg."
                )
                % {
                    "department": step.procedure.department.name,
                    "procedure": step.procedure.name,
                    "milestone": step.milestone.title,
                }
            }
        )
    missing = set(
        Department.objects.filter(procedures__steps__milestone__project=project)
        .exclude(involvements__project=project)
        .values_list("pk", flat=True)
    )
    DepartmentInvolvement.objects.bulk_create(
        [
            DepartmentInvolvement(
                project=project, department_id=pk, role=DepartmentInvolvement.Role.ADVISORY
            )
            for pk in sorted(missing)
        ],
        ignore_conflicts=True,  # involved meanwhile by a concurrent edit: fine as it is
    )
    return sorted(missing)


def _partners_sync(*, project: Project, partners: Sequence[PartnerInput]) -> None:
    """The project's external parties become exactly these, keeping rows that stay."""
    _check_partners(partners)
    existing = {i.stakeholder_id: i for i in project.stakeholder_involvements.all()}
    wanted = {item.stakeholder.pk: item for item in partners}
    joining = [pk for pk in wanted if pk not in existing]
    archived = (
        Stakeholder.objects.filter(pk__in=joining, archived_at__isnull=False).first()
        if joining
        else None
    )
    if archived is not None:  # an archived party stays where it was, but joins nothing new
        raise ValidationError(
            {
                "partners": _(
                    "%(party)s staat in het archief en kan niet aan een project worden toegevoegd."
                )
                % {"party": archived.name}
            }
        )
    project.stakeholder_involvements.exclude(stakeholder_id__in=wanted).delete()
    for stakeholder_id, item in wanted.items():
        involvement = existing.get(stakeholder_id)
        values = {"role": item.role, "influence": item.influence, "interest": item.interest}
        if involvement is None:
            StakeholderInvolvement.objects.create(
                project=project, stakeholder=item.stakeholder, **values
            )
        elif any(getattr(involvement, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(involvement, k, v)
            involvement.save(update_fields=list(values))


# --- milestones and their procedure steps --------------------------------------------------


def _steps_sync(*, milestone: Milestone, procedures: Sequence[Procedure]) -> bool:
    """Steps for exactly these procedures; existing steps keep their status. Returns
    whether anything changed."""
    wanted = {p.pk: p for p in procedures}
    existing = set(milestone.steps.values_list("procedure_id", flat=True))
    removed, _count = milestone.steps.exclude(procedure_id__in=wanted).delete()
    added = [
        ProcedureStep(milestone=milestone, procedure=procedure)
        for pk, procedure in wanted.items()
        if pk not in existing
    ]
    ProcedureStep.objects.bulk_create(added)
    return bool(removed or added)


def _milestone_save(
    *, project: Project, data: MilestoneInput, milestone: Milestone | None = None
) -> tuple[Milestone, bool]:
    """Create or update one milestone and its steps. Returns it and whether the schedule
    changed (a new milestone, another date, other procedures)."""
    if data.date is None:
        raise ValidationError({"date": _("Vul de datum van de mijlpaal in.")})
    if milestone is None:
        milestone = Milestone(project=project)
        changed = True
    else:
        if milestone.project_id != project.pk:
            raise ValidationError(_("Deze mijlpaal hoort niet bij dit project."))
        changed = milestone.date != data.date
    milestone.title = data.title
    milestone.kind = data.kind
    milestone.date = data.date
    milestone.description = data.description
    milestone.full_clean(exclude=["project"])
    milestone.save()
    changed = _steps_sync(milestone=milestone, procedures=data.procedures) or changed
    return milestone, changed


def _milestones_sync(*, project: Project, milestones: Sequence[MilestoneInput]) -> bool:
    """The project's milestones become exactly these (matched on ``pk``)."""
    existing = {m.pk: m for m in project.milestones.all()}
    unknown = {m.pk for m in milestones if m.pk is not None} - set(existing)
    if unknown:
        raise ValidationError(_("Een mijlpaal hoort niet bij dit project."))
    keep = {m.pk for m in milestones if m.pk is not None}
    removed, _count = project.milestones.exclude(pk__in=keep).delete()
    changed = bool(removed)
    for data in milestones:
        _milestone, saved = _milestone_save(
            project=project, data=data, milestone=existing.get(data.pk)
        )
        changed = changed or saved
    return changed


def _enqueue_rescan(project: Project) -> None:
    rescan_enqueue(project_ids=[project.pk])


# --- public services -----------------------------------------------------------------------


def project_create(
    *,
    author: AbstractBaseUser,
    title: str,
    purpose: str,
    commissioner: AbstractBaseUser | None,
    leader: AbstractBaseUser | None = None,
    description: str = "",
    status: str = Project.Status.IDEA,
    portfolio_holder: str = "",
    is_confidential: bool = False,
    departments: Sequence[DepartmentInput] = (),
    partners: Sequence[PartnerInput] = (),
    milestones: Sequence[MilestoneInput] = (),
) -> Project:
    """Register a project. A Projectleider becomes its leader; a Bureauhoofd or Beheerder
    names one. The commissioner must be a Bureauhoofd."""
    if not may_create_projects(author):
        raise PermissionDenied
    leader = _leader_for(author, leader)
    _check_commissioner(commissioner)
    with transaction.atomic():
        project = Project(
            title=title,
            purpose=purpose,
            description=description,
            status=status,
            leader=leader,
            commissioner=commissioner,
            portfolio_holder=portfolio_holder,
            is_confidential=is_confidential,
        )
        project.full_clean()
        project.save()
        _departments_sync(project=project, departments=departments)
        _partners_sync(project=project, partners=partners)
        if _milestones_sync(project=project, milestones=milestones):
            _enqueue_rescan(project)
        step_departments_involve(project=project)
    return project


_UNSET = object()


def project_update(
    *,
    project: Project,
    editor: AbstractBaseUser,
    expected_version: int | None = None,
    title: str,
    purpose: str,
    commissioner: AbstractBaseUser | None,
    leader: AbstractBaseUser | None | object = _UNSET,
    description: str = "",
    status: str = Project.Status.IDEA,
    portfolio_holder: str = "",
    is_confidential: bool = False,
    departments: Sequence[DepartmentInput] | None = None,
    partners: Sequence[PartnerInput] | None = None,
    milestones: Sequence[MilestoneInput] | None = None,
) -> Project:
    """Change a project. Lists left at ``None`` stay as they are; a given list replaces
    what the project has. ``expected_version`` guards against overwriting someone else's
    change made since the form was opened. The caller has checked the edit permission."""
    _check_commissioner(commissioner)
    if leader is not _UNSET and (leader is None or leader.pk != project.leader_id):
        if not may_choose_leader(editor):
            raise PermissionDenied
        _check_leader(leader)
    with transaction.atomic():
        bumped = Project.objects.filter(pk=project.pk)
        if expected_version is not None:
            bumped = bumped.filter(version=expected_version)
        if not bumped.update(version=F("version") + 1):
            raise EditConflict(
                _(
                    "Iemand anders heeft dit project intussen gewijzigd. Er is niets "
                    "opgeslagen: uw tekst staat nog in het formulier. Vergelijk die met wat "
                    "nu is opgeslagen, neem over wat u wilt houden en sla opnieuw op."
                )
            )
        project.title = title
        project.purpose = purpose
        project.description = description
        project.status = status
        project.commissioner = commissioner
        if leader is not _UNSET:
            project.leader = leader
        project.portfolio_holder = portfolio_holder
        project.is_confidential = is_confidential
        project.full_clean()
        project.save(
            update_fields=[
                "title",
                "purpose",
                "description",
                "status",
                "commissioner",
                "leader",
                "portfolio_holder",
                "is_confidential",
                "updated_at",
            ]
        )
        project.refresh_from_db(fields=["version"])
        removed: set[int] = set()
        if departments is not None:
            removed = _departments_sync(project=project, departments=departments)
        if partners is not None:
            _partners_sync(project=project, partners=partners)
        if milestones is not None and _milestones_sync(project=project, milestones=milestones):
            _enqueue_rescan(project)
        step_departments_involve(project=project, removed=removed)
    return project


def project_archive(*, project: Project, actor: AbstractBaseUser) -> Project:
    """Put a project in the archive instead of deleting it: it leaves the lists, the
    dashboards and the friction scan, stays readable at its address and can be restored.

    One filtered UPDATE, so two people archiving at once cannot both succeed; it bumps
    ``version``, so an edit form opened before the archiving cannot save afterwards. The
    caller has checked the archive permission; who did it goes to the security log.
    """
    return _set_archived(project, actor=actor, archived=True)


def project_restore(*, project: Project, actor: AbstractBaseUser) -> Project:
    """Take a project out of the archive; the friction scan looks at it again (a rescan is
    enqueued for when the transaction commits)."""
    return _set_archived(project, actor=actor, archived=False)


def _set_archived(project: Project, *, actor: AbstractBaseUser, archived: bool) -> Project:
    now = timezone.now()
    with transaction.atomic():
        changed = Project.objects.filter(pk=project.pk, archived_at__isnull=archived).update(
            archived_at=now if archived else None, version=F("version") + 1, updated_at=now
        )
        if not changed:
            raise ValidationError(
                _("Dit project staat al in het archief.")
                if archived
                else _("Dit project staat niet in het archief.")
            )
        project.refresh_from_db(fields=["archived_at", "version", "updated_at"])
        if not archived:
            _enqueue_rescan(project)
    event = "project_archived" if archived else "project_restored"
    security_event(event, request=None, user=actor, project_id=project.pk)
    return project


def milestone_save(
    *, project: Project, data: MilestoneInput, milestone: Milestone | None = None
) -> Milestone:
    """Create or change one milestone with the procedures it needs; rescans when its date
    or its procedures changed."""
    with transaction.atomic():
        milestone, changed = _milestone_save(project=project, data=data, milestone=milestone)
        if changed:
            _enqueue_rescan(project)
        step_departments_involve(project=project)
    return milestone


def steps_sync(*, milestone: Milestone, procedures: Sequence[Procedure]) -> bool:
    """Make the milestone need exactly these procedures (statuses of kept steps stay)."""
    with transaction.atomic():
        changed = _steps_sync(milestone=milestone, procedures=procedures)
        if changed:
            _enqueue_rescan(milestone.project)
        step_departments_involve(project=milestone.project)
    return changed


def step_status_set(
    *, step: ProcedureStep, status: str, today: dt.date | None = None
) -> ProcedureStep:
    """Set a step's status; "klaar" records today as the day it was done (kept when it was
    done already), any other status clears that date."""
    if status not in ProcedureStep.Status.values:
        raise ValidationError({"status": _("Kies een van de statussen in de lijst.")})
    if status == step.status:
        return step
    today = today or timezone.localdate()
    with transaction.atomic():
        step.status = status
        step.done_on = (step.done_on or today) if status == ProcedureStep.Status.DONE else None
        step.save(update_fields=["status", "done_on"])
        rescan_enqueue(project_ids=[step.milestone.project_id])
    return step
