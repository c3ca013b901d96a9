"""The register of external parties: list, a party's page, search and adding inline."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from stakeholders.models import Contact, Stakeholder
from stakeholders.services import stakeholder_create
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    InteractionFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


class TestList:
    def test_it_lists_parties_with_their_number_of_projects(self, client):
        party = StakeholderFactory(name="Woonstichting De Linde")
        StakeholderInvolvementFactory.create_batch(2, stakeholder=party)
        StakeholderFactory(name="Fietsersbond")
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:list"))
        rows = {s.name: s.project_count for s in response.context["page"]}
        assert rows == {"Woonstichting De Linde": 2, "Fietsersbond": 0}

    def test_confidential_projects_of_others_are_not_counted(self, client):
        party = StakeholderFactory()
        StakeholderInvolvementFactory(stakeholder=party, project=ProjectFactory(confidential=True))
        client.force_login(LeaderFactory())
        assert client.get(reverse("stakeholders:list")).context["page"][0].project_count == 0

    def test_it_searches_and_filters_on_kind(self, client):
        StakeholderFactory(name="Zorggroep Noord", kind=Stakeholder.Kind.CIVIL_SOCIETY)
        StakeholderFactory(name="Zorg BV", kind=Stakeholder.Kind.COMPANY)
        StakeholderFactory(name="Bouwbedrijf", kind=Stakeholder.Kind.COMPANY)
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:list"), {"q": "zorg", "kind": "bedrijf"})
        assert [s.name for s in response.context["page"]] == ["Zorg BV"]

    def test_htmx_gets_only_the_results(self, client):
        StakeholderFactory(name="Gemeente Buurdorp")
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:list"), {"q": "buur"}, headers=HTMX)
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="stakeholder-results">')
        assert "Gemeente Buurdorp" in html and "<html" not in html

    def test_it_pages(self, client):
        StakeholderFactory.create_batch(27)
        client.force_login(LeaderFactory())
        assert len(client.get(reverse("stakeholders:list")).context["page"]) == 25
        second = client.get(reverse("stakeholders:list"), {"page": 2})
        assert len(second.context["page"]) == 2

    @pytest.mark.parametrize("size", [2, 30])
    def test_its_query_count_does_not_grow(self, client, django_assert_max_num_queries, size):
        for party in StakeholderFactory.create_batch(size):
            StakeholderInvolvementFactory(stakeholder=party)
            InteractionFactory(stakeholder=party)
        client.force_login(LeaderFactory())
        # session, user, roles for the visible projects, roles for "may add", count, page
        # (projects, my projects and last contact are subqueries of the page's query)
        with django_assert_max_num_queries(6):
            response = client.get(reverse("stakeholders:list"), {"sort": "recent"})
        assert response.status_code == 200
        assert all(party.last_contact for party in response.context["page"])

    @time_machine.travel(NOW, tick=False)
    def test_it_shows_projects_and_the_last_contact(self, client):
        party = StakeholderFactory(name="Woonstichting De Linde")
        InteractionFactory(stakeholder=party, date=dt.date(2027, 2, 10))
        client.force_login(LeaderFactory())
        html = client.get(reverse("stakeholders:list")).content.decode()
        assert ">Laatste contact</th>" in html
        assert '<time datetime="2027-02-10">10 februari 2027</time>' in html

    @time_machine.travel(NOW, tick=False)
    def test_it_filters_on_projects_and_last_contact_and_sorts(self, client):
        leader = LeaderFactory()
        mine = StakeholderFactory(name="A mijn partij")
        StakeholderInvolvementFactory(stakeholder=mine, project=ProjectFactory(leader=leader))
        InteractionFactory(party_level=True, stakeholder=mine, date=dt.date(2026, 6, 1))
        others = StakeholderFactory(name="B andermans partij")
        StakeholderInvolvementFactory(stakeholder=others)
        InteractionFactory(party_level=True, stakeholder=others, date=dt.date(2027, 2, 20))
        StakeholderFactory(name="C zonder project")
        client.force_login(leader)

        def names(**params):
            response = client.get(reverse("stakeholders:list"), params)
            return [party.name for party in response.context["page"]]

        assert names(projects="any") == ["A mijn partij", "B andermans partij"]
        assert names(projects="mine") == ["A mijn partij"]
        assert names(projects="none") == ["C zonder project"]
        assert names(contact="recent") == ["B andermans partij"]
        assert names(contact="stale") == ["A mijn partij", "C zonder project"]
        assert names(contact="never") == ["C zonder project"]
        assert names(sort="recent") == ["B andermans partij", "A mijn partij", "C zonder project"]
        assert names(sort="projects")[-1] == "C zonder project"

    def test_a_bad_filter_value_is_shown_beside_the_field(self, client):
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:list"), {"contact": "gisteren"})
        assert response.status_code == 200
        assert 'id="id_contact_error"' in response.content.decode()

    def test_anonymous_visitors_log_in_first(self, client):
        response = client.get(reverse("stakeholders:list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_it_refuses_post(self, client):
        client.force_login(LeaderFactory())
        assert client.post(reverse("stakeholders:list")).status_code == 405


class TestDetail:
    def test_it_shows_the_party_and_its_visible_projects(self, client):
        party = StakeholderFactory(name="Natuurvereniging", website="https://natuur.example")
        open_project = ProjectFactory(title="Open project")
        StakeholderInvolvementFactory(stakeholder=party, project=open_project, influence=5)
        StakeholderInvolvementFactory(
            stakeholder=party, project=ProjectFactory(title="Geheim", confidential=True)
        )
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:detail", args=[party.pk]))
        html = response.content.decode()
        assert "Natuurvereniging" in html and "https://natuur.example" in html
        assert "Open project" in html
        assert "Geheim" not in html

    def test_the_leader_sees_their_confidential_project(self, client):
        party = StakeholderFactory()
        project = ProjectFactory(title="Geheim", confidential=True)
        StakeholderInvolvementFactory(stakeholder=party, project=project)
        client.force_login(project.leader)
        html = client.get(reverse("stakeholders:detail", args=[party.pk])).content.decode()
        assert "Geheim" in html

    def test_contact_persons_are_for_involved_staff_only(self, client):
        party = StakeholderFactory()
        ContactFactory(stakeholder=party, name="Karin Contact", email="karin@partner.example")
        ContactFactory(stakeholder=party, name="Piet Partner", phone="030-1234567")
        project = ProjectFactory()
        StakeholderInvolvementFactory(stakeholder=party, project=project)
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
        url = reverse("stakeholders:detail", args=[party.pk])

        for outsider in (LeaderFactory(), DepartmentHeadFactory(), CommissionerFactory()):
            client.force_login(outsider)
            html = client.get(url).content.decode()
            assert "Er zijn 2 contactpersonen vastgelegd." in html
            assert "Karin Contact" not in html and "karin@partner.example" not in html
            assert "030-1234567" not in html
            assert reverse("stakeholders:contact_add", args=[party.pk]) not in html

        for insider in (project.leader, project.commissioner, head, AdministratorFactory()):
            client.force_login(insider)
            html = client.get(url).content.decode()
            assert "Karin Contact" in html and "karin@partner.example" in html
            assert 'href="tel:030-1234567"' in html
            assert reverse("stakeholders:contact_add", args=[party.pk]) in html

    def test_a_beheerder_gets_the_privacy_links(self, client):
        contact = ContactFactory()
        client.force_login(AdministratorFactory())
        html = client.get(reverse("stakeholders:detail", args=[contact.stakeholder_id]))
        assert (
            reverse("admin:stakeholders_contact_change", args=[contact.pk]) in html.content.decode()
        )

    def test_the_head_of_an_involved_department_sees_the_confidential_project(self, client):
        party = StakeholderFactory()
        project = ProjectFactory(title="Geheim", confidential=True)
        StakeholderInvolvementFactory(stakeholder=party, project=project)
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
        client.force_login(head)
        html = client.get(reverse("stakeholders:detail", args=[party.pk])).content.decode()
        assert "Geheim" in html

    def test_anonymous_visitors_log_in_first(self, client):
        party = StakeholderFactory()
        response = client.get(reverse("stakeholders:detail", args=[party.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_an_unknown_party_is_404(self, client):
        client.force_login(LeaderFactory())
        assert client.get(reverse("stakeholders:detail", args=[999_999])).status_code == 404

    def test_it_refuses_post(self, client):
        client.force_login(LeaderFactory())
        party = StakeholderFactory()
        assert client.post(reverse("stakeholders:detail", args=[party.pk])).status_code == 405


class TestSearch:
    def test_htmx_gets_a_short_list_to_pick_from(self, client):
        StakeholderFactory(name="Provincie Utrecht")
        StakeholderFactory(name="Waterschap")
        client.force_login(LeaderFactory())
        response = client.get(
            reverse("stakeholders:search"),
            {"q": "prov", "target": "id_partners-0-stakeholder"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert "<html" not in html
        assert "Provincie Utrecht" in html and "Waterschap" not in html
        assert 'data-bb-target="id_partners-0-stakeholder"' in html

    def test_it_offers_look_alike_names_after_the_matches(self, client):
        typo = StakeholderFactory(name="Stichting Groen Doen")
        client.force_login(LeaderFactory())
        response = client.get(
            reverse("stakeholders:search"),
            {"q": "Stiching Groen Doen", "target": "id_partners-0-stakeholder"},
            headers=HTMX,
        )
        assert response.context["matches"] == [typo]
        html = response.content.decode()
        assert f'data-bb-pick="{typo.pk}"' in html and "lijkt op wat u typte" in html

    def test_the_create_page_asks_with_the_name_it_typed(self, client):
        party = StakeholderFactory(name="Bouwbedrijf Jansen B.V.")
        client.force_login(LeaderFactory())
        response = client.get(
            reverse("stakeholders:search"), {"name": "bouwbedrijf jansen"}, headers=HTMX
        )
        assert response.context["matches"] == [party]

    def test_it_needs_two_characters(self, client):
        StakeholderFactory(name="Provincie Utrecht")
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:search"), {"q": "p"}, headers=HTMX)
        assert response.context["matches"] == []
        assert "minstens 2 letters" in response.content.decode()

    def test_it_returns_at_most_ten(self, client):
        for index in range(12):
            StakeholderFactory(name=f"Stichting {index:02d}")
        client.force_login(LeaderFactory())
        response = client.get(reverse("stakeholders:search"), {"q": "stichting"}, headers=HTMX)
        assert len(response.context["matches"]) == 10

    def test_without_javascript_it_is_a_small_page_of_links(self, client):
        party = StakeholderFactory(name="Provincie Utrecht")
        client.force_login(LeaderFactory())
        html = client.get(reverse("stakeholders:search"), {"q": "utrecht"}).content.decode()
        assert "<html" in html
        assert f'href="/stakeholders/{party.pk}/"' in html

    def test_a_target_that_is_not_an_element_id_is_dropped(self, client):
        StakeholderFactory(name="Provincie Utrecht")
        client.force_login(LeaderFactory())
        response = client.get(
            reverse("stakeholders:search"),
            {"q": "prov", "target": '"><script>alert(1)</script>'},
            headers=HTMX,
        )
        assert response.context["target"] == ""
        assert "<script>" not in response.content.decode()


class TestCreateInline:
    def post(self, client, data, **kwargs):
        return client.post(reverse("stakeholders:create_inline"), data, **kwargs)

    @pytest.mark.parametrize("factory", [LeaderFactory, CommissionerFactory, AdministratorFactory])
    def test_it_creates_a_party_and_picks_it_in_the_row(self, client, factory):
        client.force_login(factory())
        response = self.post(
            client,
            {
                "name": "  Buurtteam   West ",
                "kind": "burgerinitiatief",
                "target": "id_partners-0-stakeholder",
                "prefix": "partners-0",
            },
            headers=HTMX,
        )
        party = Stakeholder.objects.get()
        assert (party.name, party.kind) == ("Buurtteam West", "burgerinitiatief")
        html = response.content.decode()
        assert "data-bb-picked" in html
        assert f'data-bb-pick="{party.pk}"' in html
        assert 'data-bb-target="id_partners-0-stakeholder"' in html

    def test_a_duplicate_name_offers_the_existing_party(self, client):
        existing = StakeholderFactory(name="Buurtteam West")
        client.force_login(LeaderFactory())
        response = self.post(
            client,
            {
                "name": "buurtteam west",
                "kind": "overig",
                "target": "id_partners-1-stakeholder",
                "prefix": "partners-1",
            },
            headers=HTMX,
        )
        html = response.content.decode()
        assert Stakeholder.objects.count() == 1
        assert 'id="partners-1-new-name-error"' in html
        assert "Er bestaat al een externe partij met de naam “Buurtteam West”" in html
        assert f'data-bb-pick="{existing.pk}"' in html
        assert 'value="buurtteam west"' in html  # what was typed stays

    def test_an_empty_name_is_refused_beside_the_field(self, client):
        client.force_login(LeaderFactory())
        response = self.post(client, {"name": " ", "kind": "overig", "prefix": "p"}, headers=HTMX)
        assert "Vul de naam" in response.content.decode()
        assert not Stakeholder.objects.exists()

    def test_without_javascript_it_is_a_page_that_returns_to_the_form(self, client):
        client.force_login(LeaderFactory())
        page = client.get(reverse("stakeholders:create_inline"), {"next": "/projects/new/"})
        assert page.status_code == 200
        assert 'value="/projects/new/"' in page.content.decode()
        response = self.post(client, {"name": "Nieuw", "kind": "overig", "next": "/projects/new/"})
        assert response.status_code == 302
        assert response.url == "/projects/new/"
        party = Stakeholder.objects.get()
        assert (party.name, party.kind) == ("Nieuw", "overig")

    def test_it_never_returns_to_another_site(self, client):
        client.force_login(LeaderFactory())
        response = self.post(
            client, {"name": "Nieuw", "kind": "overig", "next": "https://evil.example/"}
        )
        party = Stakeholder.objects.get()
        assert response.url == reverse("stakeholders:detail", args=[party.pk])

    def test_a_duplicate_without_javascript_links_to_the_existing_party(self, client):
        existing = StakeholderFactory(name="Waterschap")
        client.force_login(LeaderFactory())
        response = self.post(client, {"name": "WATERSCHAP", "kind": "overheid"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="id_name_error"' in html
        assert f'href="/stakeholders/{existing.pk}/"' in html
        assert list(Stakeholder.objects.all()) == [existing]

    def test_a_look_alike_name_offers_the_existing_party_until_confirmed(self, client):
        existing = StakeholderFactory(name="Woningcorporatie Ons Huis")
        client.force_login(LeaderFactory())
        data = {
            "name": "Ons Huis Woningcorporatie",
            "kind": "woningcorporatie",
            "target": "id_partners-0-stakeholder",
            "prefix": "partners-0",
        }
        response = self.post(client, data, headers=HTMX)
        html = response.content.decode()
        assert Stakeholder.objects.count() == 1
        assert "lijkt op een partij die al bestaat" in html
        assert f'data-bb-pick="{existing.pk}"' in html
        assert 'name="confirm"' in html

        response = self.post(client, {**data, "confirm": "on"}, headers=HTMX)
        assert "data-bb-picked" in response.content.decode()
        assert Stakeholder.objects.count() == 2

    def test_a_look_alike_without_javascript_links_to_the_existing_party(self, client):
        existing = StakeholderFactory(name="Stichting Groen Doen")
        client.force_login(LeaderFactory())
        response = self.post(client, {"name": "Stiching Groen Doen", "kind": "maatschappelijk"})
        html = response.content.decode()
        assert response.status_code == 200
        assert f'href="/stakeholders/{existing.pk}/"' in html
        assert 'id="id_confirm"' in html
        response = self.post(
            client, {"name": "Stiching Groen Doen", "kind": "maatschappelijk", "confirm": "on"}
        )
        assert response.status_code == 302
        assert Stakeholder.objects.filter(name="Stiching Groen Doen").exists()

    def test_the_create_page_suggests_while_typing(self, client):
        client.force_login(LeaderFactory())
        html = client.get(reverse("stakeholders:create_inline")).content.decode()
        assert f'hx-get="{reverse("stakeholders:search")}"' in html
        assert 'hx-include="#id_name"' in html

    @pytest.mark.parametrize("factory", [DepartmentHeadFactory])
    def test_others_may_not_add_parties(self, client, factory):
        client.force_login(factory())
        assert self.post(client, {"name": "Nieuw", "kind": "overig"}).status_code == 403
        assert client.get(reverse("stakeholders:create_inline")).status_code == 403
        assert not Stakeholder.objects.exists()

    def test_anonymous_visitors_log_in_first(self, client):
        response = self.post(client, {"name": "Nieuw", "kind": "overig"})
        assert response.status_code == 302
        assert not Stakeholder.objects.exists()

    def test_it_refuses_put(self, client):
        client.force_login(LeaderFactory())
        assert client.put(reverse("stakeholders:create_inline")).status_code == 405


class TestContacts:
    def test_an_involved_leader_adds_a_contact_inline(self, client):
        involvement = StakeholderInvolvementFactory()
        party = involvement.stakeholder
        client.force_login(involvement.project.leader)
        response = client.post(
            reverse("stakeholders:contact_add", args=[party.pk]),
            {"name": " Karin  de Vries ", "role": "Wijkmanager", "email": "karin@x.example"},
            headers=HTMX,
        )
        contact = Contact.objects.get()
        assert (contact.stakeholder, contact.name) == (party, "Karin de Vries")
        html = response.content.decode()
        assert f'id="contact-{contact.pk}"' in html and "<html" not in html
        assert 'hx-swap-oob="true"' in html and "is toegevoegd" in html

    def test_a_bad_e_mail_address_is_refused_beside_the_field(self, client):
        involvement = StakeholderInvolvementFactory()
        client.force_login(involvement.project.leader)
        response = client.post(
            reverse("stakeholders:contact_add", args=[involvement.stakeholder_id]),
            {"name": "Karin", "email": "geen-adres"},
            headers=HTMX,
        )
        assert response.headers["HX-Retarget"] == "#contact-form"
        assert 'id="contact_email_error"' in response.content.decode()
        assert not Contact.objects.exists()

    def test_without_javascript_it_is_a_page_that_returns_to_the_party(self, client):
        involvement = StakeholderInvolvementFactory()
        party = involvement.stakeholder
        client.force_login(involvement.project.commissioner)
        url = reverse("stakeholders:contact_add", args=[party.pk])
        assert "<html" in client.get(url).content.decode()
        response = client.post(url, {"name": "Piet Partner", "phone": "06-12345678"})
        assert response.status_code == 302
        assert response.url == reverse("stakeholders:detail", args=[party.pk]) + "#contactpersonen"
        contact = Contact.objects.get()
        assert (contact.stakeholder, contact.name, contact.phone) == (
            party,
            "Piet Partner",
            "06-12345678",
        )
        event = Contact.pgh_event_model.objects.get(pgh_obj_id=contact.pk)
        assert (event.pgh_label, event.name, event.pgh_context["user"]) == (
            "insert",
            "Piet Partner",
            involvement.project.commissioner.pk,
        )

    def test_an_involved_head_edits_a_contact(self, client):
        involvement = StakeholderInvolvementFactory()
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(
            project=involvement.project, department=DepartmentFactory(head=head)
        )
        contact = ContactFactory(stakeholder=involvement.stakeholder, name="Karin")
        client.force_login(head)
        url = reverse("stakeholders:contact_edit", args=[contact.stakeholder_id, contact.pk])
        assert 'value="Karin"' in client.get(url).content.decode()
        response = client.post(url, {"name": "Karin de Vries", "role": "Directeur"})
        assert response.status_code == 302
        contact.refresh_from_db()
        assert (contact.name, contact.role) == ("Karin de Vries", "Directeur")

    def test_a_contact_of_another_party_is_404(self, client):
        involvement = StakeholderInvolvementFactory()
        client.force_login(involvement.project.leader)
        url = reverse(
            "stakeholders:contact_edit", args=[involvement.stakeholder_id, ContactFactory().pk]
        )
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("factory", [LeaderFactory, DepartmentHeadFactory, CommissionerFactory])
    def test_outsiders_may_not_add_or_edit(self, client, factory):
        contact = ContactFactory()
        StakeholderInvolvementFactory(stakeholder=contact.stakeholder)
        client.force_login(factory())
        add = reverse("stakeholders:contact_add", args=[contact.stakeholder_id])
        edit = reverse("stakeholders:contact_edit", args=[contact.stakeholder_id, contact.pk])
        assert client.post(add, {"name": "X"}).status_code == 403
        assert client.get(edit).status_code == 403
        assert Contact.objects.count() == 1

    def test_anonymous_visitors_log_in_first_and_put_is_refused(self, client):
        contact = ContactFactory()
        add = reverse("stakeholders:contact_add", args=[contact.stakeholder_id])
        assert client.post(add, {"name": "X"}).status_code == 302
        client.force_login(AdministratorFactory())
        assert client.put(add).status_code == 405
        assert list(Contact.objects.all()) == [contact]


def test_the_service_refuses_a_duplicate_ignoring_case():
    StakeholderFactory(name="Rijkswaterstaat")
    with pytest.raises(ValidationError) as error:
        stakeholder_create(name="rijkswaterstaat", kind="overheid")
    assert "name" in error.value.message_dict
    assert list(Stakeholder.objects.values_list("name", flat=True)) == ["Rijkswaterstaat"]


def test_the_stakeholders_app_does_not_import_projects_or_governance():
    package = Path(__file__).resolve().parents[2] / "stakeholders"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(("projects", "governance")), f"{path}: {name}"


def test_the_service_refuses_a_look_alike_unless_allowed():
    StakeholderFactory(name="Coöperatie Zonnedak")
    with pytest.raises(ValidationError) as error:
        stakeholder_create(name="Cooperatie Zonnedak", allow_similar=False)
    assert error.value.error_dict["name"][0].code == "similar"
    assert Stakeholder.objects.count() == 1
    created = stakeholder_create(name="Cooperatie Zonnedak", allow_similar=True)
    assert Stakeholder.objects.get(pk=created.pk).name == "Cooperatie Zonnedak"
    assert Stakeholder.objects.count() == 2
