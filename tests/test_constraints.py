"""Rules that must always hold are database constraints, not only form validation.

Each test writes around the ORM's validation (bulk or .update()) so the database itself
must refuse the row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from projects.models import FrictionPoint, ProcedureStep, Project, StakeholderInvolvement
from tests.factories import (
    CommissionerFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    SectorFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_project_needs_a_commissioner():
    leader = LeaderFactory()
    refused(
        lambda: Project.objects.bulk_create(
            [Project(title="Zonder opdrachtgever", purpose="Iets", leader=leader)]
        )
    )


def test_a_project_needs_a_purpose():
    project = ProjectFactory()
    refused(lambda: Project.objects.filter(pk=project.pk).update(purpose=""))


@pytest.mark.parametrize("field", ["influence", "interest"])
@pytest.mark.parametrize("value", [0, 6])
def test_influence_and_interest_stay_within_one_to_five(field, value):
    involvement = StakeholderInvolvementFactory()
    refused(
        lambda: StakeholderInvolvement.objects.filter(pk=involvement.pk).update(**{field: value})
    )


def test_a_stakeholder_is_involved_once_per_project():
    involvement = StakeholderInvolvementFactory()
    refused(
        lambda: StakeholderInvolvementFactory(
            project=involvement.project, stakeholder=involvement.stakeholder
        )
    )


def test_a_department_is_involved_once_per_project():
    involvement = DepartmentInvolvementFactory()
    refused(
        lambda: DepartmentInvolvementFactory(
            project=involvement.project, department=involvement.department
        )
    )


def test_a_closed_friction_point_has_an_approach():
    point = FrictionPointFactory()
    refused(
        lambda: FrictionPoint.objects.filter(pk=point.pk).update(
            status=FrictionPoint.Status.CLOSED, closed_at=timezone.now(), approach=""
        )
    )


def test_a_closed_friction_point_with_an_approach_is_accepted():
    point = FrictionPointFactory(closed=True)
    assert FrictionPoint.objects.get(pk=point.pk).status == FrictionPoint.Status.CLOSED


def test_only_automatic_flags_resolve_themselves():
    point = FrictionPointFactory()
    refused(
        lambda: FrictionPoint.objects.filter(pk=point.pk).update(
            status=FrictionPoint.Status.RESOLVED
        )
    )


def test_an_automatic_flag_names_its_kind():
    point = FrictionPointFactory(automatic=True)
    refused(lambda: FrictionPoint.objects.filter(pk=point.pk).update(flag_kind=""))


def test_severity_stays_in_range():
    point = FrictionPointFactory()
    refused(lambda: FrictionPoint.objects.filter(pk=point.pk).update(severity=9))


def test_at_most_one_open_automatic_flag_per_milestone_and_procedure():
    step = ProcedureStepFactory()
    project = step.milestone.project
    FrictionPointFactory(
        automatic=True, project=project, milestone=step.milestone, procedure=step.procedure
    )
    refused(
        lambda: FrictionPointFactory(
            automatic=True, project=project, milestone=step.milestone, procedure=step.procedure
        )
    )


def test_a_resolved_flag_does_not_block_a_new_one():
    step = ProcedureStepFactory()
    project = step.milestone.project
    FrictionPointFactory(
        automatic=True,
        project=project,
        milestone=step.milestone,
        procedure=step.procedure,
        status=FrictionPoint.Status.RESOLVED,
    )
    FrictionPointFactory(
        automatic=True, project=project, milestone=step.milestone, procedure=step.procedure
    )
    assert FrictionPoint.objects.filter(milestone=step.milestone).count() == 2


def test_a_done_step_has_a_date():
    step = ProcedureStepFactory()
    refused(
        lambda: ProcedureStep.objects.filter(pk=step.pk).update(status=ProcedureStep.Status.DONE)
    )


def test_a_meeting_deadline_is_not_after_the_meeting():
    meeting = MeetingFactory()
    refused(
        lambda: (
            type(meeting)
            .objects.filter(pk=meeting.pk)
            .update(agenda_deadline=meeting.date + dt.timedelta(days=1))
        )
    )


def test_department_names_are_unique_regardless_of_case():
    department = DepartmentFactory(name="Juridische Zaken")
    refused(lambda: DepartmentFactory(name="juridische zaken", sector=department.sector))


def test_stakeholder_names_are_unique_regardless_of_case():
    StakeholderFactory(name="Woningcorporatie Ons Huis")
    refused(lambda: StakeholderFactory(name="woningcorporatie ons huis"))


def test_procedures_and_departments_in_use_cannot_be_deleted():
    step = ProcedureStepFactory()
    with pytest.raises(ProtectedError):
        step.procedure.delete()
    with pytest.raises(ProtectedError):
        step.procedure.department.delete()
    sector = SectorFactory()
    DepartmentFactory(sector=sector)
    with pytest.raises(ProtectedError):
        sector.delete()


def test_a_project_with_friction_cannot_be_deleted_and_users_in_use_neither():
    point = FrictionPointFactory()
    with pytest.raises(ProtectedError):
        point.project.delete()
    commissioner = CommissionerFactory()
    ProjectFactory(commissioner=commissioner)
    with pytest.raises(ProtectedError):
        commissioner.delete()


def test_a_milestone_with_steps_is_removed_with_its_steps():
    milestone = MilestoneFactory()
    ProcedureStepFactory(milestone=milestone, procedure=ProcedureFactory())
    milestone.delete()
    assert ProcedureStep.objects.count() == 0
