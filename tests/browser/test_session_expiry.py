"""An htmx action after 30 idle minutes ends on the login page with a Dutch message, not
in a login form swapped into a fragment; logging in again goes back to the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import FrictionPoint
from tests.factories import DepartmentFactory, LeaderFactory, ProjectFactory

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXPIRED = "Uw sessie is verlopen. Log opnieuw in om verder te gaan."


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    # The real login form with throttling on, as in production (conftest.py switches it off).
    settings.AXES_ENABLED = True


def _idle_for(minutes: int) -> time_machine.travel:
    # The live server is a thread of this process, so it sees the moved clock too.
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=True)


def test_reporting_a_friction_point_after_the_idle_time_asks_to_log_in_again(
    live_server, page: Page, login
):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader)
    project_url = f"{live_server.url}/projects/{project.pk}/"
    login(leader)
    page.goto(project_url)
    page.get_by_label("Titel").fill("Inkoop vraagt drie offertes")

    with _idle_for(31):
        page.get_by_role("button", name="Melden").click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/projects/{project.pk}/")
        expect(page.get_by_role("status")).to_contain_text(EXPIRED)
        expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij BinnenBuiten")
        # One login page, not one swapped into the project page's friction list.
        expect(page.locator("#friction-rows")).to_have_count(0)
        expect(page.get_by_label("Gebruikersnaam")).to_have_count(1)
        assert not FrictionPoint.objects.exists()

        page.get_by_label("Gebruikersnaam").fill(leader.username)
        page.get_by_label("Wachtwoord").fill("binnenbuiten")
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(project_url)


def test_filtering_the_project_list_after_the_idle_time_asks_to_log_in_again(
    live_server, page: Page, login
):
    leader = LeaderFactory()
    ProjectFactory(leader=leader, title="Zonnedaken Noord")
    login(leader)
    page.goto(f"{live_server.url}/projects/")
    expect(page.get_by_role("link", name="Zonnedaken Noord")).to_be_visible()

    with _idle_for(31):
        page.get_by_label("Zoeken", exact=True).fill("zon")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        expect(page.get_by_role("status")).to_contain_text(EXPIRED)
        expect(page.locator("#project-results")).to_have_count(0)


def test_an_htmx_action_within_the_idle_time_just_works(live_server, page: Page, login):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader)
    department = DepartmentFactory(name="Inkoop")
    login(leader)
    page.goto(f"{live_server.url}/projects/{project.pk}/")

    with _idle_for(29):
        page.get_by_label("Titel").fill("Inkoop vraagt drie offertes")
        page.get_by_label("Andere afdeling").select_option(str(department.pk))
        page.get_by_role("button", name="Melden").click()
        expect(page.get_by_role("status").filter(has_text="Knelpunt gemeld")).to_be_visible()
        expect(page).to_have_url(f"{live_server.url}/projects/{project.pk}/")
    assert FrictionPoint.objects.get().title == "Inkoop vraagt drie offertes"
