from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import FrictionPoint, FrictionUpdate
from projects.services.friction import (
    friction_point_change_status,
    friction_point_close,
    friction_point_comment,
    friction_point_log,
    friction_point_reopen,
    friction_point_request_support,
)
from tests.factories import (
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

LOGGED_AT = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 19, 14, 30, tzinfo=dt.UTC)


@pytest.fixture
def project():
    project = ProjectFactory()
    DepartmentInvolvementFactory(project=project)
    return project


@pytest.fixture
def department(project):
    return project.departments.get()


def log(project, **overrides):
    arguments = {
        "project": project,
        "author": project.leader,
        "title": "Collegebesluit komt te laat",
        "severity": FrictionPoint.Severity.HIGH,
        "departments": list(project.departments.all()),
    }
    arguments.update(overrides)
    return friction_point_log(**arguments)


def error_fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


class TestLog:
    def test_it_logs_an_open_point_by_a_person_with_its_departments(self, project, department):
        procedure = ProcedureFactory(department=department)

        point = log(project, procedure=procedure, category="agenda", purpose_question="Zorgvuldig")

        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert point.source == FrictionPoint.Source.PERSON
        assert point.author == project.leader
        assert point.procedure == procedure
        assert list(point.departments.all()) == [department]
        assert point.purpose_question == "Zorgvuldig"
        assert point.support_requested_at is None

    def test_it_starts_the_support_clock_when_support_is_asked(self, project):
        with time_machine.travel(LOGGED_AT, tick=False):
            point = log(project, support_asked=FrictionPoint.Support.BOARD_ROUTE)

        assert point.support_asked == FrictionPoint.Support.BOARD_ROUTE
        assert point.support_requested_at == LOGGED_AT
        assert point.support_pending

    def test_a_procedure_alone_is_enough_to_say_where_it_chafes(self, project):
        point = log(project, departments=[], procedure=ProcedureFactory())

        assert point.departments.count() == 0

    def test_a_department_outside_the_project_may_be_chosen_explicitly(self, project):
        elsewhere = DepartmentFactory()

        point = log(project, departments=[elsewhere])

        assert list(point.departments.all()) == [elsewhere]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"title": "   "}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"severity": 9}, "severity"),
            ({"category": "onbekend"}, "category"),
            ({"support_asked": "geld"}, "support_asked"),
            ({"departments": []}, "departments"),
        ],
    )
    def test_it_refuses_bad_input_and_saves_nothing(self, project, overrides, field):
        with pytest.raises(ValidationError) as excinfo:
            log(project, **overrides)

        assert field in error_fields(excinfo)
        assert not FrictionPoint.objects.exists()

    def test_it_refuses_a_procedure_no_longer_in_use(self, project):
        with pytest.raises(ValidationError) as excinfo:
            log(project, procedure=ProcedureFactory(is_active=False))

        assert error_fields(excinfo) == {"procedure"}


class TestComment:
    def test_it_adds_a_comment_and_bumps_the_activity(self, project):
        with time_machine.travel(LOGGED_AT, tick=False):
            point = FrictionPointFactory(project=project, stale_since=LOGGED_AT)

        with time_machine.travel(LATER, tick=False):
            update = friction_point_comment(
                point=point, author=project.commissioner, text=" Ik bel ze. "
            )

        assert update.kind == FrictionUpdate.Kind.COMMENT
        assert update.text == "Ik bel ze."
        assert update.author == project.commissioner
        point.refresh_from_db()
        assert point.last_activity_at == LATER
        assert point.stale_since is None
        assert point.version == 2

    def test_comments_are_kept_in_order(self, project):
        point = FrictionPointFactory(project=project)

        for text in ("Eerste", "Tweede", "Derde"):
            friction_point_comment(point=point, author=project.leader, text=text)

        assert list(point.updates.values_list("text", flat=True)) == ["Eerste", "Tweede", "Derde"]

    def test_a_closed_point_can_still_be_commented_on(self, project):
        point = FrictionPointFactory(project=project, closed=True)

        friction_point_comment(point=point, author=project.leader, text="Achteraf nog dit")

        assert point.updates.count() == 1

    def test_it_refuses_an_empty_comment(self, project):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_comment(point=point, author=project.leader, text="  ")

        assert error_fields(excinfo) == {"text"}
        assert not FrictionUpdate.objects.exists()


class TestChangeStatus:
    def test_it_takes_a_point_in_hand_and_records_old_and_new_status(self, project):
        point = FrictionPointFactory(project=project)
        with time_machine.travel(LATER, tick=False):
            update = friction_point_change_status(
                point=point, author=project.leader, status=FrictionPoint.Status.IN_PROGRESS
            )

        assert (update.kind, update.old_status, update.new_status) == (
            "status",
            "open",
            "in_behandeling",
        )
        assert point.status == FrictionPoint.Status.IN_PROGRESS
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.IN_PROGRESS
        assert point.last_activity_at == LATER

    def test_it_moves_a_point_back_to_open(self, project):
        point = FrictionPointFactory(project=project, status=FrictionPoint.Status.IN_PROGRESS)

        friction_point_change_status(point=point, author=project.leader, status="open")

        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN

    @pytest.mark.parametrize("status", ["vervallen", "gesloten", "weg", "open"])
    def test_it_refuses_statuses_a_person_cannot_set(self, project, status):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_change_status(point=point, author=project.leader, status=status)

        assert error_fields(excinfo) == {"status"}
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert not FrictionUpdate.objects.exists()

    def test_it_refuses_to_take_a_resolved_flag_in_hand(self, project):
        point = FrictionPointFactory(project=project, automatic=True, status="vervallen")

        with pytest.raises(ValidationError):
            friction_point_change_status(
                point=point, author=project.leader, status="in_behandeling"
            )

    def test_open_on_a_closed_point_reopens_it(self, project):
        point = FrictionPointFactory(project=project, closed=True)

        update = friction_point_change_status(point=point, author=project.leader, status="open")

        assert (update.old_status, update.new_status) == ("gesloten", "open")
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert point.closed_at is None


class TestClose:
    def test_it_closes_with_approach_and_lesson(self, project):
        point = FrictionPointFactory(project=project, status=FrictionPoint.Status.IN_PROGRESS)

        with time_machine.travel(LATER, tick=False):
            update = friction_point_close(
                point=point,
                author=project.commissioner,
                approach=FrictionPoint.Approach.UNORTHODOX,
                lesson_learned="Even bellen werkt beter dan een memo.",
            )

        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.CLOSED
        assert point.approach == FrictionPoint.Approach.UNORTHODOX
        assert point.lesson_learned == "Even bellen werkt beter dan een memo."
        assert point.closed_at == LATER
        assert point.last_activity_at == LATER
        assert (update.kind, update.old_status, update.new_status) == (
            "status",
            "in_behandeling",
            "gesloten",
        )
        assert "Onorthodoxe, speelse oplossing" in update.text
        assert "Even bellen" in update.text

    def test_it_refuses_a_closed_point_without_approach(self, project):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_close(
                point=point, author=project.leader, approach="", lesson_learned="Les"
            )

        assert "approach" in error_fields(excinfo)
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert point.closed_at is None
        assert not FrictionUpdate.objects.exists()

    def test_it_refuses_an_unknown_approach(self, project):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_close(
                point=point, author=project.leader, approach="negeren", lesson_learned="Les"
            )

        assert error_fields(excinfo) == {"approach"}

    def test_it_asks_a_lesson_for_a_persons_point(self, project):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_close(
                point=point, author=project.leader, approach="koesteren", lesson_learned=" "
            )

        assert error_fields(excinfo) == {"lesson_learned"}
        point.refresh_from_db()
        assert point.is_open

    def test_an_automatic_flag_closes_without_a_lesson_and_keeps_its_computed_fields(self, project):
        milestone = MilestoneFactory(project=project)
        point = FrictionPointFactory(
            project=project,
            automatic=True,
            milestone=milestone,
            procedure=ProcedureFactory(),
            latest_start=dt.date(2026, 4, 1),
            slack_days=-3,
        )

        friction_point_close(
            point=point, author=project.leader, approach="bestuur", lesson_learned=""
        )

        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.CLOSED
        assert (point.source, point.flag_kind) == ("automatisch", "doorlooptijd")
        assert (point.latest_start, point.slack_days, point.milestone) == (
            dt.date(2026, 4, 1),
            -3,
            milestone,
        )

    def test_it_refuses_to_close_a_closed_point_again(self, project):
        point = FrictionPointFactory(project=project, closed=True)

        with pytest.raises(ValidationError):
            friction_point_close(
                point=point, author=project.leader, approach="koesteren", lesson_learned="Les"
            )

        assert not FrictionUpdate.objects.exists()


class TestReopen:
    def test_it_reopens_and_keeps_the_earlier_approach_on_the_timeline(self, project):
        point = FrictionPointFactory(project=project, closed=True)

        update = friction_point_reopen(
            point=point, author=project.leader, reason="Toch niet opgelost"
        )

        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert (point.approach, point.lesson_learned, point.closed_at) == ("", "", None)
        assert (update.old_status, update.new_status) == ("gesloten", "open")
        assert "Anders organiseren" in update.text
        assert "Eerder het gesprek aangaan met de afdeling." in update.text
        assert "Toch niet opgelost" in update.text

    def test_it_refuses_to_reopen_an_open_point(self, project):
        point = FrictionPointFactory(project=project)

        with pytest.raises(ValidationError):
            friction_point_reopen(point=point, author=project.leader)

    def test_it_refuses_to_reopen_a_flag_the_engine_has_raised_again(self, project):
        milestone = MilestoneFactory(project=project)
        procedure = ProcedureFactory()
        closed = FrictionPointFactory(
            project=project, automatic=True, closed=True, milestone=milestone, procedure=procedure
        )
        FrictionPointFactory(
            project=project, automatic=True, milestone=milestone, procedure=procedure
        )

        with pytest.raises(ValidationError) as excinfo:
            friction_point_reopen(point=closed, author=project.leader)

        assert error_fields(excinfo) == {"status"}
        closed.refresh_from_db()
        assert closed.status == FrictionPoint.Status.CLOSED


class TestRequestSupport:
    def test_it_asks_support_later_and_starts_the_clock(self, project):
        point = FrictionPointFactory(project=project)

        with time_machine.travel(LATER, tick=False):
            update = friction_point_request_support(
                point=point, author=project.leader, support="luisterend_oor", text="Even sparren?"
            )

        point.refresh_from_db()
        assert point.support_asked == FrictionPoint.Support.LISTENING_EAR
        assert point.support_requested_at == LATER
        assert point.support_pending
        assert "Een luisterend oor" in update.text
        assert "Even sparren?" in update.text

    def test_it_refuses_a_second_request_while_one_is_pending(self, project):
        with time_machine.travel(LOGGED_AT, tick=False):
            point = FrictionPointFactory(project=project, support=True)

        with pytest.raises(ValidationError) as excinfo:
            friction_point_request_support(point=point, author=project.leader, support="kennis")

        assert error_fields(excinfo) == {"support_asked"}
        point.refresh_from_db()
        assert point.support_requested_at == LOGGED_AT

    def test_it_asks_again_after_an_answer(self, project):
        point = FrictionPointFactory(
            project=project, support=True, support_answered_at=timezone.now()
        )

        friction_point_request_support(point=point, author=project.leader, support="route_bestuur")

        point.refresh_from_db()
        assert point.support_answered_at is None
        assert point.support_pending

    def test_it_refuses_support_on_a_closed_point(self, project):
        point = FrictionPointFactory(project=project, closed=True)

        with pytest.raises(ValidationError):
            friction_point_request_support(point=point, author=project.leader, support="kennis")
