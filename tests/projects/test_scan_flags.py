"""Raising, updating and clearing flags (``projects/services/scan/flags.py``) as tables.

The decisions run without the database: which flag a rescan raises, changes, refreshes or
resolves (``_sort_out``), which situations a person closed (``_closed_cover``), why a flag
lost its step (``_orphan_reason``), and what a change or a resolution writes
(``_apply_changes``, ``_apply_resolutions``). The tests after them run the reconciliation
against the database and check what it stored: the rows, their timeline entries, and
what it leaves alone (a person's edits, a person's own points, other projects, a flag
closed meanwhile).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from governance.calendar import WorkingCalendar
from projects.models import FrictionPoint, FrictionUpdate, ProcedureStep, Project
from projects.services.scan import ScanResult
from projects.services.scan import flags as flags_module
from projects.services.scan.flags import (
    _apply_changes,
    _apply_resolutions,
    _closed_cover,
    _lock_still_open,
    _orphan_reason,
    _scan_flags,
    _sort_out,
)
from projects.services.scan.planning import _Evaluation, _Meeting, _open_steps
from projects.services.scan.results import FlagChange
from tests.factories import (
    DepartmentFactory,
    FrictionPointFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
)

D = dt.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Kind = FrictionPoint.FlagKind
Severity = FrictionPoint.Severity
Status = FrictionPoint.Status
TODAY = D(2026, 5, 4)
NOW = dt.datetime(2026, 5, 4, 9, tzinfo=AMSTERDAM)
MAY_13 = D(2026, 5, 13)
MAY_19 = _Meeting(id=71, date=D(2026, 5, 19), agenda_deadline=D(2026, 5, 5), calendar_name="B&W")
JUNE_2 = _Meeting(id=72, date=D(2026, 6, 2), agenda_deadline=D(2026, 5, 19), calendar_name="B&W")
LEAD_TIME_TITLE = "Doorlooptijd Juridische toets knelt met “Ondertekening convenant”"
NO_MEETING_TITLE = "Geen vergadering meer voor Juridische toets vóór “Ondertekening convenant”"
MISSED_TITLE = "Mijlpaal “Ondertekening convenant” verstreken: Juridische toets niet afgerond"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def evaluation(**kw) -> _Evaluation:
    """Juridische toets before Ondertekening convenant, as scheduled on Monday 4 May."""
    values = {
        "project_id": 1,
        "project_title": "Warmtenet Oost",
        "milestone_id": 10,
        "milestone_title": "Ondertekening convenant",
        "milestone_date": D(2026, 5, 29),
        "procedure_id": 20,
        "procedure_name": "Juridische toets",
        "lead_time": 10,
        "calendar_id": None,
        "department_id": 30,
        "department_name": "Juridische Zaken",
        "step_status": ProcedureStep.Status.TO_START,
        "latest_start": MAY_13,
        "slack": 7,
        "flag_kind": Kind.LEAD_TIME,
        "severity": Severity.HIGH,
    }
    return _Evaluation(**(values | kw))


def flag(pk: int = 1, **kw) -> FrictionPoint:
    """The open flag the scan raised for ``evaluation()`` (not stored), as the scan reads it."""
    values = {
        "id": pk,
        "project_id": 1,
        "milestone_id": 10,
        "procedure_id": 20,
        "title": LEAD_TIME_TITLE,
        "status": Status.OPEN,
        "source": FrictionPoint.Source.AUTOMATIC,
        "flag_kind": Kind.LEAD_TIME,
        "severity": Severity.HIGH,
        "latest_start": MAY_13,
        "slack_days": 7,
        "meeting_id": None,
        "version": 1,
    }
    meeting_date = kw.pop("meeting_date", None)
    project_active = kw.pop("project_active", True)
    point = FrictionPoint(**(values | kw))
    point.meeting_date, point.project_active = meeting_date, project_active
    point.project_title = "Warmtenet Oost"
    return point


def locked(point: FrictionPoint, status: str = Status.OPEN) -> tuple:
    """The row as ``_lock_still_open`` returns it when nobody changed it meanwhile."""
    return (status, point.flag_kind, point.severity, point.latest_start, point.meeting_id)


# --- raise, change, refresh or resolve -----------------------------------------------------

SITUATION = (10, 20, Kind.LEAD_TIME, MAY_13)
FINE = {"flag_kind": "", "severity": None, "slack": 16}

# (the open flag, or None; situations a person closed; the schedule) -> what happens.
SORT_OUT = {
    "fits, nothing open": (None, {}, FINE, "nothing"),
    "fits again, a flag open": ({}, {}, FINE, "resolve"),
    "a new situation": (None, {}, {}, "create"),
    "closed by a person, the same situation": (None, {SITUATION: Severity.HIGH}, {}, "nothing"),
    "closed by a person, now worse": (
        None,
        {SITUATION: Severity.HIGH},
        {"severity": Severity.BLOCKING, "slack": -2},
        "create",
    ),
    "closed by a person when it was worse": (
        None,
        {SITUATION: Severity.BLOCKING},
        {},
        "nothing",
    ),
    "closed by a person, the latest start moved": (
        None,
        {SITUATION: Severity.HIGH},
        {"latest_start": D(2026, 5, 12), "slack": 6},
        "create",
    ),
    "closed by a person, another kind": (
        None,
        {(10, 20, Kind.MISSED, MAY_13): Severity.BLOCKING},
        {},
        "create",
    ),
    "closed for another procedure": (None, {(10, 21, Kind.LEAD_TIME, MAY_13): 4}, {}, "create"),
    "closed for another milestone": (None, {(11, 20, Kind.LEAD_TIME, MAY_13): 4}, {}, "create"),
    "open, unchanged": ({}, {}, {}, "nothing"),
    "open, unchanged, closed before": ({}, {SITUATION: Severity.BLOCKING}, {}, "nothing"),
    "open, the slack counts down": ({}, {}, {"slack": 6}, "refresh"),
    "open, worse": ({}, {}, {"severity": Severity.BLOCKING, "slack": -2}, "change"),
    "open, better": ({"severity": Severity.BLOCKING}, {}, {}, "change"),
    "open, another kind": (
        {"severity": Severity.BLOCKING},
        {},
        {"flag_kind": Kind.MISSED, "severity": Severity.BLOCKING},
        "change",
    ),
    "open, the latest start moved": ({}, {}, {"latest_start": D(2026, 5, 12)}, "change"),
    "open, now bound to a meeting": ({}, {}, {"meeting": MAY_19}, "change"),
    "open, another meeting": ({"meeting_id": 71}, {}, {"meeting": JUNE_2}, "change"),
    "open, the meeting gone": ({"meeting_id": 71}, {}, {}, "change"),
    "open, the same meeting": ({"meeting_id": 71}, {}, {"meeting": MAY_19}, "nothing"),
}


@pytest.mark.parametrize(
    ("open_flag", "cover", "schedule", "expected"), SORT_OUT.values(), ids=SORT_OUT.keys()
)
def test_sort_out(open_flag, cover, schedule, expected):
    ev = evaluation(**schedule)
    point = None if open_flag is None else flag(**open_flag)

    plan = _sort_out([ev], open_flags=[point] if point else [], closed_cover=cover)

    buckets = {
        "create": plan.create == [ev],
        "change": plan.change == [(point, ev)],
        "refresh": plan.refresh == [point],
        "resolve": plan.resolve == [point],
    }
    assert {name for name, hit in buckets.items() if hit} == (
        set() if expected == "nothing" else {expected}
    )
    if point is not None:
        # Only a refresh takes the new slack before anything is written.
        assert point.slack_days == (ev.slack if expected == "refresh" else 7)


def test_each_evaluation_and_each_open_flag_is_sorted_out():
    fits = evaluation(procedure_id=19, **FINE)
    new = evaluation(procedure_id=20)
    counting_down = evaluation(procedure_id=21, slack=6)
    worse = evaluation(procedure_id=22, severity=Severity.BLOCKING, slack=-2)
    open_flags = [
        flag(pk=1, procedure_id=21),
        flag(pk=2, procedure_id=22),
        flag(pk=3, procedure_id=23),  # its step is no longer scheduled
        flag(pk=4, procedure_id=19),
    ]

    plan = _sort_out([fits, new, counting_down, worse], open_flags=open_flags, closed_cover={})

    assert plan.create == [new]
    assert plan.refresh == [open_flags[0]]
    assert plan.change == [(open_flags[1], worse)]
    assert plan.resolve == [open_flags[2], open_flags[3]]


def test_the_cover_is_the_worst_a_person_closed_per_situation():
    other = (11, 20, Kind.LEAD_TIME, MAY_13)
    rows = [
        (*SITUATION, Severity.HIGH),
        (*SITUATION, Severity.BLOCKING),
        (*SITUATION, Severity.HIGH),
        (*other, Severity.HIGH),
    ]

    assert _closed_cover(rows) == {SITUATION: Severity.BLOCKING, other: Severity.HIGH}
    assert _closed_cover([]) == {}


# --- why a flag lost its step ----------------------------------------------------------------

Step = ProcedureStep.Status
ORPHANS = {
    "the milestone was removed": (
        {"milestone_id": None, "project_active": False},
        (Step.DONE, D(2026, 5, 6)),
        "de mijlpaal bestaat niet meer.",
    ),
    "the project stopped, was completed or archived": (
        {"project_active": False},
        (Step.DONE, D(2026, 5, 6)),
        "het project is afgerond, gestopt of gearchiveerd.",
    ),
    "the step is done": (
        {},
        (Step.DONE, D(2026, 5, 6)),
        "de procedure is afgerond op woensdag 6 mei 2026.",
    ),
    "the step is done, no date": ({}, (Step.DONE, None), "de procedure is afgerond op -."),
    "the step is not needed": (
        {},
        (Step.NOT_NEEDED, None),
        "de procedure is niet meer nodig voor deze mijlpaal.",
    ),
    "the step was removed": ({}, None, "de procedure hoort niet meer bij deze mijlpaal."),
    "the step is open again": (
        {},
        (Step.TO_START, None),
        "de procedure hoort niet meer bij deze mijlpaal.",
    ),
}


@pytest.mark.parametrize(("point", "step", "reason"), ORPHANS.values(), ids=ORPHANS.keys())
def test_orphan_reason(point, step, reason):
    assert _orphan_reason(flag(**point), step) == reason


# --- what a change writes ------------------------------------------------------------------


def change(point: FrictionPoint, ev: _Evaluation, still_open: dict | None = None):
    result = ScanResult(today=TODAY)
    if still_open is None:
        still_open = {point.pk: locked(point)}
    changed, updates = _apply_changes(
        [(point, ev)], still_open=still_open, today=TODAY, margin=10, now=NOW, result=result
    )
    return changed, updates, result


def test_a_change_gives_the_flag_the_engines_new_state_and_says_so():
    point = flag(
        title="Toets: wij bellen Juridische Zaken", meeting_id=71, meeting_date=MAY_19.date
    )
    ev = evaluation(
        project_title="Warmtenet Oost-Zuid",
        severity=Severity.BLOCKING,
        latest_start=D(2026, 5, 11),
        slack=-1,
        meeting=JUNE_2,
    )

    changed, [update], result = change(point, ev)

    assert changed == [point]
    assert (
        point.title,
        point.flag_kind,
        point.severity,
        point.latest_start,
        point.slack_days,
        point.meeting_id,
        point.updated_at,
        point.status,
    ) == (
        "Toets: wij bellen Juridische Zaken",
        Kind.LEAD_TIME,
        Severity.BLOCKING,
        D(2026, 5, 11),
        -1,
        72,
        NOW,
        Status.OPEN,
    )
    assert point.version == F("version") + 1
    assert (update.friction_point_id, update.kind) == (1, FrictionUpdate.Kind.SYSTEM)
    assert update.text.startswith(
        "Herberekend op maandag 4 mei 2026: ernst: Hoog → Blokkerend; uiterste start: "
        "woensdag 13 mei 2026 → maandag 11 mei 2026; vergadering: dinsdag 19 mei 2026 → "
        "dinsdag 2 juni 2026.\n\n"
    )
    assert result.updated == [
        FlagChange(
            friction_point_id=1,
            project_id=1,
            project_title="Warmtenet Oost-Zuid",
            title="Toets: wij bellen Juridische Zaken",
            flag_kind=Kind.LEAD_TIME,
            severity=Severity.BLOCKING,
            slack_days=-1,
            latest_start=D(2026, 5, 11),
            note="bijgewerkt",
        )
    ]


def test_a_change_to_a_meeting_from_none_and_back():
    point = flag()
    change(point, evaluation(meeting=MAY_19))
    assert point.meeting_id == 71

    later = flag(meeting_id=71, meeting_date=MAY_19.date)
    _changed, [update], _result = change(later, evaluation(flag_kind=Kind.NO_MEETING, severity=4))
    assert later.meeting_id is None
    assert "vergadering: dinsdag 19 mei 2026 → -." in update.text

    new = flag()
    _changed, [update], _result = change(new, evaluation(meeting=MAY_19))
    assert "vergadering: - → dinsdag 19 mei 2026." in update.text


# (kind and title as read, the new kind) -> the title written.
TITLES = {
    "kind changed, title untouched": (
        Kind.NO_MEETING,
        NO_MEETING_TITLE,
        Kind.LEAD_TIME,
        LEAD_TIME_TITLE,
    ),
    "kind changed again, title untouched": (
        Kind.LEAD_TIME,
        LEAD_TIME_TITLE,
        Kind.MISSED,
        MISSED_TITLE,
    ),
    "kind changed, title edited": (
        Kind.LEAD_TIME,
        "Toets te laat aangevraagd",
        Kind.MISSED,
        "Toets te laat aangevraagd",
    ),
    "kind unchanged, title edited": (
        Kind.LEAD_TIME,
        "Toets te laat aangevraagd",
        Kind.LEAD_TIME,
        "Toets te laat aangevraagd",
    ),
}


@pytest.mark.parametrize(
    ("kind", "title", "new_kind", "expected"), TITLES.values(), ids=TITLES.keys()
)
def test_the_title_follows_the_kind_while_nobody_edited_it(kind, title, new_kind, expected):
    point = flag(flag_kind=kind, title=title, latest_start=None, slack_days=None)

    change(point, evaluation(flag_kind=new_kind, severity=Severity.BLOCKING))

    assert point.title == expected


def test_a_flag_closed_or_recomputed_meanwhile_is_not_changed():
    closed = flag(pk=1)
    recomputed = flag(pk=2)
    current = flag(pk=3)
    worse = {"severity": Severity.BLOCKING, "slack": -2}
    still_open = {
        2: (Status.OPEN, Kind.LEAD_TIME, Severity.BLOCKING, MAY_13, None),
        3: locked(current, Status.IN_PROGRESS),
    }
    result = ScanResult(today=TODAY)

    changed, updates = _apply_changes(
        [
            (closed, evaluation(**worse)),
            (recomputed, evaluation(**worse)),
            (current, evaluation(**worse)),
        ],
        still_open=still_open,
        today=TODAY,
        margin=10,
        now=NOW,
        result=result,
    )

    assert changed == [current]
    assert [u.friction_point_id for u in updates] == [3]
    assert [c.friction_point_id for c in result.updated] == [3]
    assert (closed.severity, recomputed.severity, current.severity) == (3, 3, 4)


# --- what a resolution writes ----------------------------------------------------------------


def resolve(points, *, still_open, by_key=None, reasons=None):
    result = ScanResult(today=TODAY)
    resolved, updates = _apply_resolutions(
        points,
        still_open=still_open,
        by_key=by_key or {},
        orphan_reasons=reasons or {},
        today=TODAY,
        margin=10,
        now=NOW,
        result=result,
    )
    return resolved, updates, result


def test_a_flag_whose_step_fits_again_resolves_with_its_new_schedule():
    point = flag(status=Status.IN_PROGRESS)
    ev = evaluation(flag_kind="", severity=None, latest_start=D(2026, 6, 17), slack=29)

    resolved, [update], result = resolve(
        [point], still_open={1: locked(point, Status.IN_PROGRESS)}, by_key={(10, 20): ev}
    )

    assert resolved == [point]
    assert (point.status, point.closed_at, point.updated_at) == (Status.RESOLVED, NOW, NOW)
    assert (point.latest_start, point.slack_days) == (D(2026, 6, 17), 29)
    assert point.version == F("version") + 1
    assert (update.friction_point_id, update.kind) == (1, FrictionUpdate.Kind.SYSTEM)
    assert (update.old_status, update.new_status) == (Status.IN_PROGRESS, Status.RESOLVED)
    assert update.text.startswith(
        "Vervallen op maandag 4 mei 2026: Juridische toets past vóór “Ondertekening convenant”: "
        "uiterste start woensdag 17 juni 2026, speling 29 werkdagen"
    )
    assert result.resolved == [
        FlagChange(
            friction_point_id=1,
            project_id=1,
            project_title="Warmtenet Oost",
            title=LEAD_TIME_TITLE,
            flag_kind=Kind.LEAD_TIME,
            severity=Severity.HIGH,
            slack_days=29,
            latest_start=D(2026, 6, 17),
            note="vervallen",
        )
    ]


def test_a_flag_that_lost_its_step_resolves_with_the_reason_and_keeps_its_schedule():
    closed_meanwhile = flag(pk=1)
    orphan = flag(pk=2, milestone_id=None, project_active=False)
    gone = flag(pk=3)

    resolved, updates, result = resolve(
        [closed_meanwhile, orphan, gone],
        still_open={2: locked(orphan), 3: locked(gone)},
        reasons={
            1: "de procedure is afgerond op -.",
            2: "de mijlpaal bestaat niet meer.",
            3: "de procedure hoort niet meer bij deze mijlpaal.",
        },
    )

    assert resolved == [orphan, gone]
    assert closed_meanwhile.status == Status.OPEN
    assert [(u.friction_point_id, u.old_status, u.text) for u in updates] == [
        (2, Status.OPEN, "Vervallen op maandag 4 mei 2026: de mijlpaal bestaat niet meer."),
        (
            3,
            Status.OPEN,
            "Vervallen op maandag 4 mei 2026: de procedure hoort niet meer bij deze mijlpaal.",
        ),
    ]
    assert (gone.status, gone.latest_start, gone.slack_days) == (Status.RESOLVED, MAY_13, 7)
    assert [(c.friction_point_id, c.slack_days, c.note) for c in result.resolved] == [
        (2, 7, "vervallen"),
        (3, 7, "vervallen"),
    ]


# --- against the database: what is stored ----------------------------------------------------

CALENDAR = WorkingCalendar(first_year=2025, last_year=2027)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


def rescan(day: dt.date, project_ids: list[int] | None = None) -> ScanResult:
    """Reconcile the flags with the schedule on ``day``, the clock on that day too."""
    result = ScanResult(today=day)
    with time_machine.travel(at(day), tick=False):
        _scan_flags(
            today=day,
            project_ids=project_ids,
            evaluations=_open_steps(project_ids),
            calendar=CALENDAR,
            result=result,
        )
    return result


def automatic(**filters) -> list[FrictionPoint]:
    return list(
        FrictionPoint.objects.filter(source=FrictionPoint.Source.AUTOMATIC, **filters).order_by(
            "pk"
        )
    )


def entries(point: FrictionPoint) -> list[tuple[str, str, str]]:
    return list(
        point.updates.filter(kind=FrictionUpdate.Kind.SYSTEM)
        .order_by("pk")
        .values_list("old_status", "new_status", "text")
    )


def close(point: FrictionPoint) -> None:
    FrictionPoint.objects.filter(pk=point.pk).update(
        status=Status.CLOSED, approach=FrictionPoint.Approach.KEEP, closed_at=at(TODAY, 15)
    )


@pytest.fixture
def world(db):
    """Warmtenet Oost signs on Friday 29 May 2026; two procedures, one bound to the college."""
    college = MeetingCalendarFactory(name="College van B&W")
    review = ProcedureFactory(
        name="Juridische toets", department=DepartmentFactory(name="Juridische Zaken")
    )
    decision = ProcedureFactory(name="Collegebesluit", lead_time_days=5, meeting_calendar=college)
    milestone = MilestoneFactory(
        title="Ondertekening convenant", date=D(2026, 5, 29), project__title="Warmtenet Oost"
    )

    class World:
        pass

    w = World()
    w.college, w.review, w.decision, w.milestone = college, review, decision, milestone
    w.project = milestone.project
    w.may = MeetingFactory(calendar=college, date=D(2026, 5, 19), agenda_deadline=D(2026, 5, 5))
    w.june = MeetingFactory(calendar=college, date=D(2026, 6, 2), agenda_deadline=D(2026, 5, 19))
    w.review_step = ProcedureStepFactory(milestone=milestone, procedure=review)
    return w


def test_a_raised_flag_is_stored_with_its_department_and_first_entry(world):
    result = rescan(TODAY)

    [flag_row] = automatic()
    assert (
        flag_row.project_id,
        flag_row.milestone_id,
        flag_row.procedure_id,
        flag_row.title,
        flag_row.status,
        flag_row.flag_kind,
        flag_row.severity,
        flag_row.latest_start,
        flag_row.slack_days,
        flag_row.meeting_id,
        flag_row.version,
    ) == (
        world.project.pk,
        world.milestone.pk,
        world.review.pk,
        LEAD_TIME_TITLE,
        Status.OPEN,
        Kind.LEAD_TIME,
        Severity.HIGH,
        MAY_13,
        7,
        None,
        1,
    )
    assert list(flag_row.departments.all()) == [world.review.department]
    [(old, new, text)] = entries(flag_row)
    assert (old, new) == ("", Status.OPEN)
    assert text.startswith("Gesignaleerd op maandag 4 mei 2026: Juridische toets moet uiterlijk")
    assert [(c.friction_point_id, c.note) for c in result.raised] == [(flag_row.pk, "gesignaleerd")]


def test_a_change_and_a_resolution_in_one_scan_are_both_stored(world):
    decision_step = ProcedureStepFactory(milestone=world.milestone, procedure=world.decision)
    rescan(TODAY)  # the review high (slack 7), the decision blocking (agenda deadline 5 May)
    review, decision = automatic()
    assert (decision.severity, decision.meeting_id, decision.slack_days) == (4, world.may.pk, -4)
    decision_step.status, decision_step.done_on = ProcedureStep.Status.DONE, D(2026, 5, 6)
    decision_step.save()

    result = rescan(D(2026, 5, 18))

    review.refresh_from_db()
    decision.refresh_from_db()
    assert (review.status, review.severity, review.latest_start, review.slack_days) == (
        Status.OPEN,
        Severity.BLOCKING,
        MAY_13,
        -2,
    )
    assert (review.version, review.updated_at) == (2, at(D(2026, 5, 18)))
    assert (decision.status, decision.closed_at, decision.version) == (
        Status.RESOLVED,
        at(D(2026, 5, 18)),
        2,
    )
    assert decision.updated_at == at(D(2026, 5, 18))
    [_raised, (old, new, text)] = entries(review)
    assert (old, new) == ("", "")
    assert text.startswith("Herberekend op maandag 18 mei 2026: ernst: Hoog → Blokkerend.")
    [_raised, (old, new, text)] = entries(decision)
    assert (old, new) == (Status.OPEN, Status.RESOLVED)
    assert text == (
        "Vervallen op maandag 18 mei 2026: de procedure is afgerond op woensdag 6 mei 2026."
    )
    assert [c.friction_point_id for c in result.updated] == [review.pk]
    assert [(c.friction_point_id, c.project_title) for c in result.resolved] == [
        (decision.pk, "Warmtenet Oost")
    ]


def test_slack_counting_down_is_stored_without_news(world):
    rescan(TODAY)

    result = rescan(D(2026, 5, 5))

    [flag_row] = automatic()
    assert (flag_row.slack_days, flag_row.version, flag_row.latest_start) == (6, 1, MAY_13)
    assert len(entries(flag_row)) == 1
    assert (result.raised, result.updated, result.resolved) == ([], [], [])


def test_a_moved_meeting_and_a_meeting_gone_are_stored(world):
    decision_step = ProcedureStepFactory(
        milestone__date=D(2026, 6, 2), milestone__title="Subsidie", procedure=world.decision
    )
    milestone = decision_step.milestone
    rescan(TODAY)  # the meeting of 2 June: latest start 11 May, slack 5
    [point] = automatic(procedure=world.decision)
    assert (point.meeting_id, point.latest_start, point.slack_days) == (
        world.june.pk,
        D(2026, 5, 11),
        5,
    )

    milestone.date = D(2026, 6, 1)
    milestone.save()
    rescan(TODAY)
    point.refresh_from_db()
    assert (point.meeting_id, point.severity, point.latest_start, point.slack_days) == (
        world.may.pk,
        Severity.BLOCKING,
        D(2026, 4, 28),
        -4,
    )
    assert "vergadering: dinsdag 2 juni 2026 → dinsdag 19 mei 2026" in entries(point)[-1][2]

    milestone.date = D(2026, 5, 15)
    milestone.save()
    rescan(TODAY)
    point.refresh_from_db()
    assert (point.flag_kind, point.meeting_id, point.latest_start, point.slack_days) == (
        Kind.NO_MEETING,
        None,
        None,
        None,
    )
    assert point.title == "Geen vergadering meer voor Collegebesluit vóór “Subsidie”"
    assert point.version == 3


def test_a_step_that_fits_again_resolves_with_its_new_schedule(world):
    rescan(TODAY)
    world.milestone.date = D(2026, 7, 3)
    world.milestone.save()

    rescan(D(2026, 5, 5))

    [flag_row] = automatic()
    # 10 working days before Friday 3 July: Friday 19 June; 31 working days after 5 May.
    assert (flag_row.status, flag_row.latest_start, flag_row.slack_days) == (
        Status.RESOLVED,
        D(2026, 6, 19),
        31,
    )
    assert "past vóór" in entries(flag_row)[-1][2]


def test_a_procedure_whose_lead_time_changes_moves_or_clears_its_flag(world):
    rescan(TODAY)
    world.review.lead_time_days = 12
    world.review.save()

    rescan(TODAY)  # two working days more: Monday 11 May, slack 5
    [point] = automatic()
    assert (point.status, point.latest_start, point.slack_days, point.version) == (
        Status.OPEN,
        D(2026, 5, 11),
        5,
        2,
    )
    assert "uiterste start: woensdag 13 mei 2026 → maandag 11 mei 2026" in entries(point)[-1][2]

    world.review.lead_time_days = 3
    world.review.save()
    rescan(TODAY)  # Tuesday 26 May, slack 14: it fits
    point.refresh_from_db()
    assert (point.status, point.latest_start, point.slack_days) == (
        Status.RESOLVED,
        D(2026, 5, 26),
        14,
    )


def test_every_orphan_resolves_with_its_reason(world):
    def flagged_step(**kw) -> ProcedureStep:
        return ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review, **kw)

    not_needed, removed, stopped, completed, archived, deleted = (flagged_step() for _ in range(6))
    rescan(TODAY)
    ProcedureStep.objects.filter(pk=world.review_step.pk).update(
        status=ProcedureStep.Status.DONE, done_on=D(2026, 5, 4)
    )
    ProcedureStep.objects.filter(pk=not_needed.pk).update(status=ProcedureStep.Status.NOT_NEEDED)
    removed.delete()
    Project.objects.filter(pk=stopped.milestone.project_id).update(status=Project.Status.STOPPED)
    Project.objects.filter(pk=completed.milestone.project_id).update(
        status=Project.Status.COMPLETED
    )
    Project.objects.filter(pk=archived.milestone.project_id).update(archived_at=at(TODAY))
    deleted_milestone = deleted.milestone_id
    deleted.milestone.delete()

    result = rescan(D(2026, 5, 5))

    reasons = {
        world.milestone.pk: "de procedure is afgerond op maandag 4 mei 2026.",
        not_needed.milestone_id: "de procedure is niet meer nodig voor deze mijlpaal.",
        removed.milestone_id: "de procedure hoort niet meer bij deze mijlpaal.",
        stopped.milestone_id: "het project is afgerond, gestopt of gearchiveerd.",
        completed.milestone_id: "het project is afgerond, gestopt of gearchiveerd.",
        archived.milestone_id: "het project is afgerond, gestopt of gearchiveerd.",
        None: "de mijlpaal bestaat niet meer.",
    }
    points = automatic()
    assert {p.status for p in points} == {Status.RESOLVED}
    assert {p.milestone_id: entries(p)[-1][2] for p in points} == {
        milestone: f"Vervallen op dinsdag 5 mei 2026: {reason}"
        for milestone, reason in reasons.items()
    }
    assert deleted_milestone not in {p.milestone_id for p in points}
    assert len(result.resolved) == 7


def test_a_person_keeps_their_edits_and_their_own_points(world):
    own = FrictionPointFactory(
        project=world.project,
        milestone=world.milestone,
        procedure=world.review,
        title="Juridische Zaken heeft geen capaciteit",
    )
    rescan(D(2026, 5, 18))
    [point] = automatic()
    FrictionPoint.objects.filter(pk=point.pk).update(
        status=Status.IN_PROGRESS,
        title="Toets te laat aangevraagd",
        description="Wij hebben Juridische Zaken al gebeld.",
    )

    rescan(D(2026, 6, 1))  # missed now
    point.refresh_from_db()
    assert (point.flag_kind, point.status, point.title, point.description) == (
        Kind.MISSED,
        Status.IN_PROGRESS,
        "Toets te laat aangevraagd",
        "Wij hebben Juridische Zaken al gebeld.",
    )

    ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)
    rescan(D(2026, 6, 2))
    point.refresh_from_db()
    own.refresh_from_db()
    assert (point.status, entries(point)[-1][0]) == (Status.RESOLVED, Status.IN_PROGRESS)
    assert (own.status, own.version, own.title) == (
        Status.OPEN,
        1,
        "Juridische Zaken heeft geen capaciteit",
    )
    assert entries(own) == []


def test_a_situation_a_person_closed_is_raised_again_only_when_worse(world):
    rescan(TODAY)
    [first] = automatic()
    close(first)

    assert rescan(D(2026, 5, 5)).raised == []
    assert [p.pk for p in automatic()] == [first.pk]

    rescan(D(2026, 5, 18))  # the same latest start, now blocking
    closed, new = automatic()
    assert (closed.pk, closed.status) == (first.pk, Status.CLOSED)
    assert (new.status, new.severity, new.latest_start) == (Status.OPEN, Severity.BLOCKING, MAY_13)


def test_a_situation_that_resolved_itself_is_raised_again_when_it_returns(world):
    rescan(TODAY)
    world.review_step.status = ProcedureStep.Status.NOT_NEEDED
    world.review_step.save()
    rescan(TODAY)
    world.review_step.status = ProcedureStep.Status.TO_START
    world.review_step.save()

    result = rescan(TODAY)  # the same kind, latest start and severity as the resolved flag

    resolved, new = automatic()
    assert (resolved.status, resolved.latest_start, resolved.severity) == (
        Status.RESOLVED,
        MAY_13,
        Severity.HIGH,
    )
    assert (new.status, new.latest_start, new.severity) == (Status.OPEN, MAY_13, Severity.HIGH)
    assert [c.friction_point_id for c in result.raised] == [new.pk]


def test_a_scoped_rescan_leaves_other_projects_alone(world):
    other = ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)
    rescan(TODAY)
    mine, theirs = automatic()
    close(mine)
    ProcedureStep.objects.update(status=ProcedureStep.Status.NOT_NEEDED)

    result = rescan(D(2026, 5, 18), project_ids=[world.project.pk])

    assert (result.raised, result.resolved) == ([], [])
    theirs.refresh_from_db()
    assert (theirs.status, theirs.version, len(entries(theirs))) == (Status.OPEN, 1, 1)
    assert other.milestone.project_id == theirs.project_id


def test_flags_a_person_closes_during_the_scan_are_left_alone(world, monkeypatch):
    other = ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)
    ProcedureStepFactory(milestone=world.milestone, procedure=world.decision)
    rescan(TODAY)
    before = {p.pk: (p.severity, p.slack_days, p.version) for p in automatic()}
    other.status = ProcedureStep.Status.NOT_NEEDED
    other.save()
    original = flags_module._lock_still_open

    def meanwhile(pks):
        # On 18 May the review would get worse, the decision's slack count down and the
        # other review resolve: a person closes all three first.
        assert len(pks) == 3
        for point in automatic():
            close(point)
        return original(pks)

    monkeypatch.setattr(flags_module, "_lock_still_open", meanwhile)
    result = rescan(D(2026, 5, 18))

    assert (result.raised, result.updated, result.resolved) == ([], [], [])
    points = automatic()
    assert {p.pk: (p.severity, p.slack_days, p.version) for p in points} == before
    assert {p.status for p in points} == {Status.CLOSED}
    assert [len(entries(p)) for p in points] == [1, 1, 1]


def test_the_lock_returns_the_state_of_the_flags_still_open(world):
    rescan(TODAY)
    ProcedureStepFactory(milestone=world.milestone, procedure=world.decision)
    ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)
    rescan(TODAY)
    review, decision, other = automatic()
    FrictionPoint.objects.filter(pk=decision.pk).update(status=Status.IN_PROGRESS)
    close(other)

    assert _lock_still_open([review.pk, decision.pk, other.pk]) == {
        review.pk: (Status.OPEN, Kind.LEAD_TIME, Severity.HIGH, MAY_13, None),
        decision.pk: (
            Status.IN_PROGRESS,
            Kind.LEAD_TIME,
            Severity.BLOCKING,
            D(2026, 4, 28),
            world.may.pk,
        ),
    }
    # Only the rows asked for, though others are open too.
    assert list(_lock_still_open([decision.pk, other.pk])) == [decision.pk]
    assert _lock_still_open([]) == {}


def test_a_flag_raised_meanwhile_by_another_scan_is_not_raised_twice(world, monkeypatch):
    original = flags_module._lock_still_open

    def meanwhile(pks):
        FrictionPointFactory(
            automatic=True,
            project=world.project,
            milestone=world.milestone,
            procedure=world.review,
        )
        return original(pks)

    monkeypatch.setattr(flags_module, "_lock_still_open", meanwhile)
    result = rescan(TODAY)

    assert result.raised == []
    assert len(automatic(status__in=FrictionPoint.OPEN_STATUSES)) == 1


def test_the_writes_go_in_batches(world, monkeypatch):
    """Each statement carries at most ``BATCH_SIZE`` rows, so a scan of many flags stays
    within the database's limit on query parameters."""
    steps = [world.review_step]
    steps += [ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)]
    steps += [ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.decision)]
    steps += [ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.decision)]
    steps += [ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)]
    steps += [ProcedureStepFactory(milestone__date=D(2026, 5, 29), procedure=world.review)]
    rescan(TODAY)
    ProcedureStep.objects.filter(pk__in=[s.pk for s in steps[4:]]).update(
        status=ProcedureStep.Status.NOT_NEEDED
    )
    monkeypatch.setattr(flags_module, "BATCH_SIZE", 1)

    # On 18 May: two reviews get worse, two decisions count down, two flags resolve.
    with CaptureQueriesContext(connection) as queries:
        result = rescan(D(2026, 5, 18))

    assert (len(result.updated), len(result.resolved)) == (2, 2)
    statements = [q["sql"].split(" ", 3)[:3] for q in queries.captured_queries]
    assert statements.count(["UPDATE", '"projects_frictionpoint"', "SET"]) == 6
    assert statements.count(["INSERT", "INTO", '"projects_frictionupdate"']) == 4
    assert sorted(p.slack_days for p in automatic(status=Status.OPEN)) == [-13, -13, -2, -2]
