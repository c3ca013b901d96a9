"""The extension points through which projects adds to the register of parties."""

from __future__ import annotations

import pytest
from django.db.models import Value
from django.test import RequestFactory
from django.urls import reverse

from stakeholders import extensions
from stakeholders.models import Stakeholder
from tests.factories import LeaderFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(extensions, "_list_annotators", {})
    monkeypatch.setattr(extensions, "_sections", {})


def test_the_projects_app_registers_its_list_figures_and_party_sections():
    assert "projects" in extensions._list_annotators
    assert "projects" in extensions._sections


def test_without_annotators_the_list_gets_neutral_figures(empty_registry):
    StakeholderFactory()
    party = extensions.annotate_party_list(Stakeholder.objects.all(), LeaderFactory()).get()
    assert (party.project_count, party.my_project_count, party.last_contact) == (0, 0, None)


def test_registering_again_under_a_key_replaces(empty_registry):
    StakeholderFactory()
    extensions.register_party_list_annotator(
        "x", lambda queryset, user: queryset.annotate(project_count=Value(1))
    )
    extensions.register_party_list_annotator(
        "x", lambda queryset, user: queryset.annotate(project_count=Value(7))
    )
    party = extensions.annotate_party_list(Stakeholder.objects.all(), LeaderFactory()).get()
    assert party.project_count == 7


def test_sections_render_in_order_and_empty_ones_are_left_out(empty_registry):
    party = StakeholderFactory()
    extensions.register_party_section("first", lambda request, page: "<p>een</p>")
    extensions.register_party_section("empty", lambda request, page: "  ")
    extensions.register_party_section(
        "second", lambda request, page: f"<p>{page.stakeholder.name}</p>"
    )
    page = extensions.PartyPage(stakeholder=party, contacts=[], show_contact_details=False)
    rendered = extensions.render_party_sections(RequestFactory().get("/"), page)
    assert rendered == ["<p>een</p>", f"<p>{party.name}</p>"]


def test_the_party_page_shows_the_registered_sections(client, empty_registry):
    party = StakeholderFactory()
    extensions.register_party_section(
        "test", lambda request, page: '<section id="uit-een-andere-app"></section>'
    )
    client.force_login(LeaderFactory())
    html = client.get(reverse("stakeholders:detail", args=[party.pk])).content.decode()
    assert '<section id="uit-een-andere-app"></section>' in html
