"""``manage.py seed_demo``: the demo municipality, deterministic and safe to run again."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from demo.clock import Clock
from demo.organisation import PROCEDURES
from demo.seed import DEMO_PASSWORD, SHOWCASE_SIZE
from demo.showcase import showcase_projects
from demo.specs import ProcedureRef, Refs
from demo.wipe import demo_users
from governance.models import (
    ClosedDay,
    Department,
    Meeting,
    MeetingCalendar,
    Procedure,
    Role,
    Sector,
)
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    FrictionUpdate,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from projects.services.scan import friction_scan
from stakeholders.models import Contact, Stakeholder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "projectleider": Role.PROJECT_LEADER,
    "bureauhoofd": Role.COMMISSIONER,
    "afdelingshoofd": Role.DEPARTMENT_HEAD,
    "beheerder": Role.ADMINISTRATOR,
}
# A Tuesday in term time, so college meetings lie just ahead and behind.
A_DAY = dt.datetime(2027, 3, 9, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def seed(settings, *args: str) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_with_debug_off(settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="alleen met DEBUG aan"):
        call_command("seed_demo", stdout=StringIO())

    assert not Project.objects.exists()
    assert not User.objects.filter(username="projectleider").exists()


def test_it_refuses_fewer_projects_than_the_showcase(settings) -> None:
    settings.DEBUG = True

    with pytest.raises(CommandError, match=f"minstens {SHOWCASE_SIZE}"):
        call_command("seed_demo", "--projects", str(SHOWCASE_SIZE - 1), stdout=StringIO())


def test_it_prints_a_summary_with_counts_and_time(settings) -> None:
    output = seed(settings)

    assert f"samenwerkingsprojecten: {SHOWCASE_SIZE}" in output
    assert "Demogegevens klaar in" in output


def test_the_four_demo_accounts_log_in_with_their_role(settings, client) -> None:
    seed(settings)

    for username, role in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.email == f"{username}@binnenbuiten.example"
        assert user.get_full_name()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


def test_the_beheerder_gets_the_admin_through_its_group_not_as_superuser(settings, client) -> None:
    seed(settings)
    beheerder = User.objects.get(username="beheerder")

    assert beheerder.is_staff and not beheerder.is_superuser
    assert beheerder.has_perm("governance.change_procedure")
    client.force_login(beheerder)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/governance/procedure/").status_code == 200


def test_the_showcase_projects_each_have_one_bureauhoofd_partners_milestones_and_friction(
    settings,
) -> None:
    seed(settings)
    projects = Project.objects.annotate(
        partners=Count("stakeholder_involvements", distinct=True),
        touched=Count("department_involvements", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        friction_count=Count("friction_points", distinct=True),
    ).select_related("commissioner", "leader")

    assert projects.count() == SHOWCASE_SIZE
    for project in projects:
        assert project.commissioner.groups.filter(name=Role.COMMISSIONER).exists()
        assert project.leader.groups.filter(name=Role.PROJECT_LEADER).exists()
        assert project.purpose
        assert 2 <= project.partners <= 4
        # The chosen departments, and those whose procedures a milestone needs.
        assert project.touched >= 2
        needed = set(
            ProcedureStep.objects.filter(milestone__project=project).values_list(
                "procedure__department", flat=True
            )
        )
        assert needed <= set(project.department_involvements.values_list("department", flat=True))
        assert project.milestone_count >= 2
        assert project.friction_count >= 1
    assert set(projects.values_list("status", flat=True)) == set(Project.Status.values)
    assert projects.filter(is_confidential=True).count() >= 1
    assert projects.filter(leader__username="projectleider").count() > SHOWCASE_SIZE // 2
    assert projects.filter(commissioner__username="bureauhoofd").count() > SHOWCASE_SIZE // 2


def test_the_showcase_shows_support_asked_answered_and_closed_with_a_lesson(settings) -> None:
    seed(settings)
    person = FrictionPoint.objects.filter(source=FrictionPoint.Source.PERSON)

    unanswered = person.filter(
        status__in=FrictionPoint.OPEN_STATUSES, support_answered_at__isnull=True
    ).exclude(support_asked="")
    assert unanswered.exists()
    answered = person.exclude(support_asked="").filter(support_answered_at__isnull=False)
    for point in answered:
        answer = point.updates.get(kind=FrictionUpdate.Kind.SUPPORT_ANSWER)
        assert answer.author == point.project.commissioner
        assert point.support_requested_at < point.support_answered_at
    closed = person.filter(status=FrictionPoint.Status.CLOSED)
    assert closed.exists()
    for point in closed:
        assert point.approach and point.lesson_learned and point.closed_at
        assert point.updates.filter(new_status=FrictionPoint.Status.CLOSED).exists()
    assert person.exclude(purpose_question="").exists()


def test_the_afdelingshoofd_heads_a_department_that_chafes_in_several_projects(settings) -> None:
    seed(settings)
    legal = Department.objects.get(head__username="afdelingshoofd")

    assert legal.name == "Juridische Zaken"
    assert DepartmentInvolvement.objects.filter(department=legal).count() >= 3
    assert FrictionPoint.objects.filter(departments=legal).values("project").distinct().count() >= 2


def test_the_organisation_has_procedures_with_purpose_and_meeting_calendars(settings) -> None:
    with time_machine.travel(A_DAY, tick=False):
        seed(settings)

    assert set(Sector.objects.values_list("name", flat=True)) >= {
        "Ruimte",
        "Sociaal Domein",
        "Bedrijfsvoering",
    }
    college = MeetingCalendar.objects.get(body=MeetingCalendar.Body.COLLEGE)
    decision = Procedure.objects.get(kind=Procedure.Kind.COLLEGE_DECISION)
    assert (decision.lead_time_days, decision.meeting_calendar) == (15, college)
    assert decision.department.name == "Bestuursondersteuning"
    legal_review = Procedure.objects.get(name="Juridische toets")
    assert legal_review.lead_time_days == 10
    assert "juridisch niet houdbaar" in legal_review.purpose
    assert not Procedure.objects.filter(purpose="").exists()

    college_days = list(college.meetings.values_list("date", flat=True))
    assert all(day.weekday() == 1 for day in college_days)
    assert min(college_days) < A_DAY.date() < max(college_days)
    assert not [d for d in college_days if dt.date(d.year, 7, 10) <= d <= dt.date(d.year, 8, 14)]
    council = Meeting.objects.filter(calendar__body=MeetingCalendar.Body.COUNCIL)
    assert council.count() >= 12
    assert not council.filter(date__month__in=(7, 8)).exists()
    assert all(m.agenda_deadline < m.date for m in Meeting.objects.all())
    # The Friday after Ascension Day, this year and next.
    assert list(ClosedDay.objects.values_list("date", flat=True)) == [
        dt.date(2027, 5, 7),
        dt.date(2028, 5, 26),
    ]


def test_the_friction_engine_agrees_with_the_demo_flags(settings) -> None:
    with time_machine.travel(A_DAY, tick=False):
        seed(settings, "--projects", "60")
        flags = FrictionPoint.objects.filter(
            source=FrictionPoint.Source.AUTOMATIC, status__in=FrictionPoint.OPEN_STATUSES
        )
        assert flags.exists()
        assert not flags.filter(milestone=None).exists()
        assert not flags.filter(procedure=None).exists()

        result = friction_scan(today=timezone.localdate())

    assert result.steps_scanned > 0
    assert result.raised == result.updated == result.resolved == []
    assert result.escalated == result.stale == []


def test_timestamps_lie_in_the_past_and_auto_now_works_again_afterwards(settings) -> None:
    seed(settings, "--projects", "20")
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))

    for model in (Project, Milestone, FrictionPoint, FrictionUpdate, Stakeholder, Contact):
        assert not model.objects.filter(created_at__gte=start_of_today).exists(), model
    for point in FrictionPoint.objects.prefetch_related("updates"):
        _assert_timeline_in_order(
            created=point.created_at,
            requested=point.support_requested_at,
            answered=point.support_answered_at,
            closed=point.closed_at,
            updates=[(u.kind, u.created_at) for u in point.updates.all()],
        )
    assert Project._meta.get_field("created_at").auto_now_add
    assert Project._meta.get_field("updated_at").auto_now
    point = FrictionPoint.objects.first()
    fresh = FrictionUpdate.objects.create(friction_point=point, text="Nu")
    assert fresh.created_at >= start_of_today


def test_it_scales_with_the_number_of_projects(settings) -> None:
    seed(settings, "--projects", "30")

    assert Project.objects.count() == 30
    generated = Project.objects.exclude(milestones__title__in=_showcase_milestone_titles())
    assert generated.count() == 30 - SHOWCASE_SIZE
    for project in generated.annotate(milestone_count=Count("milestones")):
        assert project.milestone_count == 5
    assert ProcedureStep.objects.filter(milestone__project__in=generated).count() == 2 * 5 * 22
    points = FrictionPoint.objects.filter(project__in=generated)
    assert 8 * 22 <= points.count() <= 12 * 22
    assert points.filter(status=FrictionPoint.Status.CLOSED).exclude(lesson_learned="").exists()
    assert User.objects.filter(username__startswith="demo-bh-").count() >= 2
    assert User.objects.filter(username__startswith="demo-pl-0").count() >= 2
    assert not Project.objects.exclude(commissioner__groups__name=Role.COMMISSIONER).exists()


def test_running_it_twice_gives_the_same_data(settings) -> None:
    with time_machine.travel(A_DAY, tick=False):
        seed(settings, "--projects", "30")
        first = _canonical_dump()
        first_ids = set(Project.objects.values_list("pk", flat=True))
        seed(settings, "--projects", "30")
        second = _canonical_dump()

    assert second == first
    # Rebuilt, not left alone: the rows are new.
    assert first_ids.isdisjoint(Project.objects.values_list("pk", flat=True))


def test_it_wipes_only_its_own_users(settings) -> None:
    outsider = UserFactory(username="jdevries")
    seed(settings, "--projects", "30")
    seed(settings, "--projects", "30")

    assert User.objects.filter(pk=outsider.pk).exists()
    assert User.objects.filter(username="projectleider").count() == 1
    # Every user the demo made is one a rebuild will delete again.
    assert set(User.objects.exclude(pk=outsider.pk)) == set(demo_users())


@pytest.mark.django_db(False)
def test_showcase_timelines_stay_in_order_whatever_day_it_is() -> None:
    # Dates snap to working days, so two events on different days can share one; a sweep
    # over a year of "todays" (weekends, holidays, closed days) catches a wrong order.
    refs = Refs(
        procedures={
            key: ProcedureRef(1, name, department, lead, calendar)
            for key, department, name, _, lead, calendar, _ in PROCEDURES
        }
    )
    for offset in range(366):
        clock = Clock(today=dt.date(2027, 1, 1) + dt.timedelta(days=offset))
        for project in showcase_projects(clock=clock, refs=refs):
            for milestone in project.milestones:
                assert milestone.created_at >= project.created_at
                assert all(step.done_on < clock.today for step in milestone.steps if step.done_on)
            for point in project.frictions:
                assert point.created_at >= project.created_at
                _assert_timeline_in_order(
                    created=point.created_at,
                    requested=point.support_requested_at,
                    answered=point.support_answered_at,
                    closed=point.closed_at,
                    updates=[(u.kind, u.at) for u in point.updates],
                )


def _assert_timeline_in_order(
    *,
    created: dt.datetime,
    requested: dt.datetime | None,
    answered: dt.datetime | None,
    closed: dt.datetime | None,
    updates: list[tuple[str, dt.datetime]],
) -> None:
    assert all(at >= created for _, at in updates)
    if requested:
        assert created <= requested
    if answered:
        assert requested is not None and requested <= answered
        assert (FrictionUpdate.Kind.SUPPORT_ANSWER, answered) in updates
    if closed:
        assert all(at <= closed for kind, at in updates if kind != FrictionUpdate.Kind.SYSTEM)


def _showcase_milestone_titles() -> list[str]:
    return [
        "Subsidiedeadline provinciale regeling coöperatieve zonnedaken",
        "Proefrit met vrijwilligers en bewoners",
        "Ondertekening intentieovereenkomst met ondernemers",
        "Ondertekening pachtovereenkomst voedselbos",
        "Ondertekening convenant gegevensdeling",
        "Intentieverklaring met het warmtebedrijf",
        "Ondertekening samenwerkingsovereenkomst werkplaats",
        "Ondertekening intentieverklaring bouwhub",
    ]


def _canonical_dump() -> dict[str, list[tuple]]:
    """Every demo row by natural keys (no primary keys, no password salts), sorted."""

    def rows(queryset, *fields: str) -> list[tuple]:
        return sorted(queryset.values_list(*fields), key=repr)

    return {
        "users": rows(
            User.objects.all(),
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_superuser",
            "date_joined",
            "groups__name",
        ),
        "sectors": rows(Sector.objects.all(), "code", "name"),
        "departments": rows(
            Department.objects.all(), "code", "name", "sector__code", "head__username"
        ),
        "procedures": rows(
            Procedure.objects.all(),
            "department__code",
            "name",
            "kind",
            "lead_time_days",
            "meeting_calendar__name",
            "purpose",
        ),
        "meetings": rows(Meeting.objects.all(), "calendar__name", "date", "agenda_deadline"),
        "closed_days": rows(ClosedDay.objects.all(), "date", "reason"),
        "stakeholders": rows(
            Stakeholder.objects.all(), "name", "kind", "description", "website", "created_at"
        ),
        "contacts": rows(Contact.objects.all(), "stakeholder__name", "name", "role", "email"),
        "projects": rows(
            Project.objects.all(),
            "title",
            "purpose",
            "description",
            "status",
            "leader__username",
            "commissioner__username",
            "portfolio_holder",
            "is_confidential",
            "created_at",
            "updated_at",
        ),
        "department_involvements": rows(
            DepartmentInvolvement.objects.all(), "project__title", "department__code", "role"
        ),
        "stakeholder_involvements": rows(
            StakeholderInvolvement.objects.all(),
            "project__title",
            "stakeholder__name",
            "role",
            "influence",
            "interest",
        ),
        "milestones": rows(
            Milestone.objects.all(), "project__title", "title", "kind", "date", "created_at"
        ),
        "steps": rows(
            ProcedureStep.objects.all(),
            "milestone__project__title",
            "milestone__title",
            "procedure__name",
            "status",
            "done_on",
        ),
        "friction_points": rows(
            FrictionPoint.objects.all(),
            "project__title",
            "title",
            "description",
            "category",
            "severity",
            "status",
            "source",
            "flag_kind",
            "procedure__name",
            "milestone__title",
            "meeting__date",
            "purpose_question",
            "support_asked",
            "support_requested_at",
            "support_answered_at",
            "escalated_at",
            "stale_since",
            "approach",
            "lesson_learned",
            "latest_start",
            "slack_days",
            "author__username",
            "created_at",
            "last_activity_at",
            "closed_at",
            "departments__code",
        ),
        "friction_updates": rows(
            FrictionUpdate.objects.all(),
            "friction_point__project__title",
            "friction_point__title",
            "author__username",
            "kind",
            "text",
            "old_status",
            "new_status",
            "created_at",
        ),
    }


@pytest.mark.django_db
def test_if_empty_leaves_existing_work_alone(settings):
    from projects.models import Project
    from tests.factories import ProjectFactory

    settings.DEBUG = True
    own = ProjectFactory(title="Mijn eigen project")
    call_command("seed_demo", if_empty=True)
    assert list(Project.objects.values_list("title", flat=True)) == [own.title]


def _events_of(model) -> int:
    return sum(event_model.objects.count() for event_model in _event_models(model))


def _event_models(model) -> set:
    return set(model.pgh_event_models.values())


def test_demo_data_leaves_no_audit_trail_and_the_trail_records_again_afterwards(settings):
    seed(settings)
    tracked = (Project, Milestone, ProcedureStep, FrictionPoint, FrictionUpdate, Contact)
    assert Project.objects.count() == SHOWCASE_SIZE
    assert {model.__name__: _events_of(model) for model in tracked} == {
        model.__name__: 0 for model in tracked
    }

    project = Project.objects.order_by("pk").first()
    project.title = "Na het vullen gewijzigd"
    project.save()
    assert _events_of(Project) == 1


def test_the_planner_has_statistics_right_after_a_seed(settings):
    from django.db import connection

    seed(settings)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ANALYZE writes pg_statistic in the same transaction, so the test sees it.
            cursor.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
                "('projects_project', 'projects_frictionpoint', 'projects_milestone')"
            )
        else:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analyzed = {row[0] for row in cursor.fetchall()}
    assert {"projects_project", "projects_frictionpoint", "projects_milestone"} <= analyzed
