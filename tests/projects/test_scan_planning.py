"""Back-scheduling and latest start (``projects/services/scan/planning.py``) as tables.

Every row of ``SCHEDULE`` reads: the milestone date, the lead time, the meeting calendar
(the meetings still to come, each with its agenda deadline), today, the warning margin
and the organisation's closed days give this latest start, this slack, this flag and this
meeting. The 2026 calendar: Easter Monday 6 April, Koningsdag Monday 27 April, Liberation
Day Tuesday 5 May a working day (no lustrum year), Ascension Thursday 14 May, Whit Monday
25 May.

The rows run without the database (``_schedule`` is a plain function); the few tests at
the end check the queries that feed it: which steps are scheduled and which meetings count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from governance.calendar import WorkingCalendar
from projects.models import FrictionPoint, ProcedureStep, Project
from projects.services.scan.planning import (
    _Evaluation,
    _load_calendar,
    _Meeting,
    _meetings_by_calendar,
    _open_steps,
    _schedule,
)
from tests.factories import (
    ClosedDayFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
)

D = dt.date
Kind = FrictionPoint.FlagKind
Severity = FrictionPoint.Severity
NONE = ("", None)
HIGH = (Kind.LEAD_TIME, Severity.HIGH)
BLOCKING = (Kind.LEAD_TIME, Severity.BLOCKING)
MISSED = (Kind.MISSED, Severity.BLOCKING)
NO_MEETING = (Kind.NO_MEETING, Severity.BLOCKING)

COLLEGE = 7
# The college's meetings as the scan loads them from 20 April 2026: (date, agenda deadline).
MAY_19 = _Meeting(id=71, date=D(2026, 5, 19), agenda_deadline=D(2026, 5, 5), calendar_name="B&W")
JUNE_2 = _Meeting(id=72, date=D(2026, 6, 2), agenda_deadline=D(2026, 5, 19), calendar_name="B&W")
MEETINGS = {COLLEGE: ([MAY_19.date, JUNE_2.date], [MAY_19, JUNE_2])}


def calendar(*closed: dt.date) -> WorkingCalendar:
    return WorkingCalendar(first_year=2025, last_year=2027, closed_days=closed)


def evaluation(milestone: dt.date, lead: int, calendar_id: int | None = None, **kw) -> _Evaluation:
    values = {
        "project_id": 1,
        "project_title": "Warmtenet Oost",
        "milestone_id": 10,
        "milestone_title": "Ondertekening convenant",
        "milestone_date": milestone,
        "procedure_id": 20,
        "procedure_name": "Juridische toets",
        "lead_time": lead,
        "calendar_id": calendar_id,
        "department_id": 30,
        "department_name": "Juridische Zaken",
        "step_status": ProcedureStep.Status.TO_START,
    }
    return _Evaluation(**(values | kw))


@dataclass(frozen=True)
class Row:
    milestone: dt.date
    lead: int
    today: dt.date
    latest_start: dt.date | None
    slack: int | None
    flag: tuple[str, int | None]
    calendar_id: int | None = None
    margin: int = 10
    closed: tuple[dt.date, ...] = ()
    meeting: _Meeting | None = None
    meetings: dict = field(default_factory=lambda: MEETINGS)


SCHEDULE = {
    # Juridische toets, 10 working days, before Friday 29 May: latest start Wednesday
    # 13 May (28, 27, 26, 22, 21, 20, 19, 18, 15, 13 May; Ascension on the 14th).
    "room to spare": Row(D(2026, 5, 29), 10, D(2026, 4, 20), D(2026, 5, 13), 16, NONE),
    "within the margin": Row(D(2026, 5, 29), 10, D(2026, 5, 4), D(2026, 5, 13), 7, HIGH),
    "slack equal to the margin": Row(
        D(2026, 5, 29), 10, D(2026, 5, 4), D(2026, 5, 13), 7, HIGH, margin=7
    ),
    "slack one above the margin": Row(
        D(2026, 5, 29), 10, D(2026, 5, 4), D(2026, 5, 13), 7, NONE, margin=6
    ),
    "no margin, slack 1": Row(
        D(2026, 5, 29), 10, D(2026, 5, 12), D(2026, 5, 13), 1, NONE, margin=0
    ),
    "no margin, start today": Row(
        D(2026, 5, 29), 10, D(2026, 5, 13), D(2026, 5, 13), 0, HIGH, margin=0
    ),
    "start today": Row(D(2026, 5, 29), 10, D(2026, 5, 13), D(2026, 5, 13), 0, HIGH),
    "one day late": Row(D(2026, 5, 29), 10, D(2026, 5, 15), D(2026, 5, 13), -1, BLOCKING),
    "two days late": Row(D(2026, 5, 29), 10, D(2026, 5, 18), D(2026, 5, 13), -2, BLOCKING),
    # The slack counts from the first working day on or after today.
    "today a Saturday": Row(D(2026, 5, 29), 10, D(2026, 5, 2), D(2026, 5, 13), 7, HIGH),
    "today Ascension Day": Row(D(2026, 5, 29), 10, D(2026, 5, 14), D(2026, 5, 13), -1, BLOCKING),
    "on the milestone day: late, not missed": Row(
        D(2026, 5, 29), 10, D(2026, 5, 29), D(2026, 5, 13), -10, BLOCKING
    ),
    "the day after: missed": Row(D(2026, 5, 29), 10, D(2026, 5, 30), D(2026, 5, 13), -11, MISSED),
    "missed, seen on Monday": Row(D(2026, 5, 29), 10, D(2026, 6, 1), D(2026, 5, 13), -11, MISSED),
    # A milestone on a Saturday leaves the same working days as the Monday after.
    "a Saturday milestone": Row(D(2026, 5, 30), 10, D(2026, 5, 4), D(2026, 5, 15), 8, HIGH),
    "the Monday after": Row(D(2026, 6, 1), 10, D(2026, 5, 4), D(2026, 5, 15), 8, HIGH),
    "a closed day of the organisation": Row(
        D(2026, 5, 29), 10, D(2026, 5, 4), D(2026, 5, 12), 6, HIGH, closed=(D(2026, 5, 15),)
    ),
    "a closed day after the milestone costs nothing": Row(
        D(2026, 5, 29), 10, D(2026, 5, 4), D(2026, 5, 13), 7, HIGH, closed=(D(2026, 6, 1),)
    ),
    "across Koningsdag and Easter Monday": Row(
        D(2026, 4, 29), 15, D(2026, 3, 30), D(2026, 4, 7), 5, HIGH
    ),
    "across the year end": Row(D(2027, 1, 5), 5, D(2026, 12, 21), D(2026, 12, 28), 4, HIGH),
    # Collegebesluit, 5 working days, bound to the college calendar: the last meeting on
    # or before the milestone sets the due date (its agenda deadline).
    "the last meeting before the milestone": Row(
        D(2026, 6, 1), 5, D(2026, 4, 20), D(2026, 4, 28), 5, HIGH, COLLEGE, meeting=MAY_19
    ),
    "a meeting on the milestone day counts": Row(
        D(2026, 6, 2), 5, D(2026, 4, 20), D(2026, 5, 11), 14, NONE, COLLEGE, meeting=JUNE_2
    ),
    "a meeting on the milestone day, the earlier one past its deadline": Row(
        D(2026, 5, 19), 5, D(2026, 4, 20), D(2026, 4, 28), 5, HIGH, COLLEGE, meeting=MAY_19
    ),
    "no meeting left before the milestone": Row(
        D(2026, 5, 15), 5, D(2026, 4, 20), None, None, NO_MEETING, COLLEGE
    ),
    "a calendar without meetings to come": Row(
        D(2026, 6, 1), 5, D(2026, 4, 20), None, None, NO_MEETING, COLLEGE, meetings={}
    ),
    "the agenda deadline has passed": Row(
        D(2026, 6, 1), 5, D(2026, 5, 4), D(2026, 4, 28), -4, BLOCKING, COLLEGE, meeting=MAY_19
    ),
    # A passed milestone counts back from the milestone itself, not from a meeting.
    "missed, bound to a calendar": Row(
        D(2026, 5, 29), 5, D(2026, 6, 1), D(2026, 5, 21), -6, MISSED, COLLEGE
    ),
}


@pytest.mark.parametrize("row", SCHEDULE.values(), ids=SCHEDULE.keys())
def test_schedule(row: Row):
    ev = evaluation(row.milestone, row.lead, row.calendar_id)

    _schedule(
        [ev],
        today=row.today,
        calendar=calendar(*row.closed),
        meetings=row.meetings,
        margin=row.margin,
    )

    assert (ev.latest_start, ev.slack, (ev.flag_kind, ev.severity), ev.meeting) == (
        row.latest_start,
        row.slack,
        row.flag,
        row.meeting,
    )


def test_every_evaluation_is_scheduled_whatever_came_before_it():
    missed = evaluation(D(2026, 4, 30), 10, milestone_id=1)
    no_meeting = evaluation(D(2026, 5, 15), 5, COLLEGE, milestone_id=2)
    fits = evaluation(D(2026, 6, 30), 10, milestone_id=3)
    late = evaluation(D(2026, 5, 29), 10, milestone_id=4)

    _schedule(
        [missed, no_meeting, fits, late],
        today=D(2026, 5, 4),
        calendar=calendar(),
        meetings=MEETINGS,
        margin=10,
    )

    assert [(ev.flag_kind, ev.slack) for ev in (missed, no_meeting, fits, late)] == [
        (Kind.MISSED, -12),
        (Kind.NO_MEETING, None),
        ("", 29),
        (Kind.LEAD_TIME, 7),
    ]


def test_an_evaluation_knows_its_key_and_category():
    plain = evaluation(D(2026, 5, 29), 10, milestone_id=3, procedure_id=4)
    bound = evaluation(D(2026, 5, 29), 5, COLLEGE)

    assert plain.key == (3, 4)
    assert (plain.category, bound.category) == (
        FrictionPoint.Category.PROCEDURE,
        FrictionPoint.Category.AGENDA,
    )


# --- what feeds the schedule (database) --------------------------------------------------


def test_the_calendar_reaches_a_year_back_from_the_earliest_date(db):
    ClosedDayFactory(date=D(2025, 3, 4), reason="Sluiting")

    cal = _load_calendar(today=D(2026, 5, 4), dates=[D(2026, 6, 1), D(2025, 3, 3), D(2027, 1, 4)])

    assert (cal.first_year, cal.last_year) == (2024, 2027)
    assert not cal.is_working_day(D(2025, 3, 4))
    assert cal.is_working_day(D(2025, 3, 5))


def test_without_milestones_the_calendar_holds_last_year_and_this_one(db):
    cal = _load_calendar(today=D(2026, 5, 4), dates=[])

    assert (cal.first_year, cal.last_year) == (2025, 2026)


def test_only_unfinished_steps_of_running_projects_are_scheduled_by_date(db):
    college = MeetingCalendarFactory()
    review = ProcedureFactory(name="Juridische toets", lead_time_days=10)
    decision = ProcedureFactory(name="Collegebesluit", lead_time_days=5, meeting_calendar=college)
    project = ProjectFactory(title="Warmtenet Oost", status=Project.Status.IDEA)
    # Created out of date order, so the order comes from the query, not from the ids.
    late = MilestoneFactory(project=project, title="Oplevering", date=D(2026, 9, 1))
    early = MilestoneFactory(project=project, title="Ondertekening", date=D(2026, 5, 29))
    same_day = MilestoneFactory(project=project, title="Subsidie", date=D(2026, 5, 29))
    ProcedureStepFactory(milestone=late, procedure=review)
    ProcedureStepFactory(milestone=same_day, procedure=decision)
    ProcedureStepFactory(
        milestone=same_day, procedure=review, status=ProcedureStep.Status.IN_PROGRESS
    )
    ProcedureStepFactory(
        milestone=early, procedure=review, status=ProcedureStep.Status.DONE, done_on=D(2026, 5, 1)
    )
    ProcedureStepFactory(milestone=early, procedure=decision)
    ProcedureStepFactory(milestone=late, procedure=decision, status=ProcedureStep.Status.NOT_NEEDED)
    running = [
        ProcedureStepFactory(milestone__project__status=status, procedure=review)
        for status in (Project.Status.EXPLORATION, Project.Status.EXECUTION)
    ]
    for gone in (
        ProjectFactory(status=Project.Status.COMPLETED),
        ProjectFactory(status=Project.Status.STOPPED),
        ProjectFactory(archived=True),
    ):
        ProcedureStepFactory(milestone__project=gone, procedure=review)

    evaluations = _open_steps(None)

    assert [(ev.milestone_id, ev.procedure_id) for ev in evaluations[:4]] == [
        (early.pk, decision.pk),
        (same_day.pk, review.pk),
        (same_day.pk, decision.pk),
        (late.pk, review.pk),
    ]
    assert len(evaluations) == 6
    assert [ev.milestone_id for ev in evaluations[4:]] == [step.milestone_id for step in running]
    first = evaluations[0]
    assert (
        first.project_id,
        first.project_title,
        first.milestone_title,
        first.milestone_date,
        first.procedure_name,
        first.lead_time,
        first.calendar_id,
        first.department_id,
        first.department_name,
        first.step_status,
    ) == (
        project.pk,
        "Warmtenet Oost",
        "Ondertekening",
        D(2026, 5, 29),
        "Collegebesluit",
        5,
        college.pk,
        decision.department_id,
        decision.department.name,
        ProcedureStep.Status.TO_START,
    )
    assert (evaluations[1].step_status, evaluations[1].calendar_id) == (
        ProcedureStep.Status.IN_PROGRESS,
        None,
    )
    assert (first.meeting, first.latest_start, first.slack, first.flag_kind) == (
        None,
        None,
        None,
        "",
    )


def test_a_scoped_scan_schedules_only_the_named_projects(db):
    mine = ProcedureStepFactory()
    ProcedureStepFactory()

    assert [ev.project_id for ev in _open_steps([mine.milestone.project_id])] == [
        mine.milestone.project_id
    ]
    assert _open_steps([]) == []


def test_meetings_from_today_up_to_the_last_milestone_count_per_calendar(db):
    college, council = MeetingCalendarFactory(name="College"), MeetingCalendarFactory(name="Raad")
    unused = MeetingCalendarFactory()

    def meeting(cal, day: dt.date, deadline: dt.date):
        return MeetingFactory(calendar=cal, date=day, agenda_deadline=deadline)

    # Created out of date order; the ends of the window (today, the last milestone) count.
    june = meeting(college, D(2026, 6, 2), D(2026, 5, 19))
    today = meeting(college, D(2026, 5, 4), D(2026, 4, 20))
    meeting(college, D(2026, 4, 28), D(2026, 4, 14))  # past
    meeting(college, D(2026, 6, 3), D(2026, 5, 20))  # after the last milestone
    council_may = meeting(council, D(2026, 5, 28), D(2026, 5, 7))
    meeting(unused, D(2026, 5, 12), D(2026, 5, 1))
    evaluations = [
        evaluation(D(2026, 5, 20), 5, college.pk, milestone_id=1),
        evaluation(D(2026, 5, 29), 5, council.pk, milestone_id=2),
        evaluation(D(2026, 6, 2), 10, None, milestone_id=3),
    ]

    by_calendar = _meetings_by_calendar(evaluations, today=D(2026, 5, 4))

    def as_tuple(m):
        return _Meeting(m.pk, m.date, m.agenda_deadline, m.calendar.name)

    assert by_calendar == {
        college.pk: ([today.date, june.date], [as_tuple(today), as_tuple(june)]),
        council.pk: ([council_may.date], [as_tuple(council_may)]),
    }


def test_no_procedure_bound_to_a_calendar_needs_no_query():
    # Without the database fixture, any query would fail the test.
    assert _meetings_by_calendar([evaluation(D(2026, 5, 29), 10)], today=D(2026, 5, 4)) == {}
