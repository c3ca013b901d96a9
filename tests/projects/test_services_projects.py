"""Services of the project pages (create, update, milestones, steps) and the reads they
rest on (the schedule of latest starts, the power/interest grid)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import ProcedureStep, Project
from projects.permissions import Action, can
from projects.selectors.projects import milestone_schedule, power_interest_grid, step_plans
from projects.services import projects as services
from projects.services.projects import (
    DepartmentInput,
    MilestoneInput,
    PartnerInput,
    milestone_save,
    project_create,
    project_update,
    step_status_set,
    steps_sync,
)
from tests.factories import (
    AdministratorFactory,
    ClosedDayFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    LeaderFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rescans(monkeypatch) -> list[list[int]]:
    """The project ids of every rescan the services ask for."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        services, "rescan_enqueue", lambda *, project_ids: calls.append(list(project_ids))
    )
    return calls


def create(**overrides) -> Project:
    values = {
        "author": overrides.pop("author", None) or LeaderFactory(),
        "title": "Energiecoöperatie",
        "purpose": "Bewoners wekken samen hun eigen stroom op.",
        "commissioner": CommissionerFactory(),
    }
    values.update(overrides)
    return project_create(**values)


class TestProjectCreate:
    def test_a_projectleider_leads_what_they_start(self, rescans):
        leader = LeaderFactory()
        project = create(author=leader)
        assert project.leader == leader
        assert project.version == 1
        assert rescans == []  # nothing to scan without milestones

    def test_it_registers_departments_partners_and_milestones(self, rescans):
        department = DepartmentFactory()
        stakeholder = StakeholderFactory()
        procedures = ProcedureFactory.create_batch(2)
        project = create(
            departments=[DepartmentInput(department=department, role="trekker")],
            partners=[PartnerInput(stakeholder=stakeholder, influence=4, interest=5)],
            milestones=[
                MilestoneInput(
                    title="Start",
                    date=dt.date(2027, 9, 1),
                    kind="start_werk",
                    procedures=procedures,
                )
            ],
        )
        assert project.department_involvements.get(department=department).role == "trekker"
        assert project.stakeholder_involvements.get().interest == 5
        steps = project.milestones.get().steps.all()
        assert {s.procedure for s in steps} == set(procedures)
        assert {s.status for s in steps} == {ProcedureStep.Status.TO_START}
        assert rescans == [[project.pk]]

    def test_it_refuses_a_commissioner_who_is_not_a_bureauhoofd(self):
        with pytest.raises(ValidationError) as error:
            create(commissioner=LeaderFactory())
        assert "commissioner" in error.value.message_dict
        assert not Project.objects.exists()

    def test_it_refuses_an_empty_purpose(self):
        with pytest.raises(ValidationError) as error:
            create(purpose="")
        assert "purpose" in error.value.message_dict
        assert not Project.objects.exists()

    def test_a_department_head_may_not_start_a_project(self):
        with pytest.raises(PermissionDenied):
            create(author=DepartmentHeadFactory())
        assert not Project.objects.exists()

    def test_a_projectleider_cannot_name_another_leader(self):
        with pytest.raises(ValidationError) as error:
            create(leader=LeaderFactory())
        assert "leader" in error.value.message_dict
        assert not Project.objects.exists()

    @pytest.mark.parametrize("factory", [CommissionerFactory, AdministratorFactory])
    def test_a_bureauhoofd_or_beheerder_names_a_projectleider(self, factory):
        leader = LeaderFactory()
        created = create(author=factory(), leader=leader)
        assert Project.objects.get(pk=created.pk).leader == leader
        with pytest.raises(ValidationError):
            create(author=factory(), leader=DepartmentHeadFactory())
        with pytest.raises(ValidationError):
            create(author=factory(), leader=None)
        assert list(Project.objects.all()) == [created]

    def test_it_refuses_scores_outside_one_to_five(self):
        partner = PartnerInput(stakeholder=StakeholderFactory(), influence=9)
        with pytest.raises(ValidationError):
            create(partners=[partner])
        assert not Project.objects.exists()

    def test_it_refuses_a_department_twice(self):
        department = DepartmentFactory()
        with pytest.raises(ValidationError):
            create(
                departments=[
                    DepartmentInput(department=department),
                    DepartmentInput(department=department, role="adviserend"),
                ]
            )
        assert not Project.objects.exists()

    def test_it_refuses_a_milestone_without_date(self):
        with pytest.raises(ValidationError):
            create(milestones=[MilestoneInput(title="Ooit", date=None)])
        assert not Project.objects.exists()


class TestProcedureOfAnotherDepartment:
    """Needing a department's procedure involves that department (adviserend): its head
    may then open the project, also a confidential one, and hears of its flags."""

    @pytest.fixture
    def legal(self, db):
        department = DepartmentFactory(name="Juridische Zaken", with_head=True)
        return department, ProcedureFactory(department=department, name="Juridische toets")

    def test_choosing_it_for_a_milestone_involves_the_department(self, legal):
        department, review = legal
        milestone = MilestoneInput(title="Start", date=dt.date(2027, 9, 1), procedures=[review])

        project = create(is_confidential=True, milestones=[milestone])

        involvement = project.department_involvements.get()
        assert (involvement.department, involvement.role) == (department, "adviserend")
        assert can(department.head, Action.VIEW, project)

    def test_a_milestone_saved_on_its_own_involves_it_too(self, legal):
        department, review = legal
        project = ProjectFactory(is_confidential=True)

        milestone_save(
            project=project,
            data=MilestoneInput(title="Start", date=dt.date(2027, 9, 1), procedures=[review]),
        )

        assert list(project.departments.all()) == [department]

    def test_an_involved_department_keeps_its_own_role(self, legal):
        department, review = legal
        project = create(
            departments=[DepartmentInput(department=department, role="trekker")],
            milestones=[
                MilestoneInput(title="Start", date=dt.date(2027, 9, 1), procedures=[review])
            ],
        )

        assert project.department_involvements.get().role == "trekker"

    def test_taking_the_department_off_while_a_milestone_needs_it_is_refused(self, legal):
        department, review = legal
        kept = MilestoneInput(title="Start", date=dt.date(2027, 9, 1), procedures=[review])
        project = create(departments=[DepartmentInput(department=department)], milestones=[kept])
        milestone_pk = project.milestones.get().pk

        with pytest.raises(ValidationError) as error:
            update(
                project,
                departments=[],
                milestones=[MilestoneInput(**{**kept.__dict__, "pk": milestone_pk})],
            )

        assert "Juridische toets" in error.value.message_dict["departments"][0]
        assert list(project.departments.all()) == [department]

    def test_taking_the_department_off_with_the_procedure_is_fine(self, legal):
        department, review = legal
        kept = MilestoneInput(title="Start", date=dt.date(2027, 9, 1), procedures=[review])
        project = create(departments=[DepartmentInput(department=department)], milestones=[kept])
        milestone_pk = project.milestones.get().pk

        update(
            project,
            departments=[],
            milestones=[MilestoneInput(title="Start", date=dt.date(2027, 9, 1), pk=milestone_pk)],
        )

        assert not project.departments.exists()


def update(project: Project, **overrides) -> Project:
    values = {
        "project": project,
        "editor": project.leader,
        "title": project.title,
        "purpose": project.purpose,
        "commissioner": project.commissioner,
        "status": project.status,
    }
    values.update(overrides)
    return project_update(**values)


class TestProjectUpdate:
    def test_it_changes_the_project_and_counts_the_version(self, rescans):
        project = ProjectFactory()
        update(project, title="Nieuwe naam", expected_version=1)
        project.refresh_from_db()
        assert (project.title, project.version) == ("Nieuwe naam", 2)
        assert rescans == []

    def test_it_refuses_to_overwrite_a_newer_version(self):
        project = ProjectFactory(title="Oud")
        update(project, title="Eerst", expected_version=1)
        with pytest.raises(ValidationError):
            update(project, title="Daarna", expected_version=1)
        project.refresh_from_db()
        assert project.title == "Eerst"

    def test_lists_left_out_stay_and_given_lists_replace(self, rescans):
        project = ProjectFactory()
        kept = DepartmentInvolvementFactory(project=project, role="uitvoerend")
        DepartmentInvolvementFactory(project=project)
        partner = StakeholderInvolvementFactory(project=project)
        update(project, departments=[DepartmentInput(department=kept.department, role="trekker")])
        involvement = project.department_involvements.get()
        assert (involvement.pk, involvement.role) == (kept.pk, "trekker")
        assert project.stakeholder_involvements.get() == partner
        assert rescans == []

    def test_it_syncs_milestones_keeping_step_statuses(self, rescans):
        project = ProjectFactory()
        moved = MilestoneFactory(project=project, date=dt.date(2027, 5, 1))
        running = ProcedureStepFactory(milestone=moved, status=ProcedureStep.Status.IN_PROGRESS)
        dropped = MilestoneFactory(project=project)
        new_procedure = ProcedureFactory()
        update(
            project,
            milestones=[
                MilestoneInput(
                    pk=moved.pk,
                    title=moved.title,
                    date=dt.date(2027, 6, 1),
                    procedures=[running.procedure, new_procedure],
                ),
                MilestoneInput(title="Nieuw", date=dt.date(2027, 8, 1)),
            ],
        )
        assert not project.milestones.filter(pk=dropped.pk).exists()
        assert set(project.milestones.values_list("title", flat=True)) == {moved.title, "Nieuw"}
        running.refresh_from_db()
        assert running.status == ProcedureStep.Status.IN_PROGRESS
        assert moved.steps.count() == 2
        assert rescans == [[project.pk]]

    def test_it_refuses_a_milestone_of_another_project(self):
        project = ProjectFactory()
        foreign = MilestoneFactory()
        with pytest.raises(ValidationError):
            update(
                project,
                milestones=[MilestoneInput(pk=foreign.pk, title="X", date=dt.date(2027, 1, 1))],
            )
        foreign.refresh_from_db()
        assert foreign.title != "X"

    def test_a_projectleider_cannot_hand_over_the_project(self):
        project = ProjectFactory()
        leader = project.leader
        with pytest.raises(PermissionDenied):
            update(project, leader=LeaderFactory())
        project.refresh_from_db()
        assert project.leader == leader

    def test_the_commissioner_hands_it_to_another_projectleider(self):
        project = ProjectFactory()
        successor = LeaderFactory()
        update(project, editor=project.commissioner, leader=successor)
        project.refresh_from_db()
        assert project.leader == successor

    def test_it_refuses_a_commissioner_who_is_not_a_bureauhoofd(self):
        project = ProjectFactory()
        commissioner = project.commissioner
        with pytest.raises(ValidationError) as error:
            update(project, commissioner=LeaderFactory())
        assert "commissioner" in error.value.message_dict
        project.refresh_from_db()
        assert project.commissioner == commissioner


class TestMilestonesAndSteps:
    def test_a_new_date_rescans_but_a_new_title_does_not(self, rescans):
        milestone = MilestoneFactory(date=dt.date(2027, 5, 1))
        data = MilestoneInput(title="Andere naam", date=dt.date(2027, 5, 1))
        milestone_save(project=milestone.project, milestone=milestone, data=data)
        assert rescans == []
        data = MilestoneInput(title="Andere naam", date=dt.date(2027, 5, 8))
        milestone_save(project=milestone.project, milestone=milestone, data=data)
        assert rescans == [[milestone.project_id]]

    def test_steps_sync_keeps_statuses_and_reports_changes(self, rescans):
        done = ProcedureStepFactory(done=True)
        milestone = done.milestone
        other = ProcedureFactory()
        assert steps_sync(milestone=milestone, procedures=[done.procedure, other]) is True
        assert steps_sync(milestone=milestone, procedures=[done.procedure, other]) is False
        done.refresh_from_db()
        assert done.status == ProcedureStep.Status.DONE
        assert steps_sync(milestone=milestone, procedures=[other]) is True
        assert list(milestone.steps.values_list("procedure", flat=True)) == [other.pk]
        assert len(rescans) == 2

    def test_done_records_the_day(self, rescans):
        step = ProcedureStepFactory()
        step_status_set(step=step, status="klaar", today=dt.date(2027, 3, 3))
        step.refresh_from_db()
        assert (step.status, step.done_on) == ("klaar", dt.date(2027, 3, 3))
        assert rescans == [[step.milestone.project_id]]

    def test_the_same_status_again_changes_nothing(self, rescans):
        step = ProcedureStepFactory(done=True)
        first_day = step.done_on
        step_status_set(step=step, status="klaar", today=dt.date(2030, 1, 1))
        assert step.done_on == first_day
        assert rescans == []

    def test_another_status_clears_the_day(self):
        step = ProcedureStepFactory(done=True)
        step_status_set(step=step, status="niet_nodig")
        step.refresh_from_db()
        assert (step.status, step.done_on) == ("niet_nodig", None)

    def test_an_unknown_status_is_refused(self):
        step = ProcedureStepFactory()
        with pytest.raises(ValidationError):
            step_status_set(step=step, status="ooit")


class TestSchedule:
    def plan(self, *, milestone_date, lead_time, today, calendar=None, status="todo"):
        step = ProcedureStepFactory(
            milestone=MilestoneFactory(date=milestone_date),
            procedure=ProcedureFactory(lead_time_days=lead_time, meeting_calendar=calendar),
            status=status,
            done_on=today if status == "klaar" else None,
        )
        step = ProcedureStep.objects.select_related("milestone", "procedure").get(pk=step.pk)
        return step_plans(steps=[step], today=today)[step.pk]

    def test_weekends_and_public_holidays_are_skipped(self):
        # Thursday 29 April 2027; Tuesday 27 April is King's Day.
        plan = self.plan(
            milestone_date=dt.date(2027, 4, 29), lead_time=3, today=dt.date(2027, 4, 1)
        )
        assert plan.latest_start == dt.date(2027, 4, 23)

    def test_closed_days_are_skipped(self):
        ClosedDayFactory(date=dt.date(2027, 4, 28))
        plan = self.plan(
            milestone_date=dt.date(2027, 4, 29), lead_time=3, today=dt.date(2027, 4, 1)
        )
        assert plan.latest_start == dt.date(2027, 4, 22)

    def test_slack_counts_working_days_and_turns_negative_when_late(self):
        # Lead time 5 before Monday 15 March 2027: start Monday 8 March.
        early = self.plan(
            milestone_date=dt.date(2027, 3, 15), lead_time=5, today=dt.date(2027, 3, 1)
        )
        assert (early.latest_start, early.slack_days, early.is_late) == (
            dt.date(2027, 3, 8),
            5,
            False,
        )
        late = self.plan(
            milestone_date=dt.date(2027, 3, 15), lead_time=5, today=dt.date(2027, 3, 10)
        )
        assert (late.slack_days, late.is_late, late.late_days) == (-2, True, 2)

    def test_a_meeting_bound_procedure_plans_back_from_the_agenda_deadline(self):
        calendar = MeetingCalendarFactory()
        MeetingFactory(
            calendar=calendar, date=dt.date(2027, 3, 9), agenda_deadline=dt.date(2027, 2, 23)
        )
        used = MeetingFactory(
            calendar=calendar, date=dt.date(2027, 3, 23), agenda_deadline=dt.date(2027, 3, 9)
        )
        MeetingFactory(
            calendar=calendar, date=dt.date(2027, 4, 6), agenda_deadline=dt.date(2027, 3, 23)
        )
        plan = self.plan(
            milestone_date=dt.date(2027, 3, 31),
            lead_time=2,
            today=dt.date(2027, 3, 1),
            calendar=calendar,
        )
        assert plan.meeting == used
        assert plan.latest_start == dt.date(2027, 3, 5)

    def test_no_meeting_left_before_the_milestone_is_late(self):
        calendar = MeetingCalendarFactory()
        MeetingFactory(
            calendar=calendar, date=dt.date(2027, 2, 9), agenda_deadline=dt.date(2027, 2, 1)
        )
        plan = self.plan(
            milestone_date=dt.date(2027, 3, 31),
            lead_time=2,
            today=dt.date(2027, 3, 1),
            calendar=calendar,
        )
        assert plan.no_meeting and plan.is_late and plan.latest_start is None

    def test_a_finished_step_needs_no_start(self):
        plan = self.plan(
            milestone_date=dt.date(2027, 3, 31),
            lead_time=2,
            today=dt.date(2027, 3, 1),
            status="klaar",
        )
        assert (plan.latest_start, plan.slack_days, plan.is_late) == (None, None, False)

    def test_a_passed_milestone_with_an_open_step_is_late(self):
        plan = self.plan(milestone_date=dt.date(2027, 2, 1), lead_time=1, today=dt.date(2027, 3, 1))
        assert plan.is_late

    def test_the_schedule_lists_milestones_by_date(self):
        project = ProjectFactory()
        later = MilestoneFactory(project=project, date=dt.date(2027, 9, 1))
        sooner = MilestoneFactory(project=project, date=dt.date(2027, 5, 1))
        ProcedureStepFactory(milestone=later)
        schedule = milestone_schedule(
            milestones=project.milestones.all(), today=dt.date(2027, 6, 1)
        )
        assert [entry.milestone for entry in schedule] == [sooner, later]
        assert [entry.is_past for entry in schedule] == [True, False]
        assert len(schedule[1].steps) == 1


class TestPowerInterestGrid:
    def test_parties_with_the_same_scores_do_not_hide_each_other(self):
        project = ProjectFactory()
        StakeholderInvolvementFactory.create_batch(3, project=project, influence=4, interest=2)
        grid = power_interest_grid(project.stakeholder_involvements.select_related("stakeholder"))
        assert len({p.x for p in grid.points}) == 3
        assert len({p.label_y for p in grid.points}) == 3
        assert len({p.y for p in grid.points}) == 1

    def test_long_names_are_shortened_on_the_picture(self):
        involvement = StakeholderInvolvementFactory(
            stakeholder=StakeholderFactory(name="Stichting Samen Sterk in de Binnenstad")
        )
        (point,) = power_interest_grid([involvement]).points
        assert point.label.endswith("…") and len(point.label) <= 22

    def test_the_quadrants_are_labelled_in_dutch(self):
        labels = [str(q.label) for q in power_interest_grid([]).quadrants]
        assert labels == ["Tevreden houden", "Nauw betrekken", "Monitoren", "Informeren"]
