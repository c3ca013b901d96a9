"""Managers as thinking partners: answering support, thinking along, proposing an approach,
recording a procedure's purpose, and who may do which (projects.permissions)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import FrictionPoint, FrictionUpdate
from projects.permissions import can_answer_support, can_edit_procedure_purpose, can_think_along
from projects.services.support import (
    friction_point_answer_support,
    friction_point_think_along,
    procedure_purpose_set,
)
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProcedureFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=8)


class TestAnswerSupport:
    def test_the_answer_goes_on_the_timeline_and_stops_the_clock(self):
        with time_machine.travel(NOW, tick=False):
            point = FrictionPointFactory(support=True, escalated_at=timezone.now())
            FrictionPoint.objects.filter(pk=point.pk).update(stale_since=timezone.now())
            point.refresh_from_db()
        commissioner = point.project.commissioner
        with time_machine.travel(LATER, tick=False):
            update = friction_point_answer_support(
                point=point, author=commissioner, text="  Bel de griffier, zij weet het.  "
            )
        assert update.kind == FrictionUpdate.Kind.SUPPORT_ANSWER
        assert update.text == "Bel de griffier, zij weet het."
        assert update.author == commissioner
        stored = FrictionPoint.objects.get(pk=point.pk)
        assert stored.support_answered_at == LATER
        assert stored.last_activity_at == LATER
        assert stored.escalated_at == NOW  # kept as history
        assert stored.stale_since is None
        assert stored.version == 2
        assert stored.status == FrictionPoint.Status.OPEN
        # The caller's instance reflects what is stored.
        assert point.support_answered_at == LATER
        assert not point.support_pending

    def test_it_needs_a_text(self):
        point = FrictionPointFactory(support=True)
        with pytest.raises(ValidationError) as error:
            friction_point_answer_support(point=point, author=point.project.commissioner, text=" ")
        assert "text" in error.value.message_dict
        assert not FrictionUpdate.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({}, "geen ondersteuning gevraagd"),
            ({"support": True, "support_answered_at": NOW}, "al beantwoord"),
            ({"support": True, "closed": True}, "afgesloten"),
        ],
    )
    def test_it_refuses_when_nothing_waits_for_an_answer(self, fields, message):
        point = FrictionPointFactory(**fields)
        with pytest.raises(ValidationError) as error:
            friction_point_answer_support(point=point, author=point.project.commissioner, text="Ja")
        assert message in error.value.message_dict["text"][0]
        assert not FrictionUpdate.objects.exists()

    def test_the_second_of_two_answers_is_refused(self):
        point = FrictionPointFactory(support=True)
        stale_copy = FrictionPoint.objects.get(pk=point.pk)
        friction_point_answer_support(point=point, author=point.project.commissioner, text="Eén")
        with pytest.raises(ValidationError):
            friction_point_answer_support(
                point=stale_copy, author=AdministratorFactory(), text="Twee"
            )
        assert FrictionUpdate.objects.count() == 1


class TestThinkAlong:
    def test_thinking_along_is_a_comment_and_keeps_the_status(self):
        point = FrictionPointFactory(status=FrictionPoint.Status.IN_PROGRESS)
        head = DepartmentHeadFactory()
        update = friction_point_think_along(point=point, author=head, text="Wat was de bedoeling?")
        assert update.kind == FrictionUpdate.Kind.COMMENT
        assert update.text == "Wat was de bedoeling?"
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.IN_PROGRESS
        assert point.version == 2

    @pytest.mark.parametrize(
        ("proposal", "opening"),
        [
            ("koesteren", "Voorstel: Bestaande werkwijze koesteren."),
            ("anders_organiseren", "Voorstel: Anders organiseren."),
        ],
    )
    def test_a_proposal_states_the_approach_and_does_not_close(self, proposal, opening):
        point = FrictionPointFactory()
        update = friction_point_think_along(
            point=point,
            author=DepartmentHeadFactory(),
            text="De toets kan parallel.",
            proposal=proposal,
        )
        assert update.text == f"{opening}\n\nDe toets kan parallel."
        point.refresh_from_db()
        assert point.is_open
        assert point.approach == ""

    def test_only_keeping_or_organising_differently_can_be_proposed(self):
        point = FrictionPointFactory()
        with pytest.raises(ValidationError) as error:
            friction_point_think_along(
                point=point, author=DepartmentHeadFactory(), text="Hup", proposal="bestuur"
            )
        assert "proposal" in error.value.message_dict

    def test_a_closed_point_takes_thoughts_but_no_proposal(self):
        point = FrictionPointFactory(closed=True)
        head = DepartmentHeadFactory()
        with pytest.raises(ValidationError) as error:
            friction_point_think_along(point=point, author=head, text="Zo", proposal="koesteren")
        assert "proposal" in error.value.message_dict
        update = friction_point_think_along(point=point, author=head, text="Mooi opgelost.")
        assert update.text == "Mooi opgelost."

    def test_it_needs_a_text(self):
        with pytest.raises(ValidationError):
            friction_point_think_along(
                point=FrictionPointFactory(), author=DepartmentHeadFactory(), text=""
            )


class TestProcedurePurpose:
    def test_it_records_the_purpose(self):
        procedure = ProcedureFactory()
        procedure_purpose_set(procedure=procedure, purpose="  Rechtmatig besluiten.  ")
        procedure.refresh_from_db()
        assert procedure.purpose == "Rechtmatig besluiten."

    def test_it_refuses_an_essay(self):
        with pytest.raises(ValidationError):
            procedure_purpose_set(procedure=ProcedureFactory(), purpose="x" * 5001)


class TestWhoMay:
    def test_the_commissioner_and_a_beheerder_answer_support(self):
        project = ProjectFactory()
        assert can_answer_support(project.commissioner, project)
        assert can_answer_support(AdministratorFactory(), project)
        assert not can_answer_support(project.leader, project)
        assert not can_answer_support(CommissionerFactory(), project)
        inactive = project.commissioner
        inactive.is_active = False
        assert not can_answer_support(inactive, project)

    def test_heads_of_the_departments_it_is_about_think_along(self):
        head, procedure_head, other_head = (DepartmentHeadFactory() for _ in range(3))
        named = DepartmentFactory(head=head)
        owner = DepartmentFactory(head=procedure_head)
        point = FrictionPointFactory(
            departments=[named], procedure=ProcedureFactory(department=owner)
        )
        assert can_think_along(head, point)
        assert can_think_along(procedure_head, point)
        assert not can_think_along(other_head, point)
        assert not can_think_along(point.project.leader, point)

    def test_a_head_edits_the_purpose_of_their_own_procedures(self):
        head = DepartmentHeadFactory()
        own = ProcedureFactory(department=DepartmentFactory(head=head))
        assert can_edit_procedure_purpose(head, own)
        assert not can_edit_procedure_purpose(head, ProcedureFactory())
        assert can_edit_procedure_purpose(AdministratorFactory(), own)
        # Heading the department is not enough without the role that may change procedures.
        no_role = UserFactory()
        without = ProcedureFactory(department=DepartmentFactory(head=no_role))
        assert not can_edit_procedure_purpose(no_role, without)
        assert not can_edit_procedure_purpose(LeaderFactory(), own)
