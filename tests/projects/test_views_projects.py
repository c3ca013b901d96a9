"""The project leader's pages: start page, list, project page, create, edit, step status."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from projects.models import (
    DepartmentInvolvement,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
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
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def project_data(*, commissioner, leader=None, version: int | None = None, **fields) -> dict:
    """POST data for the project form with empty formsets (existing rows stay as they are)."""
    data = {
        "purpose": "Samen met de wijk een groen schoolplein maken.",
        "title": "Groen schoolplein",
        "description": "",
        "status": Project.Status.EXPLORATION,
        "commissioner": str(commissioner.pk),
        "portfolio_holder": "Wethouder Groen",
        **management("departments"),
        **management("partners"),
        **management("milestones"),
    }
    if leader is not None:
        data["leader"] = str(leader.pk)
    if version is not None:
        data["version"] = str(version)
    data.update({k: str(v) for k, v in fields.items()})
    return data


def full_create_data(*, commissioner, department, stakeholder, procedures) -> dict:
    data = project_data(commissioner=commissioner)
    data.update(management("departments", total=1))
    data.update({"departments-0-department": department.pk, "departments-0-role": "trekker"})
    data.update(management("partners", total=1))
    data.update(
        {
            "partners-0-stakeholder": stakeholder.pk,
            "partners-0-role": "financier",
            "partners-0-influence": "5",
            "partners-0-interest": "2",
        }
    )
    data.update(management("milestones", total=1))
    data.update(
        {
            "milestones-0-title": "Subsidieaanvraag indienen",
            "milestones-0-kind": "subsidie",
            "milestones-0-date": "2027-06-01",
        }
    )
    data["milestones-0-procedures"] = [str(p.pk) for p in procedures]
    return data


def error_beside(html: str, field_id: str) -> str:
    """The error text rendered beside one field (includes/field.html puts it in
    ``<div id="<field id>_error">``)."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


# --- home ----------------------------------------------------------------------------------


class TestHome:
    def test_it_sends_anonymous_visitors_to_the_login(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        ("factory", "expected"),
        [
            (LeaderFactory, "/projects/?scope=mine"),
            (CommissionerFactory, "/dashboard/"),
            (DepartmentHeadFactory, "/inbox/"),
            (AdministratorFactory, "/admin/"),
        ],
    )
    def test_it_sends_each_role_to_where_its_work_starts(self, client, factory, expected):
        client.force_login(factory())
        response = client.get("/")
        assert response.status_code == 302
        assert response.url == expected

    def test_a_beheerder_who_also_leads_projects_gets_the_project_list(self, client):
        user = AdministratorFactory()
        user.groups.add(*LeaderFactory().groups.all())
        client.force_login(user)
        assert client.get("/").url == "/projects/?scope=mine"

    def test_it_refuses_post(self, client):
        client.force_login(LeaderFactory())
        assert client.post("/").status_code == 405

    def test_the_login_page_speaks_dutch(self, client):
        response = client.get(reverse("login"))
        html = response.content.decode()
        assert "Gebruikersnaam" in html
        assert "Wachtwoord" in html

    def test_logging_in_leads_to_my_projects(self, client):
        leader = LeaderFactory(username="pl")
        response = client.post(
            reverse("login"), {"username": "pl", "password": "binnenbuiten"}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/projects/?scope=mine"
        assert response.context["user"] == leader


# --- the list ------------------------------------------------------------------------------


class TestProjectList:
    def test_a_leader_sees_their_own_projects_first(self, client):
        leader = LeaderFactory()
        mine = ProjectFactory(leader=leader, title="Mijn project")
        ProjectFactory(title="Project van een ander")
        client.force_login(leader)
        response = client.get(reverse("projects:list"))
        assert [p.pk for p in response.context["page"]] == [mine.pk]
        assert response.context["scope"] == "mine"
        assert "Mijn projecten" in response.content.decode()

    def test_the_scope_switch_shows_all_visible_projects(self, client):
        leader = LeaderFactory()
        mine = ProjectFactory(leader=leader)
        other = ProjectFactory()
        hidden = ProjectFactory(confidential=True)
        client.force_login(leader)
        response = client.get(reverse("projects:list"), {"scope": "all"})
        shown = {p.pk for p in response.context["page"]}
        assert shown == {mine.pk, other.pk}
        assert hidden.pk not in shown

    def test_a_commissioner_sees_what_they_commission(self, client):
        commissioner = CommissionerFactory()
        commissioned = ProjectFactory(commissioner=commissioner)
        ProjectFactory()
        client.force_login(commissioner)
        response = client.get(reverse("projects:list"))
        assert [p.pk for p in response.context["page"]] == [commissioned.pk]

    def test_a_department_head_sees_projects_of_their_departments(self, client):
        head = DepartmentHeadFactory()
        involved = DepartmentInvolvementFactory(department=DepartmentFactory(head=head)).project
        # Two departments of the same head on one project: still one row.
        DepartmentInvolvementFactory(project=involved, department=DepartmentFactory(head=head))
        ProjectFactory()
        client.force_login(head)
        response = client.get(reverse("projects:list"))
        assert [p.pk for p in response.context["page"]] == [involved.pk]

    def test_it_counts_open_friction_by_severity(self, client):
        leader = LeaderFactory()
        project = ProjectFactory(leader=leader)
        FrictionPointFactory.create_batch(2, project=project, severity=4)
        FrictionPointFactory(project=project, severity=1)
        FrictionPointFactory(project=project, severity=3, closed=True)
        DepartmentInvolvementFactory.create_batch(3, project=project)
        client.force_login(leader)
        row = client.get(reverse("projects:list")).context["page"][0]
        assert (row.open_blocking, row.open_high, row.open_medium, row.open_low) == (2, 0, 0, 1)
        assert row.open_total == 3

    @time_machine.travel(MONDAY, tick=False)
    def test_it_shows_the_next_milestone(self, client):
        leader = LeaderFactory()
        project = ProjectFactory(leader=leader)
        MilestoneFactory(project=project, title="Verleden", date=dt.date(2027, 2, 1))
        MilestoneFactory(project=project, title="Later", date=dt.date(2027, 9, 1))
        MilestoneFactory(project=project, title="Eerstvolgende", date=dt.date(2027, 3, 1))
        client.force_login(leader)
        response = client.get(reverse("projects:list"))
        row = response.context["page"][0]
        assert row.next_milestone_title == "Eerstvolgende"
        assert row.next_milestone_date == dt.date(2027, 3, 1)
        assert "1 maart 2027" in response.content.decode()

    def test_it_searches_title_purpose_and_partner_names(self, client):
        leader = LeaderFactory()
        by_title = ProjectFactory(leader=leader, title="Zonnepanelen op daken")
        by_purpose = ProjectFactory(leader=leader, purpose="Meer zonnestroom in de wijk")
        by_partner = ProjectFactory(leader=leader)
        StakeholderInvolvementFactory(
            project=by_partner, stakeholder=StakeholderFactory(name="Zonnecoöperatie Oost")
        )
        ProjectFactory(leader=leader, title="Fietspad")
        client.force_login(leader)
        response = client.get(reverse("projects:list"), {"q": "zon"})
        assert {p.pk for p in response.context["page"]} == {
            by_title.pk,
            by_purpose.pk,
            by_partner.pk,
        }

    def test_it_filters_on_status_department_and_commissioner(self, client):
        leader = LeaderFactory()
        commissioner = CommissionerFactory()
        department = DepartmentFactory()
        match = ProjectFactory(leader=leader, status="idee", commissioner=commissioner)
        DepartmentInvolvementFactory(project=match, department=department)
        ProjectFactory(leader=leader, status="idee", commissioner=commissioner)
        other = ProjectFactory(leader=leader, status="uitvoering", commissioner=commissioner)
        DepartmentInvolvementFactory(project=other, department=department)
        client.force_login(leader)
        response = client.get(
            reverse("projects:list"),
            {"status": "idee", "department": department.pk, "commissioner": commissioner.pk},
        )
        assert [p.pk for p in response.context["page"]] == [match.pk]
        html = response.content.decode()
        # The filters stay filled in.
        assert f'<option value="{department.pk}" selected>' in html

    def test_a_bad_filter_value_is_shown_beside_the_field(self, client):
        client.force_login(LeaderFactory())
        response = client.get(reverse("projects:list"), {"status": "onzin"})
        assert response.status_code == 200
        assert "geldige keuze" in error_beside(response.content.decode(), "id_status")

    def test_htmx_gets_only_the_results(self, client):
        leader = LeaderFactory()
        ProjectFactory(leader=leader, title="Alleen dit")
        client.force_login(leader)
        response = client.get(
            reverse("projects:list"), {"q": "alleen"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="project-results">')
        assert "<html" not in html
        assert 'hx-swap-oob="true"' in html
        assert "Alleen dit" in html

    def test_it_pages_by_25_and_keeps_the_filters_in_the_links(self, client):
        leader = LeaderFactory()
        ProjectFactory.create_batch(30, leader=leader, status="idee")
        client.force_login(leader)
        response = client.get(reverse("projects:list"), {"status": "idee"})
        assert len(response.context["page"]) == 25
        assert "?status=idee&amp;page=2" in response.content.decode()
        second = client.get(reverse("projects:list"), {"status": "idee", "page": 2})
        assert len(second.context["page"]) == 5

    def test_many_pages_are_elided(self, client, monkeypatch):
        monkeypatch.setattr("projects.views.projects.PAGE_SIZE", 1)
        leader = LeaderFactory()
        ProjectFactory.create_batch(15, leader=leader)
        client.force_login(leader)
        html = client.get(reverse("projects:list"), {"page": 7}).content.decode()
        assert "…" in html
        assert 'aria-current="page">7<' in html
        assert "page=15" in html and "page=11" not in html

    def test_archived_projects_are_not_listed(self, client):
        leader = LeaderFactory()
        ProjectFactory(leader=leader, archived=True)
        client.force_login(leader)
        assert len(client.get(reverse("projects:list")).context["page"]) == 0

    @pytest.mark.parametrize("size", [3, 40])
    def test_its_query_count_does_not_grow(self, client, django_assert_max_num_queries, size):
        leader = LeaderFactory()
        for project in ProjectFactory.create_batch(size, leader=leader):
            FrictionPointFactory(project=project, severity=4)
            FrictionPointFactory(project=project, severity=2)
            MilestoneFactory.create_batch(2, project=project)
            DepartmentInvolvementFactory(project=project)
            StakeholderInvolvementFactory(project=project)
        client.force_login(leader)
        # session, user, Beheerder check, roles, count, the page's ids, the page's rows with
        # their figures, the department and commissioner choices of the filters
        with django_assert_max_num_queries(9):
            response = client.get(reverse("projects:list"), {"scope": "all"})
        assert response.status_code == 200
        assert len(response.context["page"]) == min(size, 25)


# --- the project page ----------------------------------------------------------------------


def filled_project(*, partners: int, departments: int, milestones: int, steps: int) -> Project:
    project = ProjectFactory()
    calendar = MeetingCalendarFactory()
    MeetingFactory.create_batch(3, calendar=calendar)
    for _ in range(partners):
        StakeholderInvolvementFactory(project=project)
    involved = [
        DepartmentInvolvementFactory(
            project=project, department=DepartmentFactory(with_head=True)
        ).department
        for _ in range(departments)
    ]
    for index in range(milestones):
        milestone = MilestoneFactory(project=project, date=dt.date(2027, 3 + index, 15))
        for step in range(steps):
            # A milestone needs procedures of involved departments (projects/services/projects.py).
            if not involved:
                involved.append(DepartmentInvolvementFactory(project=project).department)
            procedure = ProcedureFactory(
                department=involved[step % len(involved)],
                meeting_calendar=calendar if step % 2 else None,
            )
            ProcedureStepFactory(milestone=milestone, procedure=procedure)
    FrictionPointFactory(project=project)
    return project


class TestProjectDetail:
    @time_machine.travel(MONDAY, tick=False)
    def test_it_shows_the_project_with_purpose_first(self, client):
        head = DepartmentHeadFactory(first_name="Ans", last_name="Hoofd")
        project = ProjectFactory(
            title="Wijkpark",
            purpose="Een park dat de buurt zelf beheert.",
            portfolio_holder="Wethouder Park",
        )
        DepartmentInvolvementFactory(
            project=project,
            department=DepartmentFactory(name="Groen", head=head),
            role=DepartmentInvolvement.Role.LEAD,
        )
        StakeholderInvolvementFactory(
            project=project, stakeholder=StakeholderFactory(name="Buurtvereniging"), influence=2
        )
        client.force_login(project.leader)
        response = client.get(project.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert html.index("Een park dat de buurt zelf beheert.") < html.index("partijen-heading")
        assert "Wethouder Park" in html
        assert "Ans Hoofd" in html and "Trekker" in html
        assert "Buurtvereniging" in html
        assert f'href="/projects/{project.pk}/edit/"' in html

    def test_the_power_interest_grid_is_an_accessible_picture_with_a_table(self, client):
        project = ProjectFactory()
        StakeholderInvolvementFactory(
            project=project,
            stakeholder=StakeholderFactory(name="Financier BV"),
            influence=5,
            interest=1,
        )
        StakeholderInvolvementFactory(
            project=project,
            stakeholder=StakeholderFactory(name="Bewoners"),
            influence=1,
            interest=5,
        )
        client.force_login(project.leader)
        html = client.get(project.get_absolute_url()).content.decode()
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        for label in ("Tevreden houden", "Nauw betrekken", "Monitoren", "Informeren"):
            assert label in svg
        assert "Financier BV" in svg and "Bewoners" in svg
        assert "style=" not in svg
        # SVG needs a decimal point, never the Dutch comma.
        assert not re.search(r'(?:x|y|cx|cy)="\d+,\d', svg)
        table = html[html.index("</svg>") :]
        assert 'scope="col"' in table and ">Invloed</th>" in table
        assert "Financier BV" in table

    def test_influence_is_up_and_interest_is_right(self, client):
        project = ProjectFactory()
        StakeholderInvolvementFactory(project=project, influence=5, interest=5)
        StakeholderInvolvementFactory(project=project, influence=1, interest=1)
        client.force_login(project.leader)
        grid = client.get(project.get_absolute_url()).context["grid"]
        high, low = sorted(grid.points, key=lambda p: -p.involvement.influence)
        assert high.y < low.y  # SVG y grows downwards
        assert high.x > low.x

    @time_machine.travel(MONDAY, tick=False)
    def test_the_timeline_shows_latest_starts_slack_and_late_steps_in_words(self, client):
        project = ProjectFactory()
        milestone = MilestoneFactory(
            project=project, title="Ondertekening", date=dt.date(2027, 3, 15)
        )
        # 10 working days before Monday 15 March is Monday 1 March: start today.
        ProcedureStepFactory(
            milestone=milestone,
            procedure=ProcedureFactory(name="Juridische toets", lead_time_days=10),
        )
        late = ProcedureStepFactory(
            milestone=milestone, procedure=ProcedureFactory(name="Aanbesteding", lead_time_days=15)
        )
        ProcedureStepFactory(
            milestone=milestone, procedure=ProcedureFactory(name="Communicatie"), done=True
        )
        client.force_login(project.leader)
        response = client.get(project.get_absolute_url())
        html = response.content.decode()
        plans = {p.step.procedure.name: p for p in response.context["schedule"][0].steps}
        assert plans["Juridische toets"].latest_start == dt.date(2027, 3, 1)
        assert plans["Juridische toets"].slack_days == 0
        assert plans["Aanbesteding"].latest_start == dt.date(2027, 2, 22)
        assert plans["Aanbesteding"].is_late and plans["Aanbesteding"].late_days == 5
        assert plans["Communicatie"].latest_start is None
        assert "Vandaag starten" in html
        assert "Te laat: 5 werkdagen na de uiterste start" in html
        assert f'id="step-{late.pk}"' in html

    @time_machine.travel(MONDAY, tick=False)
    def test_a_meeting_bound_procedure_shows_the_meeting_it_needs(self, client):
        project = ProjectFactory()
        calendar = MeetingCalendarFactory(name="Collegevergadering")
        MeetingFactory(
            calendar=calendar, date=dt.date(2027, 4, 6), agenda_deadline=dt.date(2027, 3, 23)
        )
        MeetingFactory(
            calendar=calendar, date=dt.date(2027, 5, 4), agenda_deadline=dt.date(2027, 4, 20)
        )
        milestone = MilestoneFactory(project=project, date=dt.date(2027, 4, 30))
        ProcedureStepFactory(
            milestone=milestone,
            procedure=ProcedureFactory(
                name="Collegebesluit", lead_time_days=5, meeting_calendar=calendar
            ),
        )
        lonely = MilestoneFactory(project=project, date=dt.date(2027, 3, 20))
        ProcedureStepFactory(
            milestone=lonely,
            procedure=ProcedureFactory(name="Raadsbesluit", meeting_calendar=calendar),
        )
        client.force_login(project.leader)
        response = client.get(project.get_absolute_url())
        by_name = {
            plan.step.procedure.name: plan
            for entry in response.context["schedule"]
            for plan in entry.steps
        }
        college = by_name["Collegebesluit"]
        assert college.meeting.date == dt.date(2027, 4, 6)
        assert college.latest_start == dt.date(2027, 3, 16)  # 5 working days before 23 March
        assert by_name["Raadsbesluit"].no_meeting and by_name["Raadsbesluit"].is_late
        html = response.content.decode()
        assert "Collegevergadering, <time" in html
        assert "Geen vergadering vóór de mijlpaal" in html

    def test_it_includes_the_friction_log(self, client):
        project = ProjectFactory()
        FrictionPointFactory(project=project, title="Het college vergadert te laat")
        client.force_login(project.leader)
        html = client.get(project.get_absolute_url()).content.decode()
        assert "Het college vergadert te laat" in html
        assert 'id="knelpunten"' in html

    def test_headings_are_in_order(self, client):
        project = filled_project(partners=1, departments=1, milestones=1, steps=1)
        client.force_login(project.leader)
        html = client.get(project.get_absolute_url()).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))

    def test_a_reader_gets_no_edit_controls(self, client):
        project = filled_project(partners=0, departments=0, milestones=1, steps=1)
        client.force_login(LeaderFactory())
        html = client.get(project.get_absolute_url()).content.decode()
        assert "/edit/" not in html
        assert "/status/" not in html

    @pytest.mark.parametrize("size", [1, 6])
    def test_its_query_count_does_not_grow(self, client, django_assert_max_num_queries, size):
        project = filled_project(partners=size, departments=size, milestones=size, steps=size)
        FrictionPointFactory.create_batch(size, project=project)
        for involvement in project.stakeholder_involvements.all():
            contact = ContactFactory(stakeholder=involvement.stakeholder)
            interaction = InteractionFactory(
                project=project, stakeholder=involvement.stakeholder, contacts=[contact]
            )
            FollowUpFactory(interaction=interaction)
            AgreementFactory(project=project, stakeholder=involvement.stakeholder)
        client.force_login(project.leader)
        client.get(project.get_absolute_url())  # the organisation's option lists get cached
        # 9 for the page (session, user, Beheerder check, project and 4 prefetches, meetings
        # for the schedule), 3 for the friction log it includes and 3 for the partners'
        # sections (contact moments with participants and follow-ups, agreements, the
        # contact persons for the form).
        with django_assert_max_num_queries(15):
            response = client.get(project.get_absolute_url())
        assert response.status_code == 200
        assert len(response.context["schedule"]) == size


# --- create --------------------------------------------------------------------------------


class TestProjectCreate:
    def test_the_form_asks_for_the_purpose_first(self, client):
        client.force_login(LeaderFactory())
        html = client.get(reverse("projects:create")).content.decode()
        assert html.index("Wat is de bedoeling?") < html.index('for="id_title"')
        assert 'name="leader"' not in html  # a Projectleider leads what they start
        assert "Select an option" not in html
        assert "Kies een afdeling" in html and "Kies een externe partij" in html

    def test_only_bureauhoofden_can_be_chosen_as_commissioner(self, client):
        commissioner = CommissionerFactory(first_name="Bea", last_name="Bureau")
        LeaderFactory(first_name="Piet", last_name="Leider")
        client.force_login(LeaderFactory())
        form = client.get(reverse("projects:create")).context["form"]
        assert list(form.fields["commissioner"].queryset) == [commissioner]

    def test_a_leader_creates_a_project_with_department_partner_and_milestone(
        self, client, django_capture_on_commit_callbacks
    ):
        leader = LeaderFactory()
        commissioner = CommissionerFactory()
        department = DepartmentFactory()
        stakeholder = StakeholderFactory()
        procedures = ProcedureFactory.create_batch(2, department=department)
        client.force_login(leader)
        data = full_create_data(
            commissioner=commissioner,
            department=department,
            stakeholder=stakeholder,
            procedures=procedures,
        )
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("projects:create"), data)
        project = Project.objects.get()
        assert response.status_code == 302
        assert response.url == project.get_absolute_url()
        assert project.leader == leader
        assert project.commissioner == commissioner
        assert project.purpose == "Samen met de wijk een groen schoolplein maken."
        assert project.department_involvements.get().department == department
        partner = project.stakeholder_involvements.get()
        assert (partner.stakeholder, partner.influence, partner.interest) == (stakeholder, 5, 2)
        milestone = project.milestones.get()
        assert milestone.date == dt.date(2027, 6, 1)
        assert {s.procedure for s in milestone.steps.all()} == set(procedures)
        assert len(callbacks) == 1  # the rescan, after the commit

    def test_a_commissioner_picks_the_leader(self, client):
        commissioner = CommissionerFactory()
        leader = LeaderFactory()
        client.force_login(commissioner)
        page = client.get(reverse("projects:create"))
        assert page.context["form"].initial["commissioner"] == commissioner.pk
        response = client.post(
            reverse("projects:create"), project_data(commissioner=commissioner, leader=leader)
        )
        assert response.status_code == 302
        assert Project.objects.get().leader == leader

    def test_a_commissioner_must_name_a_projectleider(self, client):
        commissioner = CommissionerFactory()
        client.force_login(commissioner)
        response = client.post(
            reverse("projects:create"),
            project_data(commissioner=commissioner, leader=UserFactory()),
        )
        assert response.status_code == 200
        assert "projectleider" in error_beside(response.content.decode(), "id_leader")
        assert not Project.objects.exists()

    def test_a_department_head_may_not_create(self, client):
        client.force_login(DepartmentHeadFactory())
        assert client.get(reverse("projects:create")).status_code == 403
        response = client.post(
            reverse("projects:create"), project_data(commissioner=CommissionerFactory())
        )
        assert response.status_code == 403
        assert not Project.objects.exists()

    def test_adding_a_row_without_javascript_saves_nothing(self, client):
        client.force_login(LeaderFactory())
        data = project_data(commissioner=CommissionerFactory(), add_row="milestones")
        data.update(management("milestones", total=1))
        response = client.post(reverse("projects:create"), data)
        assert response.status_code == 200
        assert len(response.context["milestones"].forms) == 2
        assert not Project.objects.exists()
        assert "Groen schoolplein" in response.content.decode()


class TestBadInput:
    """Every mistake is named beside its field, nothing is saved, typed values stay."""

    def post(self, client, data):
        response = client.post(reverse("projects:create"), data)
        assert response.status_code == 200
        assert not Project.objects.exists()
        assert not Milestone.objects.exists()
        return response.content.decode()

    def test_an_empty_purpose(self, client):
        client.force_login(LeaderFactory())
        html = self.post(client, project_data(commissioner=CommissionerFactory(), purpose=""))
        assert "Beschrijf de bedoeling" in error_beside(html, "id_purpose")
        assert 'value="Groen schoolplein"' in html

    def test_a_commissioner_who_is_not_a_bureauhoofd(self, client):
        client.force_login(LeaderFactory())
        html = self.post(client, project_data(commissioner=LeaderFactory()))
        assert "geen bureauhoofd" in error_beside(html, "id_commissioner")
        assert "Samen met de wijk een groen schoolplein maken." in html

    def test_an_influence_of_nine(self, client):
        client.force_login(LeaderFactory())
        data = project_data(commissioner=CommissionerFactory())
        data.update(management("partners", total=1))
        stakeholder = StakeholderFactory()
        data.update(
            {
                "partners-0-stakeholder": stakeholder.pk,
                "partners-0-role": "partner",
                "partners-0-influence": "9",
                "partners-0-interest": "3",
            }
        )
        html = self.post(client, data)
        assert "1 tot en met 5" in error_beside(html, "id_partners-0-influence")
        assert 'name="partners-0-influence" value="9"' in html
        assert not StakeholderInvolvement.objects.exists()

    def test_a_milestone_without_date(self, client):
        client.force_login(LeaderFactory())
        data = project_data(commissioner=CommissionerFactory())
        data.update(management("milestones", total=1))
        data.update({"milestones-0-title": "Start bouw", "milestones-0-kind": "start_werk"})
        html = self.post(client, data)
        assert "datum" in error_beside(html, "id_milestones-0-date")
        assert 'value="Start bouw"' in html

    def test_a_duplicate_department(self, client):
        client.force_login(LeaderFactory())
        department = DepartmentFactory()
        data = project_data(commissioner=CommissionerFactory())
        data.update(management("departments", total=2))
        for index in (0, 1):
            data[f"departments-{index}-department"] = department.pk
            data[f"departments-{index}-role"] = "uitvoerend"
        html = self.post(client, data)
        assert "staat er al bij" in error_beside(html, "id_departments-1-department")
        assert not DepartmentInvolvement.objects.exists()

    def test_a_partner_without_a_party(self, client):
        client.force_login(LeaderFactory())
        data = project_data(commissioner=CommissionerFactory())
        data.update(management("partners", total=1))
        data.update(
            {"partners-0-role": "partner", "partners-0-influence": "4", "partners-0-interest": "3"}
        )
        html = self.post(client, data)
        assert "Kies een externe partij" in error_beside(html, "id_partners-0-stakeholder")

    def test_a_procedure_that_does_not_exist(self, client):
        client.force_login(LeaderFactory())
        data = project_data(commissioner=CommissionerFactory())
        data.update(management("milestones", total=1))
        data.update(
            {
                "milestones-0-title": "Start",
                "milestones-0-kind": "overig",
                "milestones-0-date": "2027-05-01",
                "milestones-0-procedures": ["999999"],
            }
        )
        html = self.post(client, data)
        assert "geldige keuze" in html


# --- edit ----------------------------------------------------------------------------------


class TestProjectEdit:
    def test_the_form_shows_the_project(self, client):
        project = filled_project(partners=2, departments=2, milestones=2, steps=2)
        client.force_login(project.leader)
        response = client.get(reverse("projects:edit", args=[project.pk]))
        assert response.status_code == 200
        assert len(response.context["milestones"].forms) == 3  # two and one blank
        milestone_form = response.context["milestones"].forms[0]
        assert set(milestone_form.fields["procedures"].initial) == {
            s.procedure_id for s in milestone_form.instance.steps.all()
        }

    def test_editing_keeps_rows_that_were_not_posted(self, client):
        project = filled_project(partners=1, departments=1, milestones=1, steps=1)
        client.force_login(project.leader)
        response = client.post(
            reverse("projects:edit", args=[project.pk]),
            project_data(commissioner=project.commissioner, title="Nieuwe titel", version=1),
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.title == "Nieuwe titel"
        assert project.version == 2
        assert project.department_involvements.count() == 1
        assert project.stakeholder_involvements.count() == 1
        assert project.milestones.get().steps.count() == 1

    def test_it_moves_a_milestone_and_changes_its_procedures_keeping_step_statuses(
        self, client, django_capture_on_commit_callbacks
    ):
        project = ProjectFactory()
        milestone = MilestoneFactory(project=project, date=dt.date(2027, 5, 1))
        kept = ProcedureStepFactory(milestone=milestone, status=ProcedureStep.Status.IN_PROGRESS)
        dropped = ProcedureStepFactory(milestone=milestone)
        added = ProcedureFactory()
        client.force_login(project.commissioner)
        data = project_data(commissioner=project.commissioner, leader=project.leader, version=1)
        data.update(management("milestones", total=1, initial=1))
        data.update(
            {
                "milestones-0-id": milestone.pk,
                "milestones-0-project": project.pk,
                "milestones-0-title": milestone.title,
                "milestones-0-kind": milestone.kind,
                "milestones-0-date": "2027-07-01",
                "milestones-0-procedures": [str(kept.procedure_id), str(added.pk)],
            }
        )
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("projects:edit", args=[project.pk]), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        milestone.refresh_from_db()
        assert milestone.date == dt.date(2027, 7, 1)
        steps = {s.procedure_id: s for s in milestone.steps.all()}
        assert set(steps) == {kept.procedure_id, added.pk}
        assert steps[kept.procedure_id].status == ProcedureStep.Status.IN_PROGRESS
        assert not ProcedureStep.objects.filter(pk=dropped.pk).exists()
        assert len(callbacks) == 1

    def test_it_deletes_a_row_only_when_marked(self, client):
        project = ProjectFactory()
        involvement = DepartmentInvolvementFactory(project=project)
        client.force_login(project.leader)
        data = project_data(commissioner=project.commissioner, version=1)
        data.update(management("departments", total=1, initial=1))
        data.update(
            {
                "departments-0-id": involvement.pk,
                "departments-0-department": involvement.department_id,
                "departments-0-role": involvement.role,
                "departments-0-DELETE": "on",
            }
        )
        response = client.post(reverse("projects:edit", args=[project.pk]), data)
        assert response.status_code == 302
        assert not project.department_involvements.exists()

    def test_a_stale_form_does_not_overwrite_a_newer_change(self, client):
        project = ProjectFactory(title="Oud")
        Project.objects.filter(pk=project.pk).update(version=5)
        client.force_login(project.leader)
        response = client.post(
            reverse("projects:edit", args=[project.pk]),
            project_data(commissioner=project.commissioner, title="Nieuw", version=4),
        )
        assert response.status_code == 200
        assert "intussen gewijzigd" in response.content.decode()
        project.refresh_from_db()
        assert project.title == "Oud"

    def test_a_leader_cannot_hand_the_project_to_someone_else(self, client):
        project = ProjectFactory()
        client.force_login(project.leader)
        other = LeaderFactory()
        response = client.post(
            reverse("projects:edit", args=[project.pk]),
            project_data(commissioner=project.commissioner, leader=other, version=1),
        )
        # The leader field is not on a Projectleider's form: the value is ignored.
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.leader != other

    def test_a_head_of_an_involved_department_may_not_edit(self, client):
        project = ProjectFactory(title="Oud")
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
        client.force_login(head)
        response = client.post(
            reverse("projects:edit", args=[project.pk]),
            project_data(commissioner=project.commissioner, title="Nieuw"),
        )
        assert response.status_code == 403
        project.refresh_from_db()
        assert project.title == "Oud"

    def test_an_unknown_project_is_404(self, client):
        client.force_login(AdministratorFactory())
        assert client.get(reverse("projects:edit", args=[999999])).status_code == 404


# --- step status ---------------------------------------------------------------------------


class TestStepStatus:
    @time_machine.travel(MONDAY, tick=False)
    def test_done_records_today_and_rescans(self, client, django_capture_on_commit_callbacks):
        step = ProcedureStepFactory()
        project = step.milestone.project
        client.force_login(project.leader)
        url = reverse("projects:step_status", args=[project.pk, step.pk])
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(url, {"status": "klaar"})
        assert response.status_code == 302
        assert response.url == f"{project.get_absolute_url()}#step-{step.pk}"
        step.refresh_from_db()
        assert step.status == "klaar"
        assert step.done_on == dt.date(2027, 3, 1)
        assert len(callbacks) == 1

    def test_reopening_clears_the_done_date(self, client):
        step = ProcedureStepFactory(done=True)
        project = step.milestone.project
        client.force_login(project.commissioner)
        client.post(
            reverse("projects:step_status", args=[project.pk, step.pk]), {"status": "loopt"}
        )
        step.refresh_from_db()
        assert (step.status, step.done_on) == ("loopt", None)

    def test_htmx_gets_the_row_back(self, client):
        step = ProcedureStepFactory()
        project = step.milestone.project
        client.force_login(project.leader)
        response = client.post(
            reverse("projects:step_status", args=[project.pk, step.pk]),
            {"status": "niet_nodig"},
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert html.lstrip().startswith(f'<tr id="step-{step.pk}"')
        assert '<option value="niet_nodig" selected>' in html
        assert "Opgeslagen" in html

    def test_an_unknown_status_changes_nothing(self, client):
        step = ProcedureStepFactory()
        project = step.milestone.project
        client.force_login(project.leader)
        response = client.post(
            reverse("projects:step_status", args=[project.pk, step.pk]),
            {"status": "weg"},
            headers={"HX-Request": "true"},
        )
        assert "Kies een van de statussen" in response.content.decode()
        step.refresh_from_db()
        assert step.status == "todo"

    def test_a_step_of_another_project_is_404(self, client):
        project = ProjectFactory()
        foreign = ProcedureStepFactory()
        client.force_login(project.leader)
        response = client.post(
            reverse("projects:step_status", args=[project.pk, foreign.pk]), {"status": "klaar"}
        )
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.status == "todo"
