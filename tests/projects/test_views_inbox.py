"""The department inbox: whose friction it shows, thinking along, proposals, a
procedure's purpose, confidentiality and the query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import FrictionPoint, FrictionUpdate
from tests.factories import (
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    ProcedureFactory,
    ProjectFactory,
)
from tests.projects.test_views_dashboard import HTMX, World, aged, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"
Severity = FrictionPoint.Severity


def think_url(point: FrictionPoint) -> str:
    return reverse("projects:think_along", args=[point.project_id, point.pk])


def purpose_url(procedure) -> str:
    return reverse("projects:procedure_purpose", args=[procedure.pk])


def listed(response) -> list[int]:
    return [p.pk for p in response.context["page"].object_list]


# --- who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 200),
        ("commissioner", 403),
        ("other_commissioner", 403),
        ("leader", 403),
        ("outsider", 403),
        ("admin", 403),
    ],
)
def test_it_is_the_department_heads_inbox(client, world, persona, status):
    client.force_login(world.user(persona))
    assert client.get(INBOX).status_code == status


def test_anonymous_visitors_log_in_first(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_post(client, world):
    client.force_login(world.head)
    assert client.post(INBOX).status_code == 405


# --- what it shows ---------------------------------------------------------------------------


def test_it_shows_friction_naming_the_department_or_about_its_procedures(client, world):
    named = FrictionPointFactory(project=world.own, departments=[world.department])
    by_procedure = FrictionPointFactory(project=world.other, procedure=world.procedure)
    both = FrictionPointFactory(
        project=world.own, departments=[world.department], procedure=world.procedure
    )
    FrictionPointFactory(project=world.own, departments=[DepartmentFactory()])
    FrictionPointFactory(project=world.other)
    client.force_login(world.head)
    response = client.get(INBOX)
    assert sorted(listed(response)) == sorted([named.pk, by_procedure.pk, both.pk])
    assert response.context["counts"] == {"total": 3, "open": 3}


def test_open_points_come_first_then_the_most_severe_and_oldest(client, world):
    def mine(**fields):
        return FrictionPointFactory(project=world.own, departments=[world.department], **fields)

    closed_blocking = mine(severity=Severity.BLOCKING, closed=True)
    low = mine(severity=Severity.LOW)
    young_high = aged(mine(severity=Severity.HIGH), 1)
    old_high = aged(mine(severity=Severity.HIGH), 20)
    client.force_login(world.head)
    response = client.get(INBOX)
    assert listed(response) == [old_high.pk, young_high.pk, low.pk, closed_blocking.pk]
    assert response.context["counts"] == {"total": 4, "open": 3}
    assert listed(client.get(INBOX, {"status": "open"})) == [old_high.pk, young_high.pk, low.pk]
    assert listed(client.get(INBOX, {"status": "afgesloten"})) == [closed_blocking.pk]


def test_a_confidential_project_shows_only_when_the_department_is_involved(client, world):
    involved = FrictionPointFactory(project=world.own_secret, departments=[world.department])
    hidden = FrictionPointFactory(project=world.other_secret, departments=[world.department])
    hidden_by_procedure = FrictionPointFactory(
        project=world.other_secret, procedure=world.procedure
    )
    client.force_login(world.head)
    response = client.get(INBOX)
    assert listed(response) == [involved.pk]
    html = response.content.decode()
    assert "Geheime Aankoop" not in html
    assert hidden.title not in html and hidden_by_procedure.title not in html


def test_it_can_narrow_to_one_of_the_heads_departments(client, world):
    second = DepartmentFactory(head=world.head, name="Vergunningen")
    first_point = FrictionPointFactory(project=world.own, departments=[world.department])
    second_point = FrictionPointFactory(project=world.own, departments=[second])
    client.force_login(world.head)
    response = client.get(INBOX, {"department": second.pk})
    assert listed(response) == [second_point.pk]
    choices = list(response.context["filter"].form.fields["department"].queryset)
    assert choices == [world.department, second]
    assert first_point.pk in listed(client.get(INBOX))


def test_it_lists_the_procedures_of_the_department_with_open_friction(client, world):
    FrictionPointFactory(project=world.own, procedure=world.procedure)
    FrictionPointFactory(project=world.own, procedure=world.procedure, closed=True)
    FrictionPointFactory(project=world.other_secret, procedure=world.procedure)  # not visible
    ProcedureFactory(department=DepartmentFactory())
    client.force_login(world.head)
    procedures = client.get(INBOX).context["procedures"]
    assert [(p.pk, p.open_friction) for p in procedures] == [(world.procedure.pk, 1)]


def test_the_page_shows_the_purpose_question_and_the_procedure_purpose(client, world):
    world.procedure.purpose = "Zorgvuldig en rechtmatig besluiten."
    world.procedure.save()
    FrictionPointFactory(
        project=world.own,
        procedure=world.procedure,
        purpose_question="Moet de toets echt vóór de subsidieaanvraag?",
    )
    client.force_login(world.head)
    html = client.get(INBOX).content.decode()
    assert "Moet de toets echt vóór de subsidieaanvraag?" in html
    assert "Zorgvuldig en rechtmatig besluiten." in html
    assert 'name="proposal" value="koesteren"' in html


# --- thinking along ---------------------------------------------------------------------------


class TestThinkAlong:
    def test_the_head_thinks_along_inline(self, client, world):
        point = FrictionPointFactory(project=world.own, departments=[world.department])
        client.force_login(world.head)
        response = client.post(
            think_url(point), {"text": "Kan de toets parallel?", "proposal": ""}, **HTMX
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith(f'<li id="inbox-{point.pk}"')
        assert "Je reactie staat op de tijdlijn" in html
        update = FrictionUpdate.objects.get(friction_point=point)
        assert (update.kind, update.text, update.author) == (
            "reactie",
            "Kan de toets parallel?",
            world.head,
        )

    def test_a_proposal_is_recorded_and_the_point_stays_open(self, client, world):
        point = FrictionPointFactory(project=world.other, procedure=world.procedure)
        client.force_login(world.head)
        response = client.post(
            think_url(point), {"text": "Deze toets beschermt ons.", "proposal": "koesteren"}
        )
        assert response.status_code == 302
        assert response.url == f"/inbox/#inbox-{point.pk}"
        update = FrictionUpdate.objects.get(friction_point=point)
        assert update.text.startswith("Voorstel: Bestaande werkwijze koesteren.")
        point.refresh_from_db()
        assert point.status == FrictionPoint.Status.OPEN

    def test_errors_come_back_beside_the_field(self, client, world):
        point = FrictionPointFactory(project=world.own, departments=[world.department])
        client.force_login(world.head)
        response = client.post(think_url(point), {"text": "", "proposal": "onorthodox"}, **HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dit veld is verplicht" in html
        assert "Selecteer een geldige keuze" in html
        page = client.post(think_url(point), {"text": ""})
        assert page.status_code == 200
        assert "<html" in page.content.decode()
        assert not FrictionUpdate.objects.exists()

    def test_another_head_may_not(self, client, world):
        point = FrictionPointFactory(project=world.own, departments=[world.department])
        client.force_login(DepartmentHeadFactory())
        assert client.post(think_url(point), {"text": "Ik?"}).status_code == 403
        assert not FrictionUpdate.objects.exists()

    def test_an_invisible_project_does_not_exist(self, client, world):
        point = FrictionPointFactory(project=world.other_secret, procedure=world.procedure)
        client.force_login(world.head)
        assert client.post(think_url(point), {"text": "Hallo"}).status_code == 404
        assert not FrictionUpdate.objects.exists()

    def test_it_refuses_get(self, client, world):
        point = FrictionPointFactory(project=world.own, departments=[world.department])
        client.force_login(world.head)
        assert client.get(think_url(point)).status_code == 405


# --- a procedure's purpose ------------------------------------------------------------------------


class TestProcedurePurpose:
    def test_the_head_records_it_inline(self, client, world):
        client.force_login(world.head)
        response = client.post(
            purpose_url(world.procedure), {"purpose": "Rechtmatig en zorgvuldig."}, **HTMX
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith(f'<tr id="procedure-{world.procedure.pk}"')
        assert "is opgeslagen" in html
        world.procedure.refresh_from_db()
        assert world.procedure.purpose == "Rechtmatig en zorgvuldig."

    def test_without_javascript_it_returns_to_the_inbox(self, client, world):
        client.force_login(world.head)
        response = client.post(purpose_url(world.procedure), {"purpose": "Zorgvuldig."})
        assert response.status_code == 302
        assert response.url == f"/inbox/#procedure-{world.procedure.pk}"
        world.procedure.refresh_from_db()
        assert world.procedure.purpose == "Zorgvuldig."

    def test_another_departments_procedure_is_not_theirs(self, client, world):
        other = ProcedureFactory(department=DepartmentFactory(head=DepartmentHeadFactory()))
        client.force_login(world.head)
        assert client.post(purpose_url(other), {"purpose": "Nee"}).status_code == 403
        other.refresh_from_db()
        assert other.purpose == ""

    @pytest.mark.parametrize("persona", ["leader", "commissioner"])
    def test_others_may_not(self, client, world, persona):
        before = world.procedure.purpose
        client.force_login(world.user(persona))
        assert client.post(purpose_url(world.procedure), {"purpose": "X"}).status_code == 403
        world.procedure.refresh_from_db()
        assert world.procedure.purpose == before

    def test_it_refuses_get(self, client, world):
        client.force_login(world.head)
        assert client.get(purpose_url(world.procedure)).status_code == 405


# --- query count --------------------------------------------------------------------------------


def fill(world: World, size: int) -> None:
    for n in range(size):
        project = ProjectFactory(confidential=n % 4 == 0)
        DepartmentInvolvementFactory(project=project, department=world.department)
        FrictionPointFactory(project=project, departments=[world.department, DepartmentFactory()])
        FrictionPointFactory(project=project, procedure=world.procedure, closed=True)
        ProcedureFactory(department=world.department)


# session, user, roles, the ordered ids, the page's cards, their departments, the
# procedures, the department choices.
INBOX_QUERIES = 8


@pytest.mark.parametrize("size", [2, 25])
def test_its_query_count_does_not_grow(client, world, size, django_assert_max_num_queries):
    fill(world, size)
    client.force_login(world.head)
    with django_assert_max_num_queries(INBOX_QUERIES):
        response = client.get(INBOX)
    assert response.status_code == 200
    assert response.context["counts"]["total"] == 2 * size
