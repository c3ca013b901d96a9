"""A project leader's day in real headless Chromium: project, partner, milestone, friction."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import FrictionPoint, Project
from tests.factories import (
    CommissionerFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProcedureFactory,
    ProjectFactory,
    StakeholderFactory,
)

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def organisation():
    department = DepartmentFactory(name="Juridische Zaken")
    procedure = ProcedureFactory(department=department, name="Juridische toets", lead_time_days=10)
    commissioner = CommissionerFactory(first_name="Bea", last_name="Bureau")
    partner = StakeholderFactory(name="Woningcorporatie Ons Huis")
    return {
        "department": department,
        "procedure": procedure,
        "commissioner": commissioner,
        "partner": partner,
    }


def mark_page(page: Page) -> None:
    page.evaluate("window.__bbMarker = 'still-here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__bbMarker") == "still-here"


def test_a_leader_registers_a_project_and_works_a_friction_point_without_reloads(
    live_server, page: Page, login, organisation
):
    leader = LeaderFactory(first_name="Pim", last_name="Leider")
    login(leader)
    expect(page.get_by_role("heading", level=1)).to_contain_text("projecten")

    # A new project: purpose first, one commissioner, a partner found by typing, a milestone.
    page.get_by_role("link", name="Nieuw project").click()
    page.get_by_label("Wat is de bedoeling?").fill(
        "Samen met de corporatie honderd daken vol zonnepanelen leggen."
    )
    page.get_by_label("Titel").fill("Zonnedaken Noord")
    page.get_by_label("Opdrachtgever (bureauhoofd)").select_option(
        str(organisation["commissioner"].pk)
    )
    departments = page.get_by_role("region", name="Betrokken afdelingen")
    departments.get_by_label(re.compile(r"^Afdeling\b")).first.select_option(
        str(organisation["department"].pk)
    )
    partners = page.get_by_role("region", name="Externe partijen")
    search = partners.locator("[data-bb-party-search]").first
    search.fill("ons hu")
    partners.get_by_role("button", name=re.compile("^Woningcorporatie Ons Huis")).first.click()
    milestones = page.get_by_role("region", name="Mijlpalen")
    milestones.get_by_label(re.compile(r"^Mijlpaal\b")).first.fill("Ondertekening convenant")
    milestone_date = timezone.localdate() + dt.timedelta(days=120)
    milestones.get_by_label("Datum").first.fill(milestone_date.isoformat())
    milestones.get_by_label("Juridische toets", exact=False).first.check()
    page.get_by_role("button", name="Opslaan").last.click()

    project = Project.objects.get(title="Zonnedaken Noord")
    expect(page).to_have_url(f"{live_server.url}/projects/{project.pk}/")
    assert project.leader == leader
    assert project.commissioner == organisation["commissioner"]
    assert list(project.stakeholders.values_list("name", flat=True)) == [
        "Woningcorporatie Ons Huis"
    ]
    assert project.milestones.get().steps.get().procedure == organisation["procedure"]
    expect(page.get_by_text("honderd daken vol zonnepanelen")).to_be_visible()

    # Log a friction point inline: the page is not reloaded.
    mark_page(page)
    page.get_by_label("Titel").fill("Juridische toets duurt langer dan de subsidietermijn")
    page.get_by_label("Ernst").select_option(label="Hoog")
    page.get_by_label("Procedure", exact=True).select_option(str(organisation["procedure"].pk))
    page.get_by_role("button", name="Melden").click()
    expect(page.get_by_role("status").filter(has_text="Knelpunt gemeld")).to_be_visible()
    expect(
        page.get_by_role("link", name="Juridische toets duurt langer dan de subsidietermijn")
    ).to_be_visible()
    assert_not_reloaded(page)
    point = FrictionPoint.objects.get(project=project)
    assert point.severity == FrictionPoint.Severity.HIGH
    assert point.procedure == organisation["procedure"]

    # Comment and close it on its own page, inline.
    page.get_by_role("link", name="Juridische toets duurt langer dan de subsidietermijn").click()
    mark_page(page)
    page.get_by_label("Reactie").fill("Juridische Zaken kan een verkorte toets doen.")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Juridische Zaken kan een verkorte toets doen.")).to_be_visible()
    assert_not_reloaded(page)

    page.get_by_label("Aanpak").select_option(label="Onorthodoxe, speelse oplossing")
    page.get_by_label("Geleerde les").fill("Eerder samen aan tafel met de jurist.")
    page.get_by_role("button", name="Knelpunt sluiten").click()
    expect(page.get_by_text("Eerder samen aan tafel met de jurist.").first).to_be_visible()
    assert_not_reloaded(page)
    point.refresh_from_db()
    assert point.status == FrictionPoint.Status.CLOSED
    assert point.approach == FrictionPoint.Approach.UNORTHODOX
    assert point.updates.filter(text__contains="verkorte toets").exists()


def test_a_friction_point_can_be_logged_with_the_keyboard_alone(
    live_server, page: Page, login, organisation
):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader, commissioner=organisation["commissioner"])
    DepartmentInvolvementFactory(project=project, department=organisation["department"])
    login(leader)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    mark_page(page)

    title = page.get_by_label("Titel")
    title.focus()
    page.keyboard.type("Geen collegevergadering voor de deadline")
    # Tab through the form to the submit button without a mouse.
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.tagName + '|' + (document.activeElement.textContent || '')"
            " + '|' + (document.activeElement.id || '')"
        )
        if focused.startswith("SELECT|") and focused.endswith("severity"):
            page.keyboard.press("ArrowDown")  # from Middel ...
            page.keyboard.press("ArrowDown")  # ... to Blokkerend
        if focused.startswith("INPUT|") and "departments" in focused:
            page.keyboard.press("Space")
        if focused.startswith("BUTTON|") and "Melden" in focused:
            break
    else:
        pytest.fail("the Melden button is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Knelpunt gemeld")).to_be_visible()
    assert_not_reloaded(page)
    point = FrictionPoint.objects.get(project=project)
    assert point.title == "Geen collegevergadering voor de deadline"
    assert point.severity == FrictionPoint.Severity.BLOCKING
    assert list(point.departments.all()) == [organisation["department"]]
    # Focus moved to the new row so a keyboard user continues from there.
    expect(page.locator(":focus")).to_have_text(point.title)


def test_logging_works_as_a_full_page_without_javascript(
    live_server, browser, organisation, django_user_model
):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader, commissioner=organisation["commissioner"])
    DepartmentInvolvementFactory(project=project, department=organisation["department"])
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(leader.username)
    page.get_by_label("Wachtwoord").fill("binnenbuiten")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("button", name="Melden").click()  # empty: errors beside the fields
    expect(page.get_by_text("titel", exact=False).first).to_be_visible()
    assert not FrictionPoint.objects.exists()
    page.get_by_label("Titel").fill("Inkoop vraagt drie offertes voor 800 euro")
    page.get_by_label(organisation["department"].name).check()
    page.get_by_role("button", name="Melden").click()
    expect(page).to_have_url(f"{live_server.url}/projects/{project.pk}/#knelpunten")
    expect(page.get_by_text("Inkoop vraagt drie offertes voor 800 euro").first).to_be_visible()
    assert FrictionPoint.objects.get().title == "Inkoop vraagt drie offertes voor 800 euro"
    context.close()


def test_the_main_pages_have_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, organisation
):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader, commissioner=organisation["commissioner"])
    DepartmentInvolvementFactory(project=project, department=organisation["department"])
    point = FrictionPointFactory(project=project, departments=[organisation["department"]])
    FrictionPointFactory(project=project, automatic=True, procedure=organisation["procedure"])

    page.goto(f"{live_server.url}/accounts/login/")
    assert axe() == [], "login"
    login(leader)
    for url in (
        "/projects/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/friction/new/",
        f"/projects/{project.pk}/friction/{point.pk}/",
        "/projects/new/",
        "/stakeholders/",
    ):
        page.goto(f"{live_server.url}{url}")
        violations = axe()
        assert violations == [], (url, [(v["id"], v["help"]) for v in violations])
