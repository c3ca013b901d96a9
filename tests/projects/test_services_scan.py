"""The friction engine: back-scheduling, flags, idempotence, escalation and digests.

Worked examples on the 2026 calendar (Koningsdag Monday 27 April, Liberation Day 5 May a
working day, Ascension Thursday 14 May, Whit Monday 25 May):

- Juridische toets, 10 working days, before the milestone on Friday 29 May 2026: latest
  start Wednesday 13 May (counting back 28, 27, 26, 22, 21, 20, 19, 18, 15, 13 May).
  From Monday 20 April the slack is 16 (no flag), from Monday 4 May it is 7 (high:
  within the margin of 10), from Monday 18 May it is -2 (blocking), and on Monday
  1 June the milestone has passed (gemist).
- Collegebesluit, 5 working days, bound to the college calendar with meetings on
  Tuesday 14 April (past), Tuesday 19 May (agenda deadline Tuesday 5 May) and Tuesday
  2 June (agenda deadline Tuesday 19 May). From Monday 20 April:
  a milestone on Monday 1 June uses the meeting of 19 May: latest start Tuesday
  28 April (4 May, 1 May, 30, 29, 28 April; Koningsdag skipped), slack 5 (high);
  a milestone on Tuesday 2 June can use the meeting of that day (on or before is
  inclusive): latest start Monday 11 May, slack 14 (no flag);
  a milestone on Friday 15 May has no meeting left: geen_vergadering, blocking.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep, Project
from projects.services import scan as scan_module
from projects.services.scan import ScanResult, friction_scan
from tests.factories import (
    ClosedDayFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
)

D = dt.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Kind = FrictionPoint.FlagKind
Severity = FrictionPoint.Severity


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


def scan(day: dt.date, **kwargs) -> ScanResult:
    """Scan as the nightly job would on ``day``, with the clock on that day too."""
    with time_machine.travel(at(day), tick=False):
        return friction_scan(today=day, **kwargs)


def flags(**filters) -> list[FrictionPoint]:
    return list(
        FrictionPoint.objects.filter(source=FrictionPoint.Source.AUTOMATIC, **filters).order_by(
            "pk"
        )
    )


def system_updates(point: FrictionPoint) -> list[FrictionUpdate]:
    return list(point.updates.filter(kind=FrictionUpdate.Kind.SYSTEM).order_by("pk"))


@pytest.fixture
def org(db):
    legal = DepartmentFactory(name="Juridische Zaken", with_head=True)
    office = DepartmentFactory(name="Bestuursondersteuning", with_head=True)
    college = MeetingCalendarFactory(name="College van B&W")
    meetings = {
        "past": MeetingFactory(
            calendar=college, date=D(2026, 4, 14), agenda_deadline=D(2026, 3, 31)
        ),
        "may": MeetingFactory(calendar=college, date=D(2026, 5, 19), agenda_deadline=D(2026, 5, 5)),
        "june": MeetingFactory(
            calendar=college, date=D(2026, 6, 2), agenda_deadline=D(2026, 5, 19)
        ),
    }
    return {
        "legal": legal,
        "office": office,
        "college": college,
        "meetings": meetings,
        "review": ProcedureFactory(name="Juridische toets", department=legal, lead_time_days=10),
        "decision": ProcedureFactory(
            name="Collegebesluit", department=office, lead_time_days=5, meeting_calendar=college
        ),
    }


@pytest.fixture
def review_step(org):
    milestone = MilestoneFactory(
        title="Ondertekening convenant", date=D(2026, 5, 29), project__title="Warmtenet Oost"
    )
    return ProcedureStepFactory(milestone=milestone, procedure=org["review"])


def decision_step(org, milestone_date: dt.date) -> ProcedureStep:
    milestone = MilestoneFactory(title="Subsidieaanvraag", date=milestone_date)
    return ProcedureStepFactory(milestone=milestone, procedure=org["decision"])


class TestBackScheduling:
    def test_a_procedure_with_room_to_spare_raises_nothing(self, review_step):
        result = scan(D(2026, 4, 20))
        assert result.steps_scanned == 1
        assert flags() == []

    def test_slack_within_the_margin_raises_a_high_flag(self, review_step, org):
        result = scan(D(2026, 5, 4))

        [flag] = flags()
        assert result.counts["raised"] == 1
        assert flag.flag_kind == Kind.LEAD_TIME
        assert flag.severity == Severity.HIGH
        assert flag.status == FrictionPoint.Status.OPEN
        assert flag.category == FrictionPoint.Category.PROCEDURE
        assert flag.latest_start == D(2026, 5, 13)
        assert flag.slack_days == 7
        assert flag.meeting is None
        assert flag.milestone == review_step.milestone
        assert flag.procedure == org["review"]
        assert flag.project == review_step.milestone.project
        assert list(flag.departments.all()) == [org["legal"]]
        assert flag.author is None

    def test_the_flag_explains_the_computation_in_dutch(self, review_step):
        scan(D(2026, 5, 4))

        [flag] = flags()
        assert "Juridische toets" in flag.title
        assert "Ondertekening convenant" in flag.title
        for part in (
            "Juridische toets",
            "Juridische Zaken",
            "10 werkdagen",
            "vrijdag 29 mei 2026",
            "woensdag 13 mei 2026",
            "Speling: 7 werkdagen",
            "waarschuwingsmarge",
        ):
            assert part in flag.description, part

    def test_a_latest_start_that_has_passed_is_blocking(self, review_step):
        scan(D(2026, 5, 18))

        [flag] = flags()
        assert (flag.flag_kind, flag.severity) == (Kind.LEAD_TIME, Severity.BLOCKING)
        assert flag.slack_days == -2
        assert "2 werkdagen verstreken" in flag.description

    def test_a_passed_milestone_with_the_step_unfinished_is_missed(self, review_step):
        review_step.status = ProcedureStep.Status.IN_PROGRESS
        review_step.save()

        scan(D(2026, 6, 1))

        [flag] = flags()
        assert (flag.flag_kind, flag.severity) == (Kind.MISSED, Severity.BLOCKING)
        assert "verstreken" in flag.title
        assert "Loopt" in flag.description

    def test_on_the_milestone_day_itself_it_is_not_missed_yet(self, review_step):
        scan(D(2026, 5, 29))

        [flag] = flags()
        assert flag.flag_kind == Kind.LEAD_TIME

    def test_finished_and_unneeded_steps_are_not_scheduled(self, review_step, org):
        review_step.status = ProcedureStep.Status.DONE
        review_step.done_on = D(2026, 5, 1)
        review_step.save()
        other = ProcedureStepFactory(
            milestone=review_step.milestone,
            procedure=org["decision"],
            status=ProcedureStep.Status.NOT_NEEDED,
        )
        assert other.pk

        result = scan(D(2026, 5, 18))

        assert result.steps_scanned == 0
        assert flags() == []

    def test_a_closed_day_of_the_organisation_counts(self, review_step):
        ClosedDayFactory(date=D(2026, 5, 15), reason="Brugdag na Hemelvaart")

        scan(D(2026, 5, 4))

        [flag] = flags()
        # 28, 27, 26, 22, 21, 20, 19, 18, (15 closed, 14 Ascension) 13, 12 May.
        assert flag.latest_start == D(2026, 5, 12)
        assert flag.slack_days == 6

    def test_liberation_day_every_year_costs_a_day_of_slack(self, review_step, settings):
        settings.BB_LIBERATION_DAY_EVERY_YEAR = True

        scan(D(2026, 5, 4))

        [flag] = flags()
        assert flag.latest_start == D(2026, 5, 13)
        assert flag.slack_days == 6

    def test_the_warning_margin_comes_from_the_settings(self, review_step, settings):
        settings.BB_WARNING_MARGIN_DAYS = 5

        scan(D(2026, 5, 4))

        assert flags() == []

    def test_inactive_projects_are_not_scanned(self, review_step):
        Project.objects.update(status=Project.Status.STOPPED)

        result = scan(D(2026, 5, 18))

        assert result.steps_scanned == 0
        assert flags() == []


class TestMeetingCalendars:
    def test_the_last_meeting_on_or_before_the_milestone_sets_the_latest_start(self, org):
        step = decision_step(org, D(2026, 6, 1))

        scan(D(2026, 4, 20))

        [flag] = flags()
        assert (flag.flag_kind, flag.severity) == (Kind.LEAD_TIME, Severity.HIGH)
        assert flag.category == FrictionPoint.Category.AGENDA
        assert flag.meeting == org["meetings"]["may"]
        assert flag.latest_start == D(2026, 4, 28)
        assert flag.slack_days == 5
        assert list(flag.departments.all()) == [org["office"]]
        assert flag.procedure == step.procedure
        assert "College van B&W" in flag.description
        assert "dinsdag 19 mei 2026" in flag.description
        assert "agendadeadline dinsdag 5 mei 2026" in flag.description

    def test_a_meeting_on_the_milestone_day_counts(self, org):
        decision_step(org, D(2026, 6, 2))

        scan(D(2026, 4, 20))

        assert flags() == []

    def test_no_meeting_left_before_the_milestone_is_blocking(self, org):
        decision_step(org, D(2026, 5, 15))

        scan(D(2026, 4, 20))

        [flag] = flags()
        assert (flag.flag_kind, flag.severity) == (Kind.NO_MEETING, Severity.BLOCKING)
        assert flag.category == FrictionPoint.Category.AGENDA
        assert flag.latest_start is None
        assert flag.slack_days is None
        assert "Geen vergadering" in flag.title

    def test_a_new_meeting_turns_no_meeting_into_a_lead_time_question(self, org):
        decision_step(org, D(2026, 5, 15))
        scan(D(2026, 4, 20))
        MeetingFactory(calendar=org["college"], date=D(2026, 5, 12), agenda_deadline=D(2026, 4, 28))

        result = scan(D(2026, 4, 20))

        [flag] = flags()
        assert result.counts["updated"] == 1
        # 24, 23, 22, 21, 20 April before the deadline of Tuesday 28 April (Koningsdag
        # on the 27th): the latest start is today.
        assert (flag.flag_kind, flag.severity) == (Kind.LEAD_TIME, Severity.HIGH)
        assert flag.latest_start == D(2026, 4, 20)
        assert flag.slack_days == 0
        assert "Doorlooptijd" in flag.title  # followed the kind: nobody had edited it
        [_raised, changed] = system_updates(flag)
        assert "soort: Geen vergadering" in changed.text


class TestIdempotence:
    def test_scanning_twice_gives_one_flag_and_one_update(self, review_step):
        scan(D(2026, 5, 4))
        second = scan(D(2026, 5, 4))

        [flag] = flags()
        assert len(system_updates(flag)) == 1
        assert second.counts == {
            "steps": 1,
            "raised": 0,
            "updated": 0,
            "resolved": 0,
            "escalated": 0,
            "stale": 0,
            "mails": 0,
        }

    def test_slack_counting_down_is_refreshed_without_news(self, review_step):
        scan(D(2026, 5, 4))
        result = scan(D(2026, 5, 5))

        [flag] = flags()
        assert flag.slack_days == 6
        assert result.counts["updated"] == 0
        assert len(system_updates(flag)) == 1

    def test_a_worse_situation_updates_the_same_flag(self, review_step):
        scan(D(2026, 5, 4))
        result = scan(D(2026, 5, 18))

        [flag] = flags()
        assert result.counts["updated"] == 1
        assert (flag.severity, flag.slack_days) == (Severity.BLOCKING, -2)
        raised, changed = system_updates(flag)
        assert "ernst: Hoog → Blokkerend" in changed.text
        assert flag.version == 2

    def test_moving_the_milestone_updates_the_latest_start(self, review_step):
        scan(D(2026, 5, 4))
        review_step.milestone.date = D(2026, 5, 28)
        review_step.milestone.save()

        scan(D(2026, 5, 4))

        [flag] = flags()
        assert flag.latest_start == D(2026, 5, 12)
        assert "uiterste start: woensdag 13 mei 2026 → dinsdag 12 mei 2026" in (
            system_updates(flag)[-1].text
        )


class TestResolving:
    def test_a_finished_step_resolves_its_flag(self, review_step):
        scan(D(2026, 5, 4))
        review_step.status = ProcedureStep.Status.DONE
        review_step.done_on = D(2026, 5, 6)
        review_step.save()

        result = scan(D(2026, 5, 7))

        [flag] = flags()
        assert result.counts["resolved"] == 1
        assert flag.status == FrictionPoint.Status.RESOLVED
        assert flag.closed_at is not None
        update = system_updates(flag)[-1]
        assert (update.old_status, update.new_status) == ("open", "vervallen")
        assert "afgerond op woensdag 6 mei 2026" in update.text

    def test_a_milestone_moved_so_that_it_fits_resolves_the_flag(self, review_step):
        scan(D(2026, 5, 4))
        review_step.milestone.date = D(2026, 7, 3)
        review_step.milestone.save()

        scan(D(2026, 5, 5))

        [flag] = flags()
        assert flag.status == FrictionPoint.Status.RESOLVED
        assert flag.slack_days > 10
        assert "past vóór" in system_updates(flag)[-1].text

    def test_an_unneeded_step_and_a_stopped_project_resolve_their_flags(self, review_step, org):
        other = ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=org["review"])
        scan(D(2026, 5, 4))
        review_step.status = ProcedureStep.Status.NOT_NEEDED
        review_step.save()
        Project.objects.filter(pk=other.milestone.project_id).update(status=Project.Status.STOPPED)

        result = scan(D(2026, 5, 5))

        assert result.counts["resolved"] == 2
        texts = {p.milestone_id: system_updates(p)[-1].text for p in flags()}
        assert "niet meer nodig" in texts[review_step.milestone_id]
        assert "afgerond, gestopt of gearchiveerd" in texts[other.milestone_id]

    def test_a_new_situation_after_resolving_raises_a_new_flag(self, review_step):
        scan(D(2026, 5, 4))
        review_step.milestone.date = D(2026, 7, 3)
        review_step.milestone.save()
        scan(D(2026, 5, 5))
        review_step.milestone.date = D(2026, 5, 29)
        review_step.milestone.save()

        scan(D(2026, 5, 6))

        assert [f.status for f in flags()] == ["vervallen", "open"]


class TestPeopleKeepTheirWork:
    def test_comments_and_status_survive_rescans_and_resolving(self, review_step):
        scan(D(2026, 5, 4))
        [flag] = flags()
        comment = FrictionUpdateFactory(friction_point=flag, author=flag.project.leader)
        FrictionPoint.objects.filter(pk=flag.pk).update(
            status=FrictionPoint.Status.IN_PROGRESS,
            description="Wij hebben juridische zaken al gebeld.",
        )

        scan(D(2026, 5, 18))
        flag.refresh_from_db()
        assert flag.status == FrictionPoint.Status.IN_PROGRESS
        assert flag.severity == Severity.BLOCKING
        assert flag.description == "Wij hebben juridische zaken al gebeld."

        review_step.status = ProcedureStep.Status.DONE
        review_step.done_on = D(2026, 5, 19)
        review_step.save()
        scan(D(2026, 5, 19))

        flag.refresh_from_db()
        assert flag.status == FrictionPoint.Status.RESOLVED
        assert FrictionUpdate.objects.filter(pk=comment.pk).exists()
        assert system_updates(flag)[-1].old_status == FrictionPoint.Status.IN_PROGRESS

    def test_an_edited_title_is_kept_when_the_kind_changes(self, review_step):
        scan(D(2026, 5, 18))
        FrictionPoint.objects.update(title="Toets te laat aangevraagd")

        scan(D(2026, 6, 1))

        [flag] = flags()
        assert flag.flag_kind == Kind.MISSED
        assert flag.title == "Toets te laat aangevraagd"

    def test_a_flag_closed_by_a_person_is_not_raised_again_for_the_same_situation(
        self, review_step
    ):
        scan(D(2026, 5, 4))
        FrictionPoint.objects.update(
            status=FrictionPoint.Status.CLOSED,
            approach=FrictionPoint.Approach.KEEP,
            closed_at=at(D(2026, 5, 4), 15),
        )

        result = scan(D(2026, 5, 5))

        assert result.counts["raised"] == 0
        assert [f.status for f in flags()] == ["gesloten"]

    def test_after_a_person_closed_it_a_new_situation_raises_a_new_flag(self, review_step):
        scan(D(2026, 5, 4))
        FrictionPoint.objects.update(
            status=FrictionPoint.Status.CLOSED,
            approach=FrictionPoint.Approach.KEEP,
            closed_at=at(D(2026, 5, 4), 15),
        )

        scan(D(2026, 5, 18))  # the same latest start, but now blocking

        closed, new = flags()
        assert closed.status == FrictionPoint.Status.CLOSED
        assert (new.status, new.severity) == (FrictionPoint.Status.OPEN, Severity.BLOCKING)


class TestScope:
    def test_a_scoped_scan_leaves_other_projects_alone(self, review_step, org):
        other = ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=org["review"])
        scan(D(2026, 5, 4))
        ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)

        result = scan(D(2026, 5, 5), project_ids=[review_step.milestone.project_id])

        assert result.counts["resolved"] == 1
        statuses = {f.milestone_id: f.status for f in flags()}
        assert statuses[review_step.milestone_id] == FrictionPoint.Status.RESOLVED
        assert statuses[other.milestone_id] == FrictionPoint.Status.OPEN

    def test_an_empty_scope_does_nothing(self, review_step, django_assert_num_queries):
        with django_assert_num_queries(0):
            result = scan(D(2026, 5, 4), project_ids=[])
        assert result.counts["steps"] == 0


class TestEscalationAndQuietPoints:
    def test_an_unanswered_support_request_is_escalated_once(self, db):
        project = ProjectFactory(title="Buurtbatterij")
        point = FrictionPointFactory(
            project=project,
            title="Netbeheerder wacht op mandaat",
            support_asked=FrictionPoint.Support.BOARD_ROUTE,
            support_requested_at=at(D(2026, 4, 20), 10),
        )

        # Five working days after Monday 20 April: 21, 22, 23, 24, (27 Koningsdag) 28.
        assert scan(D(2026, 4, 28)).counts["escalated"] == 0
        result = scan(D(2026, 4, 29))
        again = scan(D(2026, 4, 30))

        point.refresh_from_db()
        assert point.escalated_at == at(D(2026, 4, 29))
        assert [n.friction_point_id for n in result.escalated] == [point.pk]
        assert again.counts["escalated"] == 0
        [update] = system_updates(point)
        assert "Geëscaleerd" in update.text
        [message] = mail.outbox
        assert message.to == [project.commissioner.email]
        assert "Ondersteuningsvragen zonder antwoord" in message.body
        assert "Netbeheerder wacht op mandaat" in message.body

    def test_answered_requests_are_not_escalated(self, db):
        FrictionPointFactory(
            support_asked=FrictionPoint.Support.KNOWLEDGE,
            support_requested_at=at(D(2026, 4, 1)),
            support_answered_at=at(D(2026, 4, 2)),
        )
        assert scan(D(2026, 5, 4)).counts["escalated"] == 0

    def test_a_quiet_point_is_marked_stale_once(self, db):
        point = FrictionPointFactory(title="Niemand pakt het op")
        FrictionPoint.objects.filter(pk=point.pk).update(last_activity_at=at(D(2026, 4, 1)))

        # 20 working days after Wednesday 1 April 2026 end on Friday 1 May.
        assert scan(D(2026, 5, 1)).counts["stale"] == 0
        result = scan(D(2026, 5, 4))
        again = scan(D(2026, 5, 5))

        point.refresh_from_db()
        assert point.stale_since == at(D(2026, 5, 4))
        assert [n.friction_point_id for n in result.stale] == [point.pk]
        assert again.counts["stale"] == 0
        assert len(system_updates(point)) == 1
        assert "Knelpunten zonder activiteit" in mail.outbox[0].body

    def test_activity_after_the_mark_makes_a_point_lively_again(self, db):
        point = FrictionPointFactory()
        FrictionPoint.objects.filter(pk=point.pk).update(
            last_activity_at=at(D(2026, 4, 1)), stale_since=at(D(2026, 4, 1), 12)
        )
        FrictionPoint.objects.filter(pk=point.pk).update(last_activity_at=at(D(2026, 4, 2)))

        scan(D(2026, 4, 3))

        point.refresh_from_db()
        assert point.stale_since is None

    def test_flags_and_closed_points_never_go_stale(self, db):
        FrictionPointFactory(automatic=True, milestone=None)
        FrictionPointFactory(closed=True)
        FrictionPoint.objects.update(last_activity_at=at(D(2026, 1, 5)))

        assert scan(D(2026, 5, 4)).counts["stale"] == 0


class TestDigests:
    def test_one_digest_per_person_with_every_new_flag(self, org):
        project = ProjectFactory(title="Warmtenet Oost")
        first = MilestoneFactory(project=project, title="Ondertekening", date=D(2026, 5, 29))
        second = MilestoneFactory(project=project, title="Subsidie", date=D(2026, 6, 1))
        ProcedureStepFactory(milestone=first, procedure=org["review"])
        ProcedureStepFactory(milestone=second, procedure=org["review"])
        ProcedureStepFactory(milestone=second, procedure=org["decision"])

        # Reviews: slack 7 and 8 (high); the decision misses its agenda deadline (blocking).
        result = scan(D(2026, 5, 4))

        assert result.counts["raised"] == 3
        assert result.counts["mails"] == 3
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert set(by_recipient) == {
            project.commissioner.email,
            org["legal"].head.email,
            org["office"].head.email,
        }
        commissioner = by_recipient[project.commissioner.email].body
        assert (commissioner.count("[Hoog]"), commissioner.count("[Blokkerend]")) == (2, 1)
        assert commissioner.index("[Blokkerend]") < commissioner.index("[Hoog]")
        assert "Warmtenet Oost" in commissioner
        legal = by_recipient[org["legal"].head.email].body
        assert (legal.count("[Hoog]"), legal.count("[Blokkerend]")) == (2, 0)
        office_mail = by_recipient[org["office"].head.email]
        assert office_mail.body.count("[Blokkerend]") == 1
        assert "Collegebesluit" in office_mail.body
        [decision] = flags(procedure=org["decision"])
        link = f"http://127.0.0.1:8000/projects/{project.pk}/friction/{decision.pk}/"
        assert link in office_mail.body
        html, mimetype = office_mail.alternatives[0]
        assert mimetype == "text/html"
        assert f'href="{link}"' in html
        assert all(f.notified_severity == f.severity for f in flags())

    def test_a_department_head_hears_nothing_of_a_confidential_project_they_cannot_open(self, org):
        """The legal department's procedure is used, but the department is not involved in
        the confidential project: its head may not open the project, so no digest."""
        project = ProjectFactory(title="Geheim Warmtenet", is_confidential=True)
        milestone = MilestoneFactory(project=project, title="Ondertekening", date=D(2026, 5, 29))
        ProcedureStepFactory(milestone=milestone, procedure=org["review"])

        result = scan(D(2026, 5, 4))

        assert result.counts["raised"] == 1
        assert [m.to for m in mail.outbox] == [[project.commissioner.email]]
        [flag] = flags()
        assert list(flag.departments.all()) == [org["legal"]]
        # Heard by everyone who may hear it: the news is not kept for a later digest.
        assert flag.notified_severity == Severity.HIGH

    def test_the_head_of_an_involved_department_of_a_confidential_project_hears_it(self, org):
        project = ProjectFactory(title="Geheim Warmtenet", is_confidential=True)
        DepartmentInvolvementFactory(project=project, department=org["legal"])
        milestone = MilestoneFactory(project=project, title="Ondertekening", date=D(2026, 5, 29))
        ProcedureStepFactory(milestone=milestone, procedure=org["review"])

        scan(D(2026, 5, 4))

        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [project.commissioner.email, org["legal"].head.email]
        )

    def test_a_head_without_a_role_hears_nothing(self, review_step, org):
        org["legal"].head.groups.clear()

        scan(D(2026, 5, 4))

        assert [m.to for m in mail.outbox] == [[review_step.milestone.project.commissioner.email]]

    def test_the_same_news_is_never_sent_twice(self, review_step):
        scan(D(2026, 5, 4))
        sent = len(mail.outbox)
        scan(D(2026, 5, 5))
        scan(D(2026, 5, 6))
        assert sent == 2
        assert len(mail.outbox) == sent

    def test_a_worse_flag_is_sent_again_and_a_better_one_is_not(self, review_step):
        scan(D(2026, 5, 4))
        scan(D(2026, 5, 18))
        assert len(mail.outbox) == 4
        assert "(verergerd)" in mail.outbox[-1].body
        assert "[Blokkerend]" in mail.outbox[-1].body

        review_step.milestone.date = D(2026, 6, 5)
        review_step.milestone.save()
        scan(D(2026, 5, 19))  # high again: news, but not worse than what was told

        assert flags()[0].severity == Severity.HIGH
        assert len(mail.outbox) == 4

    def test_people_without_an_address_are_skipped(self, review_step):
        project = review_step.milestone.project
        project.commissioner.email = ""
        project.commissioner.save()

        result = scan(D(2026, 5, 4))

        assert result.counts["mails"] == 1
        assert flags()[0].notified_severity == Severity.HIGH

    def test_a_failing_mail_server_marks_nothing_and_the_next_scan_retries(
        self, review_step, monkeypatch
    ):
        def refuse(self, messages):
            raise OSError("mail server unreachable")

        with monkeypatch.context() as patch:
            patch.setattr(EmailBackend, "send_messages", refuse)
            result = scan(D(2026, 5, 4))
        assert (result.counts["raised"], result.counts["mails"]) == (1, 0)
        assert flags()[0].notified_severity is None

        assert scan(D(2026, 5, 4)).counts["mails"] == 2


class TestSetBased:
    @staticmethod
    def build(org, n: int) -> None:
        for _ in range(n):
            project = ProjectFactory()
            milestone = MilestoneFactory(project=project, date=D(2026, 5, 29))
            ProcedureStepFactory(milestone=milestone, procedure=org["review"])
            ProcedureStepFactory(milestone=milestone, procedure=org["decision"])
            point = FrictionPointFactory(
                project=project, support_asked=FrictionPoint.Support.KNOWLEDGE
            )
            FrictionPoint.objects.filter(pk=point.pk).update(
                support_requested_at=at(D(2026, 4, 1)), last_activity_at=at(D(2026, 4, 1))
            )

    # The same bounds for 3 and for 30 projects (SQLite's savepoints and PostgreSQL's
    # advisory lock included).
    @pytest.mark.parametrize("n", [3, 30])
    def test_query_count_does_not_grow_with_the_data(self, org, n, django_assert_max_num_queries):
        self.build(org, n)

        with django_assert_max_num_queries(32):  # three of them ask who may hear (audience)
            first = scan(D(2026, 5, 4))
        assert first.counts["raised"] == 2 * n
        assert first.counts["escalated"] == n
        assert first.counts["stale"] == n
        assert first.counts["mails"] == n + 2

        with django_assert_max_num_queries(25):
            second = scan(D(2026, 5, 18))
        assert second.counts["updated"] == n

        ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)
        with django_assert_max_num_queries(17):
            third = scan(D(2026, 5, 19))
        assert third.counts["resolved"] == 2 * n


class TestConcurrency:
    def test_a_flag_raised_meanwhile_by_another_scan_is_not_duplicated(
        self, review_step, org, monkeypatch
    ):
        """Second line of defence: the constraint plus ignore_conflicts, without the lock."""
        original = scan_module.flags._lock_still_open

        def meanwhile(pks):
            FrictionPointFactory(
                automatic=True,
                project=review_step.milestone.project,
                milestone=review_step.milestone,
                procedure=org["review"],
            )
            return original(pks)

        monkeypatch.setattr(scan_module.flags, "_lock_still_open", meanwhile)

        result = scan(D(2026, 5, 4))

        assert result.counts["raised"] == 0
        assert len(flags(status__in=FrictionPoint.OPEN_STATUSES)) == 1

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_scans_at_the_same_time_write_everything_once(self, org):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: SQLite has no concurrent writers or advisory locks")
        for _ in range(10):
            milestone = MilestoneFactory(date=D(2026, 5, 29))
            ProcedureStepFactory(milestone=milestone, procedure=org["review"])
            ProcedureStepFactory(milestone=milestone, procedure=org["decision"])

        def in_parallel(day: dt.date) -> list[ScanResult]:
            barrier = threading.Barrier(2)
            results: list[ScanResult] = []
            errors: list[BaseException] = []

            def run() -> None:
                try:
                    barrier.wait(timeout=10)
                    results.append(friction_scan(today=day))
                except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                    errors.append(exc)
                finally:
                    connection.close()

            with time_machine.travel(at(day), tick=True):
                threads = [threading.Thread(target=run) for _ in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=60)
            assert errors == []
            return results

        # Raising: reviews high, decisions blocking (their agenda deadline has passed).
        raised = in_parallel(D(2026, 5, 4))
        assert sorted(r.counts["raised"] for r in raised) == [0, 20]
        assert len(flags()) == 20
        assert FrictionUpdate.objects.count() == 20
        # One digest per person: 10 commissioners and the head of each department.
        assert len(mail.outbox) == 12
        assert len({m.to[0] for m in mail.outbox}) == 12

        # Updating: the reviews turn blocking.
        updated = in_parallel(D(2026, 5, 18))
        assert sum(r.counts["updated"] for r in updated) == 10
        assert FrictionUpdate.objects.count() == 30
        assert len(mail.outbox) == 12 + 11

        # Resolving: nothing is needed any more.
        ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)
        resolved = in_parallel(D(2026, 5, 19))
        assert sum(r.counts["resolved"] for r in resolved) == 20
        assert FrictionUpdate.objects.count() == 50
        assert {f.status for f in flags()} == {FrictionPoint.Status.RESOLVED}
