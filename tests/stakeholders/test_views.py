"""The register of external parties: list, a party's page, search and adding inline."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from stakeholders.models import Stakeholder
from stakeholders.services import stakeholder_create
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


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
        client.force_login(LeaderFactory())
        # session, user, roles, count, page
        with django_assert_max_num_queries(5):
            assert client.get(reverse("stakeholders:list")).status_code == 200

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

    def test_contact_details_are_for_involved_staff_only(self, client):
        party = StakeholderFactory()
        ContactFactory(stakeholder=party, name="Karin Contact", email="karin@partner.example")
        project = ProjectFactory()
        StakeholderInvolvementFactory(stakeholder=party, project=project)
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
        url = reverse("stakeholders:detail", args=[party.pk])

        client.force_login(LeaderFactory())
        html = client.get(url).content.decode()
        assert "Karin Contact" in html
        assert "karin@partner.example" not in html

        for insider in (project.leader, project.commissioner, head, AdministratorFactory()):
            client.force_login(insider)
            assert "karin@partner.example" in client.get(url).content.decode()

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

    @pytest.mark.parametrize("factory", [DepartmentHeadFactory, UserFactory])
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


def test_the_service_refuses_a_duplicate_ignoring_case():
    StakeholderFactory(name="Rijkswaterstaat")
    with pytest.raises(ValidationError) as error:
        stakeholder_create(name="rijkswaterstaat", kind="overheid")
    assert "name" in error.value.message_dict


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
