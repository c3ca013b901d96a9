"""Two editors at once: a form opened before someone else saved never overwrites that
change. The stale form comes back with a message on top, the person's own text kept and
the saved values beside it; nothing is written."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from projects.models import FrictionPoint, FrictionUpdate, Project
from projects.services.conflicts import EditConflict
from projects.services.friction import (
    friction_point_change_status,
    friction_point_close,
    friction_point_comment,
    friction_point_edit,
)
from projects.services.projects import project_update
from tests.factories import (
    AdministratorFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProcedureFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def hidden_version(html: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', html) or re.search(
        r'value="(\d+)" name="version"', html
    )
    assert match, "no version field in the form"
    return int(match.group(1))


@pytest.fixture
def department():
    return DepartmentFactory(name="Juridische Zaken", head=DepartmentHeadFactory())


@pytest.fixture
def project(department):
    project = ProjectFactory(title="Wijkpark")
    DepartmentInvolvementFactory(project=project, department=department)
    return project


@pytest.fixture
def point(project, department):
    return FrictionPointFactory(
        project=project,
        title="Collegebesluit te laat",
        description="Het college vergadert na de deadline.",
        departments=[department],
    )


@pytest.fixture
def colleague(project):
    """The other editor: the project's commissioner, with a name to recognise."""
    commissioner = project.commissioner
    commissioner.first_name, commissioner.last_name = "Fatima", "Bakker"
    commissioner.save()
    return commissioner


def edit_url(point: FrictionPoint) -> str:
    return reverse("projects:friction_edit", args=[point.project_id, point.pk])


def edit_data(point: FrictionPoint, *, version: int, **fields) -> dict:
    data = {
        "title": point.title,
        "departments": [str(d.pk) for d in point.departments.all()],
        "other_department": "",
        "procedure": str(point.procedure_id or ""),
        "severity": str(point.severity),
        "description": point.description,
        "category": point.category,
        "purpose_question": point.purpose_question,
        "version": str(version),
    }
    data.update(fields)
    return data


# --- "Knelpunt bewerken" -----------------------------------------------------------------------


class TestFrictionEdit:
    def test_the_form_shows_the_point_and_its_version(self, client, point):
        client.force_login(point.project.leader)
        response = client.get(edit_url(point))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Knelpunt bewerken" in html
        assert 'value="Collegebesluit te laat"' in html
        assert hidden_version(html) == point.version == 1

    def test_it_saves_and_keeps_the_earlier_text_on_the_timeline(self, client, point):
        client.force_login(point.project.leader)
        data = edit_data(point, version=1, title="Collegebesluit komt na de subsidiedeadline")
        response = client.post(edit_url(point), data)
        assert response.status_code == 302
        assert response["Location"] == point.get_absolute_url()
        point.refresh_from_db()
        assert point.title == "Collegebesluit komt na de subsidiedeadline"
        assert point.version == 2
        update = point.updates.get()
        assert update.author == point.project.leader
        assert "Eerder (titel): Collegebesluit te laat" in update.text

    def test_saving_without_changes_writes_nothing(self, client, point):
        client.force_login(point.project.leader)
        response = client.post(edit_url(point), edit_data(point, version=1), follow=True)
        assert "Er was niets gewijzigd" in response.content.decode()
        point.refresh_from_db()
        assert point.version == 1
        assert not point.updates.exists()

    def test_a_stale_form_keeps_the_text_shows_both_and_overwrites_nothing(
        self, client, point, colleague
    ):
        leader = point.project.leader
        client.force_login(leader)
        opened_at = hidden_version(client.get(edit_url(point)).content.decode())

        # Meanwhile the commissioner edits the same point.
        friction_point_edit(
            point=FrictionPoint.objects.get(pk=point.pk),
            editor=colleague,
            expected_version=opened_at,
            title="Besluit pas in juni",
            severity=point.severity,
            departments=list(point.departments.all()),
            description="Volgens de griffie pas in juni.",
        )

        typed = "Mijn eigen omschrijving, die ik niet kwijt wil."
        response = client.post(
            edit_url(point),
            edit_data(point, version=opened_at, title="Mijn titel", description=typed),
        )
        assert response.status_code == 200
        html = response.content.decode()
        # The message, on top and naming who changed it.
        assert "Fatima Bakker heeft dit knelpunt gewijzigd op" in html
        assert html.index("nadat je het opende") < html.index('name="title"')
        # The typed text stays in the fields; the saved values are beside it.
        assert 'value="Mijn titel"' in html
        assert typed in html
        assert "Wat nu is opgeslagen" in html
        assert "Besluit pas in juni" in html
        assert "Volgens de griffie pas in juni." in html
        # Nothing was overwritten.
        point.refresh_from_db()
        assert (point.title, point.description) == (
            "Besluit pas in juni",
            "Volgens de griffie pas in juni.",
        )
        assert point.updates.count() == 1
        # Having seen both, the person may save deliberately: the form carries the new version.
        assert hidden_version(html) == point.version == opened_at + 1
        again = client.post(
            edit_url(point),
            edit_data(point, version=hidden_version(html), title="Mijn titel", description=typed),
        )
        assert again.status_code == 302
        point.refresh_from_db()
        assert point.title == "Mijn titel"

    def test_a_comment_meanwhile_also_makes_the_form_stale(self, client, point, colleague):
        client.force_login(point.project.leader)
        friction_point_comment(point=point, author=colleague, text="Ik bel de griffie.")
        response = client.post(edit_url(point), edit_data(point, version=1, title="Nieuw"))
        assert response.status_code == 200
        assert "nadat je het opende" in response.content.decode()
        point.refresh_from_db()
        assert point.title == "Collegebesluit te laat"

    def test_the_service_refuses_a_stale_version_and_writes_nothing(self, point, colleague):
        friction_point_comment(point=point, author=colleague, text="Eerst dit.")
        with pytest.raises(EditConflict):
            friction_point_edit(
                point=point,
                editor=point.project.leader,
                expected_version=1,
                title="Anders",
                severity=1,
                departments=list(point.departments.all()),
            )
        point.refresh_from_db()
        assert (point.title, point.severity) == ("Collegebesluit te laat", 2)
        assert list(point.updates.values_list("kind", flat=True)) == [FrictionUpdate.Kind.COMMENT]

    def test_it_keeps_a_department_no_longer_involved_and_an_inactive_procedure(
        self, client, project
    ):
        old_department = DepartmentFactory(name="Oude afdeling")
        procedure = ProcedureFactory(name="Oude toets", is_active=False)
        point = FrictionPointFactory(
            project=project, departments=[old_department], procedure=procedure
        )
        client.force_login(project.leader)
        html = client.get(edit_url(point)).content.decode()
        assert "Oude afdeling" in html and "Oude toets" in html
        response = client.post(edit_url(point), edit_data(point, version=1, title="Nieuwe titel"))
        assert response.status_code == 302
        point.refresh_from_db()
        assert point.procedure == procedure
        assert list(point.departments.all()) == [old_department]

    def test_a_head_of_an_involved_department_may_edit(self, client, point, department):
        client.force_login(department.head)
        assert client.get(edit_url(point)).status_code == 200

    @pytest.mark.parametrize("persona", ["outsider", "anonymous"])
    def test_others_are_refused(self, client, point, persona):
        if persona == "outsider":
            client.force_login(LeaderFactory())
        response = client.post(edit_url(point), edit_data(point, version=1, title="Gekaapt"))
        assert response.status_code == (403 if persona == "outsider" else 302)
        point.refresh_from_db()
        assert point.title == "Collegebesluit te laat"

    def test_an_automatic_flag_is_kept_up_to_date_by_the_engine(self, client, project):
        flag = FrictionPointFactory(project=project, automatic=True, procedure=ProcedureFactory())
        client.force_login(AdministratorFactory())
        assert client.get(edit_url(flag)).status_code == 403

    def test_other_methods_are_refused(self, client, point):
        client.force_login(point.project.leader)
        assert client.put(edit_url(point)).status_code == 405

    def test_the_point_page_links_to_it(self, client, point):
        client.force_login(point.project.leader)
        assert edit_url(point) in client.get(point.get_absolute_url()).content.decode()


# --- the project edit page ---------------------------------------------------------------------


def project_data(project: Project, *, version: int, **fields) -> dict:
    data = {
        "purpose": project.purpose,
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "commissioner": str(project.commissioner_id),
        "portfolio_holder": project.portfolio_holder,
        "version": str(version),
    }
    for prefix in ("departments", "partners", "milestones"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(fields)
    return data


class TestProjectEdit:
    def test_a_stale_form_keeps_the_text_shows_both_and_overwrites_nothing(self, client, project):
        url = reverse("projects:edit", args=[project.pk])
        client.force_login(project.leader)
        opened_at = hidden_version(client.get(url).content.decode())

        project_update(
            project=Project.objects.get(pk=project.pk),
            editor=project.commissioner,
            expected_version=opened_at,
            title="Wijkpark Noord",
            purpose="Een park dat de buurt zelf beheert.",
            commissioner=project.commissioner,
            status=project.status,
        )

        typed = "Samen met de bewoners een park ontwerpen en onderhouden."
        response = client.post(url, project_data(project, version=opened_at, purpose=typed))
        assert response.status_code == 200
        html = response.content.decode()
        assert "intussen gewijzigd" in html
        assert html.index("intussen gewijzigd") < html.index('name="purpose"')
        assert typed in html
        assert "Wat nu is opgeslagen" in html
        assert "Wijkpark Noord" in html
        assert "Een park dat de buurt zelf beheert." in html
        project.refresh_from_db()
        assert (project.title, project.purpose) == (
            "Wijkpark Noord",
            "Een park dat de buurt zelf beheert.",
        )
        assert hidden_version(html) == project.version == opened_at + 1

        again = client.post(url, project_data(project, version=hidden_version(html), purpose=typed))
        assert again.status_code == 302
        project.refresh_from_db()
        assert project.purpose == typed


# --- status change and closing -----------------------------------------------------------------


class TestStatusAndClose:
    def test_a_stale_close_keeps_approach_and_lesson_and_closes_nothing(
        self, client, point, colleague
    ):
        client.force_login(point.project.leader)
        opened_at = hidden_version(client.get(point.get_absolute_url()).content.decode())
        friction_point_change_status(
            point=point, author=colleague, status=FrictionPoint.Status.IN_PROGRESS
        )

        lesson = "Eerder met de griffie om tafel, dan past het wel."
        url = reverse("projects:friction_close", args=[point.project_id, point.pk])
        data = {"approach": "anders_organiseren", "lesson_learned": lesson, "version": opened_at}
        response = client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Fatima Bakker heeft dit knelpunt gewijzigd op" in html
        assert lesson in html
        assert re.search(r'<option value="anders_organiseren"\s+selected', html)
        assert "Status: In behandeling" in html  # the point as it is now
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.IN_PROGRESS
        assert not point.lesson_learned
        # The form now carries the current version: closing again, deliberately, works.
        data["version"] = hidden_version(html.split('id="close-form"')[1])
        assert data["version"] == point.version
        assert client.post(url, data).status_code == 302
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.CLOSED

    def test_with_htmx_the_stale_close_comes_back_inline(self, client, point, colleague):
        client.force_login(point.project.leader)
        friction_point_comment(point=point, author=colleague, text="Even wachten.")
        url = reverse("projects:friction_close", args=[point.project_id, point.pk])
        data = {"approach": "koesteren", "lesson_learned": "Geduld loont.", "version": 1}
        response = client.post(url, data, **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html
        assert "nadat je het opende" in html
        assert "Geduld loont." in html
        point.refresh_from_db()
        assert point.is_open

    def test_a_stale_status_change_is_refused_with_a_message(self, client, point, colleague):
        client.force_login(point.project.leader)
        friction_point_comment(point=point, author=colleague, text="Ik pak het op.")
        url = reverse("projects:friction_status", args=[point.project_id, point.pk])
        response = client.post(url, {"status": "in_behandeling", "version": 1})
        assert response.status_code == 200
        assert "nadat je het opende" in response.content.decode()
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN

    def test_the_current_version_goes_through(self, client, point):
        client.force_login(point.project.leader)
        url = reverse("projects:friction_status", args=[point.project_id, point.pk])
        response = client.post(url, {"status": "in_behandeling", "version": point.version})
        assert response.status_code == 302
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.IN_PROGRESS

    def test_the_services_refuse_a_stale_version(self, point, colleague):
        friction_point_comment(point=point, author=colleague, text="Eerst dit.")
        with pytest.raises(EditConflict):
            friction_point_change_status(
                point=point, author=colleague, status="in_behandeling", expected_version=1
            )
        with pytest.raises(EditConflict):
            friction_point_close(
                point=point,
                author=colleague,
                approach="koesteren",
                lesson_learned="Les",
                expected_version=1,
            )
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN
        assert point.updates.count() == 1
