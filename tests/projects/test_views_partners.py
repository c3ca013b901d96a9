"""Contact moments, agreements and the party page's project sections in the browser's
terms: per persona (leader, commissioner, head of an involved department, outsider,
Beheerder, anonymous), with htmx and without JavaScript."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import Agreement, FollowUp, Interaction, Milestone
from projects.selectors.partners import overdue_agreements_for_commissioner
from stakeholders.models import Contact, Stakeholder
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    FrictionPointFactory,
    InteractionFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    """A project with a party and a contact person, and every persona."""
    head = DepartmentHeadFactory(first_name="Ans", last_name="Hoofd")
    project = ProjectFactory(title="Zonnedaken Noord")
    DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    StakeholderInvolvementFactory(project=project, stakeholder=party, influence=5, interest=4)
    contact = ContactFactory(stakeholder=party, name="Karin de Vries")
    return {
        "project": project,
        "party": party,
        "contact": contact,
        "leader": project.leader,
        "commissioner": project.commissioner,
        "head": head,
        "outsider": LeaderFactory(),
        "administrator": AdministratorFactory(),
    }


def interaction_data(world, **extra) -> dict:
    return {
        "date": "2027-02-26",
        "kind": Interaction.Kind.PHONE,
        "stakeholder": str(world["party"].pk),
        "contacts": [str(world["contact"].pk)],
        "summary": "Planning van de oplevering besproken.",
        **extra,
    }


# --- the project page ----------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
class TestProjectPage:
    def test_it_shows_agreements_and_contact_moments_with_an_overdue_warning(self, client, world):
        interaction = InteractionFactory(
            project=world["project"], stakeholder=world["party"], contacts=[world["contact"]]
        )
        FollowUpFactory(interaction=interaction, description="Tekening sturen")
        AgreementFactory(
            project=world["project"],
            stakeholder=world["party"],
            title="Subsidieaanvraag indienen",
            due_date=dt.date(2027, 2, 1),
        )
        client.force_login(world["leader"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        assert 'id="afspraken"' in html and 'id="contactmomenten"' in html
        assert "1 afspraak met een partij is over de datum." in html
        assert "Subsidieaanvraag indienen" in html and "Over de datum" in html
        assert "Karin de Vries" in html and "Tekening sturen" in html
        assert reverse("projects:interaction_create", args=[world["project"].pk]) in html
        assert reverse("projects:agreement_create", args=[world["project"].pk]) in html

    def test_a_reader_sees_the_log_without_names_of_contacts_or_controls(self, client, world):
        InteractionFactory(
            project=world["project"], stakeholder=world["party"], contacts=[world["contact"]]
        )
        AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["outsider"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        assert "Van de partij:" in html and "1 contactpersoon" in html
        assert "Karin de Vries" not in html
        assert "/interactions/new/" not in html and "/agreements/new/" not in html
        assert "/status/" not in html and "/milestone/" not in html

    def test_a_head_may_change_an_agreement_but_not_make_it_a_milestone(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["head"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        assert reverse("projects:agreement_status", args=[agreement.pk]) in html
        assert reverse("projects:agreement_milestone", args=[agreement.pk]) not in html
        client.force_login(world["commissioner"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        assert reverse("projects:agreement_milestone", args=[agreement.pk]) in html

    def test_headings_stay_in_order(self, client, world):
        InteractionFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["leader"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# --- logging a contact moment on a project -----------------------------------------------------


@pytest.mark.usefixtures("frozen")
class TestInteractionCreate:
    def url(self, world) -> str:
        return reverse("projects:interaction_create", args=[world["project"].pk])

    def test_htmx_logs_it_and_answers_with_the_new_item_and_a_fresh_form(self, client, world):
        client.force_login(world["leader"])
        response = client.post(
            self.url(world),
            interaction_data(
                world,
                staff=[str(world["head"].pk)],
                follow_up="Collegevoorstel delen",
                follow_up_owner=str(world["head"].pk),
                follow_up_due="2027-03-15",
            ),
            headers=HTMX,
        )
        assert response.status_code == 200
        interaction = Interaction.objects.get()
        assert (interaction.project, interaction.stakeholder) == (
            world["project"],
            world["party"],
        )
        assert interaction.participants.filter(contact=world["contact"]).exists()
        assert interaction.participants.filter(staff=world["head"]).exists()
        assert interaction.participants.filter(staff=world["leader"]).exists()
        assert FollowUp.objects.get().owner == world["head"]
        html = response.content.decode()
        assert html.lstrip().startswith(f'<li id="contactmoment-{interaction.pk}"')
        assert "data-bb-focus" in html and "<html" not in html
        assert 'id="interaction-form"' in html and 'hx-swap-oob="true"' in html
        assert "Contactmoment vastgelegd met Woningcorporatie Ons Huis." in html

    def test_htmx_gets_the_form_back_with_errors_beside_the_fields(self, client, world):
        client.force_login(world["leader"])
        response = client.post(
            self.url(world),
            interaction_data(world, summary="", follow_up="Iets", date="2027-03-09"),
            headers=HTMX,
        )
        assert response.headers["HX-Retarget"] == "#interaction-form"
        assert response.headers["HX-Reswap"] == "outerHTML"
        html = response.content.decode()
        for field in ("summary", "date", "follow_up_owner", "follow_up_due"):
            assert f'id="interaction_{field}_error"' in html, field
        assert not Interaction.objects.exists()

    def test_a_contact_of_another_party_is_refused(self, client, world):
        other = StakeholderFactory()
        StakeholderInvolvementFactory(project=world["project"], stakeholder=other)
        client.force_login(world["leader"])
        response = client.post(
            self.url(world), interaction_data(world, stakeholder=str(other.pk)), headers=HTMX
        )
        assert "is geen contactpersoon van" in response.content.decode()
        assert not Interaction.objects.exists()

    def test_without_javascript_it_returns_to_the_project_page(self, client, world):
        client.force_login(world["leader"])
        page = client.get(self.url(world))
        assert page.status_code == 200 and "<html" in page.content.decode()
        assert 'value="2027-03-01"' in page.content.decode()  # today by default
        response = client.post(self.url(world), interaction_data(world))
        assert response.status_code == 302
        assert response.url == world["project"].get_absolute_url() + "#contactmomenten"
        interaction = Interaction.objects.get()
        assert (interaction.project, interaction.stakeholder, interaction.author) == (
            world["project"],
            world["party"],
            world["leader"],
        )
        assert (interaction.date, interaction.summary) == (
            dt.date(2027, 2, 26),
            "Planning van de oplevering besproken.",
        )
        invalid = client.post(self.url(world), interaction_data(world, summary=""))
        assert invalid.status_code == 200 and 'id="interaction_summary_error"' in (
            invalid.content.decode()
        )
        assert Interaction.objects.count() == 1

    @pytest.mark.parametrize("persona", ["commissioner", "head", "administrator"])
    def test_contributors_may_log(self, client, world, persona):
        client.force_login(world[persona])
        assert client.post(self.url(world), interaction_data(world)).status_code == 302
        assert Interaction.objects.get().author == world[persona]

    def test_an_outsider_may_not(self, client, world):
        client.force_login(world["outsider"])
        assert client.post(self.url(world), interaction_data(world)).status_code == 403
        assert client.get(self.url(world)).status_code == 403
        assert not Interaction.objects.exists()

    def test_a_confidential_project_does_not_exist_for_an_outsider(self, client, world):
        world["project"].is_confidential = True
        world["project"].save()
        client.force_login(world["outsider"])
        assert client.post(self.url(world), interaction_data(world)).status_code == 404
        assert not Interaction.objects.exists()

    def test_anonymous_visitors_log_in_first(self, client, world):
        response = client.post(self.url(world), interaction_data(world))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert not Interaction.objects.exists()

    def test_it_refuses_put(self, client, world):
        client.force_login(world["leader"])
        assert client.put(self.url(world)).status_code == 405


# --- logging from the party's page --------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
class TestPartyInteractionCreate:
    def url(self, world) -> str:
        return reverse("projects:party_interaction_create", args=[world["party"].pk])

    def data(self, world, **extra) -> dict:
        data = interaction_data(world)
        del data["stakeholder"]
        return {**data, "project": str(world["project"].pk), **extra}

    def test_the_leader_logs_on_their_project_with_htmx(self, client, world):
        client.force_login(world["leader"])
        response = client.post(self.url(world), self.data(world), headers=HTMX)
        interaction = Interaction.objects.get()
        assert interaction.project == world["project"]
        html = response.content.decode()
        assert f'id="contactmoment-{interaction.pk}"' in html
        assert "Karin de Vries" in html

    def test_a_leader_logs_a_contact_with_the_party_as_such(self, client, world):
        client.force_login(world["outsider"])
        page = client.get(self.url(world)).content.decode()
        assert "Geen project: contact met de partij zelf" in page
        response = client.post(self.url(world), self.data(world, project="", contacts=[]))
        assert response.status_code == 302
        assert response.url == (
            reverse("stakeholders:detail", args=[world["party"].pk]) + "#contactmomenten"
        )
        assert Interaction.objects.get().project is None

    def test_an_outsider_cannot_pick_a_project_or_contacts_they_may_not_see(self, client, world):
        client.force_login(world["outsider"])
        response = client.post(self.url(world), self.data(world))
        html = response.content.decode()
        assert 'id="interaction_project_error"' in html
        assert 'id="interaction_contacts_error"' in html
        assert not Interaction.objects.exists()

    def test_a_head_must_choose_one_of_their_projects(self, client, world):
        client.force_login(world["head"])
        response = client.post(self.url(world), self.data(world, project=""))
        assert "Kies het project waarover het contact ging." in response.content.decode()
        assert client.post(self.url(world), self.data(world)).status_code == 302
        assert Interaction.objects.get().project == world["project"]

    def test_a_head_without_projects_with_the_party_may_not_log(self, client, world):
        client.force_login(DepartmentHeadFactory())
        assert client.get(self.url(world)).status_code == 403
        assert client.post(self.url(world), self.data(world)).status_code == 403
        assert not Interaction.objects.exists()

    def test_an_unknown_party_is_404_and_anonymous_visitors_log_in(self, client, world):
        url = reverse("projects:party_interaction_create", args=[999_999])
        assert client.post(url, {}).status_code == 302
        client.force_login(world["leader"])
        assert client.post(url, {}).status_code == 404
        assert not Interaction.objects.exists()


# --- the full lists ------------------------------------------------------------------------


class TestInteractionLists:
    def test_the_project_list_pages_newest_first(self, client, world):
        for day in range(30):
            InteractionFactory(
                project=world["project"],
                stakeholder=world["party"],
                date=dt.date(2026, 1, 1) + dt.timedelta(days=day),
            )
        client.force_login(world["leader"])
        url = reverse("projects:interaction_list", args=[world["project"].pk])
        response = client.get(url)
        assert len(response.context["interactions"]) == 25
        assert response.context["interactions"][0].date == dt.date(2026, 1, 30)
        assert len(client.get(url, {"page": 2}).context["interactions"]) == 5

    def test_the_party_list_hides_confidential_projects_of_others(self, client, world):
        secret = ProjectFactory(confidential=True)
        InteractionFactory(project=secret, stakeholder=world["party"], summary="Geheim overleg")
        InteractionFactory(party_level=True, stakeholder=world["party"], summary="Kennismaking")
        client.force_login(world["outsider"])
        html = client.get(
            reverse("projects:party_interaction_list", args=[world["party"].pk])
        ).content.decode()
        assert "Kennismaking" in html and "Geheim overleg" not in html

    def test_a_confidential_project_list_is_404_for_an_outsider(self, client, world):
        secret = ProjectFactory(confidential=True)
        client.force_login(world["outsider"])
        url = reverse("projects:interaction_list", args=[secret.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 405


# --- follow-ups ----------------------------------------------------------------------------


class TestFollowUpDone:
    def test_the_owner_ticks_it_off_with_htmx(self, client, world):
        interaction = InteractionFactory(project=world["project"], stakeholder=world["party"])
        follow_up = FollowUpFactory(interaction=interaction, owner=world["head"])
        client.force_login(world["head"])
        url = reverse("projects:follow_up_done", args=[follow_up.pk])
        response = client.post(url, {"done": "on"}, headers=HTMX)
        html = response.content.decode()
        assert html.lstrip().startswith(f'<li id="follow-up-{follow_up.pk}"')
        assert "Weer openzetten" in html and 'role="status"' in html
        assert FollowUp.objects.get().is_done
        response = client.post(url, {})
        assert not FollowUp.objects.get().is_done
        assert response.url == world["project"].get_absolute_url() + "#contactmomenten"

    def test_an_outsider_may_not_and_a_confidential_one_is_404(self, client, world):
        follow_up = FollowUpFactory(
            interaction=InteractionFactory(project=world["project"], stakeholder=world["party"])
        )
        url = reverse("projects:follow_up_done", args=[follow_up.pk])
        client.force_login(world["outsider"])
        assert client.post(url, {"done": "on"}).status_code == 403
        world["project"].is_confidential = True
        world["project"].save()
        assert client.post(url, {"done": "on"}).status_code == 404
        assert client.get(url).status_code == 405
        assert not FollowUp.objects.get().is_done


# --- agreements ----------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
class TestAgreementCreate:
    def data(self, world, **extra) -> dict:
        return {
            "stakeholder": str(world["party"].pk),
            "title": "Omgevingsvergunning aanvragen",
            "owed_by": Agreement.OwedBy.US,
            "due_date": "2027-02-15",
            **extra,
        }

    def test_htmx_records_it_and_answers_with_the_row(self, client, world):
        client.force_login(world["leader"])
        response = client.post(
            reverse("projects:agreement_create", args=[world["project"].pk]),
            self.data(world),
            headers=HTMX,
        )
        agreement = Agreement.objects.get()
        html = response.content.decode()
        assert html.lstrip().startswith(f'<tr id="afspraak-{agreement.pk}"')
        assert "Over de datum" in html  # 15 February is before today
        assert 'id="agreement-form"' in html and "Afspraak vastgelegd" in html

    def test_errors_come_back_beside_the_fields(self, client, world):
        client.force_login(world["leader"])
        response = client.post(
            reverse("projects:agreement_create", args=[world["project"].pk]),
            self.data(world, title="", due_date=""),
            headers=HTMX,
        )
        assert response.headers["HX-Retarget"] == "#agreement-form"
        html = response.content.decode()
        assert 'id="agreement_title_error"' in html and 'id="agreement_due_date_error"' in html
        assert not Agreement.objects.exists()

    def test_from_the_party_page_without_javascript(self, client, world):
        client.force_login(world["commissioner"])
        url = reverse("projects:party_agreement_create", args=[world["party"].pk])
        assert client.get(url).status_code == 200
        data = self.data(world, project=str(world["project"].pk))
        del data["stakeholder"]
        response = client.post(url, data)
        assert response.url == (
            reverse("stakeholders:detail", args=[world["party"].pk]) + "#afspraken"
        )
        assert Agreement.objects.get().stakeholder == world["party"]

    def test_outsiders_may_not(self, client, world):
        client.force_login(world["outsider"])
        assert (
            client.post(
                reverse("projects:agreement_create", args=[world["project"].pk]), self.data(world)
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("projects:party_agreement_create", args=[world["party"].pk]),
                self.data(world),
            ).status_code
            == 403
        )
        assert not Agreement.objects.exists()


class TestAgreementActions:
    def test_a_contributor_marks_it_fulfilled_with_htmx(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["head"])
        response = client.post(
            reverse("projects:agreement_status", args=[agreement.pk]),
            {"status": Agreement.Status.FULFILLED},
            headers=HTMX,
        )
        assert Agreement.objects.get().status == Agreement.Status.FULFILLED
        html = response.content.decode()
        assert html.lstrip().startswith(f'<tr id="afspraak-{agreement.pk}"')
        assert "Weer open" in html and 'role="status"' in html

    def test_on_the_party_page_the_row_keeps_its_project_column(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["leader"])
        back = reverse("stakeholders:detail", args=[world["party"].pk])
        response = client.post(
            reverse("projects:agreement_status", args=[agreement.pk]),
            {"status": Agreement.Status.LAPSED, "scope": "party", "next": back},
            headers=HTMX,
        )
        html = response.content.decode()
        assert f'href="{world["project"].get_absolute_url()}">Zonnedaken Noord</a>' in html
        assert f'name="next" value="{back}"' in html
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.LAPSED
        plain = client.post(
            reverse("projects:agreement_status", args=[agreement.pk]),
            {"status": Agreement.Status.OPEN, "next": back},
        )
        assert plain.url == back + "#afspraken"
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.OPEN

    def test_a_bad_status_changes_nothing(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["leader"])
        response = client.post(
            reverse("projects:agreement_status", args=[agreement.pk]), {"status": "misschien"}
        )
        assert response.status_code == 302
        assert Agreement.objects.get().status == Agreement.Status.OPEN

    def test_a_reader_may_not_change_it(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["outsider"])
        url = reverse("projects:agreement_status", args=[agreement.pk])
        assert client.post(url, {"status": Agreement.Status.LAPSED}).status_code == 403
        assert client.get(url).status_code == 405
        assert Agreement.objects.get().status == Agreement.Status.OPEN

    def test_maak_mijlpaal_once_with_a_rescan(
        self, client, world, django_capture_on_commit_callbacks
    ):
        agreement = AgreementFactory(
            project=world["project"],
            stakeholder=world["party"],
            title="Startbijeenkomst organiseren",
            due_date=dt.date(2027, 6, 1),
        )
        url = reverse("projects:agreement_milestone", args=[agreement.pk])
        client.force_login(world["leader"])
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(url, headers=HTMX)
        assert len(callbacks) == 1
        milestone = Milestone.objects.get()
        assert (milestone.title, milestone.date) == (
            "Startbijeenkomst organiseren",
            agreement.due_date,
        )
        html = response.content.decode()
        assert "Mijlpaal op 1 juni 2027" in html and "Maak mijlpaal" not in html
        with django_capture_on_commit_callbacks() as again:
            second = client.post(url)
        assert second.status_code == 302 and len(again) == 0
        assert Milestone.objects.count() == 1

    def test_a_head_may_not_make_a_milestone(self, client, world):
        agreement = AgreementFactory(project=world["project"], stakeholder=world["party"])
        client.force_login(world["head"])
        url = reverse("projects:agreement_milestone", args=[agreement.pk])
        assert client.post(url).status_code == 403
        assert not Milestone.objects.exists()

    def test_what_they_owe_does_not_become_a_milestone(self, client, world):
        agreement = AgreementFactory(
            project=world["project"], stakeholder=world["party"], theirs=True
        )
        client.force_login(world["leader"])
        response = client.post(
            reverse("projects:agreement_milestone", args=[agreement.pk]), headers=HTMX
        )
        assert "Alleen een open afspraak die de gemeente moet nakomen" in response.content.decode()
        assert not Milestone.objects.exists()


# --- the party's page ----------------------------------------------------------------------


class TestPartyPage:
    def url(self, world) -> str:
        return reverse("stakeholders:detail", args=[world["party"].pk])

    def test_it_shows_projects_friction_agreements_and_contact_moments(self, client, world):
        FrictionPointFactory(project=world["project"], title="Inkoop duurt te lang")
        AgreementFactory(project=world["project"], stakeholder=world["party"], title="Grond")
        InteractionFactory(
            project=world["project"], stakeholder=world["party"], summary="Eerste overleg"
        )
        secret = ProjectFactory(title="Geheim plan", confidential=True)
        StakeholderInvolvementFactory(project=secret, stakeholder=world["party"])
        FrictionPointFactory(project=secret, title="Geheim knelpunt")
        AgreementFactory(project=secret, stakeholder=world["party"], title="Geheime afspraak")
        client.force_login(world["outsider"])
        html = client.get(self.url(world)).content.decode()
        for text in ("Zonnedaken Noord", "Inkoop duurt te lang", "Grond", "Eerste overleg"):
            assert text in html, text
        for text in ("Geheim plan", "Geheim knelpunt", "Geheime afspraak"):
            assert text not in html, text
        # A Projectleider may log a contact with the party as such, but not on this project.
        assert reverse("projects:party_interaction_create", args=[world["party"].pk]) in html
        assert reverse("projects:party_agreement_create", args=[world["party"].pk]) not in html

    def test_a_beheerder_is_offered_look_alike_parties_to_merge(self, client, world):
        twin = StakeholderFactory(name="ons huis woningcorporatie")
        client.force_login(world["administrator"])
        html = client.get(self.url(world)).content.decode()
        merge = reverse("admin:stakeholders_stakeholder_merge")
        assert f"{merge}?keep={world['party'].pk}&amp;remove={twin.pk}" in html
        client.force_login(world["leader"])
        assert merge not in client.get(self.url(world)).content.decode()

    @pytest.mark.parametrize("size", [1, 6])
    @pytest.mark.parametrize("persona", ["leader", "head", "outsider", "administrator"])
    def test_its_query_count_does_not_grow(
        self, client, world, django_assert_max_num_queries, size, persona
    ):
        for _ in range(size):
            project = ProjectFactory(leader=world["leader"])
            DepartmentInvolvementFactory(
                project=project, department=DepartmentFactory(head=world["head"])
            )
            StakeholderInvolvementFactory(project=project, stakeholder=world["party"])
            FrictionPointFactory(project=project, departments=[DepartmentFactory()])
            interaction = InteractionFactory(
                project=project,
                stakeholder=world["party"],
                contacts=[ContactFactory(stakeholder=world["party"])],
            )
            FollowUpFactory(interaction=interaction)
            AgreementFactory(project=project, stakeholder=world["party"])
            InteractionFactory(party_level=True, stakeholder=world["party"])
        client.force_login(world[persona])
        # session, user, party and its contacts (2), roles (up to 3 per-module caches),
        # involvements with their projects, heads of those projects' departments, contact
        # moments with participants and follow-ups (3), agreements, friction with departments
        # (2), look-alike names (Beheerder only)
        with django_assert_max_num_queries(15):
            response = client.get(self.url(world))
        assert response.status_code == 200


# --- the portfolio power/interest grid ---------------------------------------------------------


class TestPortfolioGrid:
    url = reverse("projects:portfolio_grid")

    def test_a_commissioner_sees_a_picture_with_a_table_of_their_parties(self, client, world):
        FrictionPointFactory(project=world["project"])
        other = StakeholderInvolvementFactory(stakeholder=StakeholderFactory(name="Andermans"))
        client.force_login(world["commissioner"])
        response = client.get(self.url)
        html = response.content.decode()
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "Woningcorporatie Ons… (1)" in svg  # shortened, with its open friction
        assert "style=" not in svg
        assert not re.search(r'(?:x|y|cx|cy|r)="\d+,\d', svg)
        table = html[html.index("</svg>") :]
        assert 'scope="col"' in table and 'scope="row"' in table
        assert "5,0" in table and "4,0" in table  # averages, the Dutch way
        assert other.stakeholder.name not in html

    def test_a_beheerder_chooses_a_commissioner(self, client, world):
        StakeholderInvolvementFactory(stakeholder=StakeholderFactory(name="Andermans"))
        client.force_login(world["administrator"])
        everything = client.get(self.url).content.decode()
        assert "Andermans" in everything and "Woningcorporatie Ons Huis" in everything
        chosen = client.get(self.url, {"commissioner": world["commissioner"].pk})
        assert "Andermans" not in chosen.content.decode()
        assert chosen.context["commissioner"] == world["commissioner"]
        wrong = client.get(self.url, {"commissioner": world["leader"].pk})
        assert 'id="portfolio_commissioner_error"' in wrong.content.decode()

    @pytest.mark.parametrize("persona", ["leader", "head", "outsider"])
    def test_others_may_not(self, client, world, persona):
        client.force_login(world[persona])
        assert client.get(self.url).status_code == 403

    def test_anonymous_visitors_log_in_first_and_post_is_refused(self, client, world):
        assert client.get(self.url).status_code == 302
        client.force_login(world["commissioner"])
        assert client.post(self.url).status_code == 405


# --- the overdue agreements partial for the commissioner's dashboard ------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_overdue_partial_lists_what_is_late(rf, world):
    AgreementFactory(
        project=world["project"],
        stakeholder=world["party"],
        title="Grondruil afronden",
        due_date=dt.date(2027, 2, 19),
    )
    request = rf.get("/dashboard/")
    request.user = world["commissioner"]
    html = render_to_string(
        "projects/partners/_overdue_agreements.html",
        {
            "overdue_agreements": overdue_agreements_for_commissioner(world["commissioner"])[:10],
            "today": TODAY,
        },
        request=request,
    )
    assert "Grondruil afronden" in html and "Woningcorporatie Ons Huis" in html
    assert "1 week, 3 dagen te laat" in html.replace("\xa0", " ")
    assert 'scope="row"' in html
    empty = render_to_string(
        "projects/partners/_overdue_agreements.html", {"overdue_agreements": []}, request=request
    )
    assert "Geen afspraken met partners over de datum." in empty


# --- the Beheerder's admin: merging, export and erasure ---------------------------------------


class TestAdmin:
    def test_merging_two_parties_from_the_action_and_the_page(self, client, world):
        twin = StakeholderFactory(name="ons huis woningcorporatie")
        ContactFactory(stakeholder=twin)
        client.force_login(world["administrator"])
        changelist = reverse("admin:stakeholders_stakeholder_changelist")
        response = client.post(
            changelist,
            {"action": "merge_two", "_selected_action": [world["party"].pk, twin.pk]},
        )
        merge = reverse("admin:stakeholders_stakeholder_merge")
        assert response.url == f"{merge}?keep={world['party'].pk}&remove={twin.pk}"
        page = client.get(response.url)
        assert page.status_code == 200 and "ons huis woningcorporatie" in page.content.decode()
        done = client.post(merge, {"keep": world["party"].pk, "remove": twin.pk, "confirm": "yes"})
        assert done.url == reverse(
            "admin:stakeholders_stakeholder_change", args=[world["party"].pk]
        )
        assert not Stakeholder.objects.filter(pk=twin.pk).exists()
        assert Contact.objects.filter(stakeholder=world["party"]).count() == 2

    def test_the_merge_action_needs_exactly_two(self, client, world):
        client.force_login(world["administrator"])
        response = client.post(
            reverse("admin:stakeholders_stakeholder_changelist"),
            {"action": "merge_two", "_selected_action": [world["party"].pk]},
            follow=True,
        )
        assert "precies twee partijen" in response.content.decode()
        assert list(Stakeholder.objects.all()) == [world["party"]]
        assert not LogEntry.objects.exists()

    def test_staff_who_are_not_beheerder_may_not_merge(self, client, world):
        twin = StakeholderFactory()
        clerk = LeaderFactory(is_staff=True)
        client.force_login(clerk)
        merge = reverse("admin:stakeholders_stakeholder_merge")
        response = client.post(
            merge, {"keep": world["party"].pk, "remove": twin.pk, "confirm": "yes"}
        )
        assert response.status_code == 403
        assert Stakeholder.objects.filter(pk=twin.pk).exists()

    def test_exporting_a_contact_person_downloads_json(self, client, world):
        InteractionFactory(
            project=world["project"], stakeholder=world["party"], contacts=[world["contact"]]
        )
        client.force_login(world["administrator"])
        response = client.post(
            reverse("admin:stakeholders_contact_changelist"),
            {"action": "export_data", "_selected_action": [world["contact"].pk]},
        )
        assert response["Content-Disposition"] == (
            f'attachment; filename="contactpersoon-{world["contact"].pk}.json"'
        )
        data = json.loads(response.content)
        assert data["contact"]["name"] == "Karin de Vries"
        assert len(data["interactions"]) == 1
        page = client.get(reverse("admin:stakeholders_contact_export", args=[world["contact"].pk]))
        assert json.loads(page.content)["contact"]["organisation"] == "Woningcorporatie Ons Huis"
        # Each export is noted in the admin history, without the data itself.
        notes = LogEntry.objects.filter(object_id=str(world["contact"].pk))
        assert [(n.user, n.change_message) for n in notes] == [
            (
                world["administrator"],
                "Alle gegevens van deze contactpersoon zijn geëxporteerd (inzageverzoek).",
            )
        ] * 2
        assert Contact.objects.get().name == "Karin de Vries"

    def test_erasing_asks_first_and_keeps_the_contact_moments(self, client, world):
        interaction = InteractionFactory(
            project=world["project"], stakeholder=world["party"], contacts=[world["contact"]]
        )
        client.force_login(world["administrator"])
        url = reverse("admin:stakeholders_contact_erase", args=[world["contact"].pk])
        confirm = client.get(url).content.decode()
        assert "Karin de Vries" in confirm and "1 contactmoment" in confirm
        assert Contact.objects.filter(pk=world["contact"].pk).exists()
        response = client.post(url, {"post": "yes"})
        assert response.url == reverse("stakeholders:detail", args=[world["party"].pk])
        assert not Contact.objects.filter(pk=world["contact"].pk).exists()
        assert interaction.participants.filter(contact=None, staff=None).count() == 1
        client.force_login(world["leader"])
        html = client.get(world["project"].get_absolute_url()).content.decode()
        assert "verwijderde persoon" in html

    def test_the_erase_action_and_a_plain_delete_go_the_same_way(self, client, world):
        second = ContactFactory(stakeholder=world["party"], name="Piet Partner")
        InteractionFactory(
            project=world["project"],
            stakeholder=world["party"],
            contacts=[world["contact"], second],
        )
        client.force_login(world["administrator"])
        changelist = reverse("admin:stakeholders_contact_changelist")
        data = {"action": "erase_data", "_selected_action": [world["contact"].pk]}
        assert "Ja, wis deze gegevens" in client.post(changelist, data).content.decode()
        client.post(changelist, {**data, "post": "yes"})
        assert not Contact.objects.filter(name="Karin de Vries").exists()
        client.post(reverse("admin:stakeholders_contact_delete", args=[second.pk]), {"post": "yes"})
        assert not Contact.objects.exists()
        assert Interaction.objects.get().participants.filter(erased_at__isnull=False).count() == 2
        assert not LogEntry.objects.filter(object_repr__contains="Piet Partner").exists()
