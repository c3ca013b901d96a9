"""The commissioning dashboard, the department inbox and "Waar wringt het?" in real
headless Chromium: answering support without a reload, and axe on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import FrictionPoint
from tests.factories import (
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    LeaderFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProjectFactory,
)

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def organisation():
    commissioner = CommissionerFactory(first_name="Bea", last_name="Bureau")
    leader = LeaderFactory(first_name="Pim", last_name="Leider")
    head = DepartmentHeadFactory(first_name="Hanna", last_name="Hoofd")
    department = DepartmentFactory(head=head, name="Juridische Zaken")
    procedure = ProcedureFactory(department=department, name="Juridische toets")
    project = ProjectFactory(commissioner=commissioner, leader=leader, title="Wijkpark Noord")
    DepartmentInvolvementFactory(project=project, department=department)
    milestone = MilestoneFactory(project=project, title="Subsidiedeadline")
    request = FrictionPointFactory(
        project=project,
        title="Subsidievoorwaarden onduidelijk",
        support=True,
        escalated_at=timezone.now(),
        departments=[department],
        purpose_question="Wat wil de provincie met deze voorwaarde bereiken?",
    )
    FrictionPointFactory(
        project=project,
        title="Doorlooptijd juridische toets knelt",
        automatic=True,
        slack_days=-2,
        latest_start=timezone.localdate() - dt.timedelta(days=3),
        milestone=milestone,
        procedure=procedure,
        departments=[department],
    )
    closed = FrictionPointFactory(
        project=project,
        procedure=procedure,
        departments=[department],
        closed=True,
        lesson_learned="Juridische Zaken vroeg aan tafel vragen.",
    )
    FrictionPoint.objects.filter(pk=closed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20)
    )
    FrictionUpdateFactory(friction_point=request, text="Ik vraag om kennis over de regeling.")
    return {
        "commissioner": commissioner,
        "leader": leader,
        "head": head,
        "request": request,
    }


def no_serious_violations(violations: list[dict]) -> None:
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert violations == [], summary


def test_the_commissioner_answers_without_a_reload_and_the_leader_sees_it(
    live_server, page: Page, login, organisation
):
    request = organisation["request"]
    login(organisation["commissioner"])
    # A Bureauhoofd starts on the dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard opdrachtgever")
    expect(page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")

    page.evaluate("window.__marker = 1")
    card = page.locator(f"#steunvraag-{request.pk}")
    expect(card).to_contain_text("Subsidievoorwaarden onduidelijk")
    card.get_by_label("Jouw antwoord").fill("Bel Karin van Subsidies, zij kent de regeling.")
    card.get_by_role("button", name="Antwoord versturen").click()

    answered = page.locator(f"#steunvraag-{request.pk}")
    expect(answered).to_contain_text("Antwoord verstuurd aan Pim Leider")
    expect(answered).to_contain_text("Bel Karin van Subsidies")
    expect(page.locator("#dashboard-status")).to_contain_text("Antwoord verstuurd")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    # The project leader sees the answer on the friction point's timeline.
    page.get_by_role("button", name="Uitloggen").click()
    login(organisation["leader"])
    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    timeline = page.locator(".bb-timeline")
    expect(timeline).to_contain_text("Bel Karin van Subsidies, zij kent de regeling.")
    expect(timeline).to_contain_text("Antwoord op ondersteuningsvraag")
    expect(page.locator(".bb-support")).to_contain_text("Beantwoord op")


def test_the_dashboard_has_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, organisation
):
    login(organisation["commissioner"])
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#steunvraag-" + str(organisation["request"].pk))).to_be_visible()
    no_serious_violations(axe())


def test_the_inbox_has_no_serious_accessibility_violations_and_thinks_along_inline(
    live_server, page: Page, login, axe, organisation
):
    login(organisation["head"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Afdelingsinbox")
    no_serious_violations(axe())

    page.evaluate("window.__marker = 1")
    card = page.locator(f"#inbox-{organisation['request'].pk}")
    card.get_by_role("textbox", name="Meedenken").fill("Het gaat om staatssteun; bel ons.")
    card.get_by_label("Bestaande werkwijze koesteren").check()
    card.get_by_role("button", name="Versturen").click()
    expect(page.locator(f"#inbox-{organisation['request'].pk}")).to_contain_text(
        "Je voorstel staat op de tijdlijn"
    )
    assert page.evaluate("window.__marker") == 1


def test_insight_has_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, organisation
):
    login(organisation["commissioner"])
    page.goto(f"{live_server.url}/inzicht/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Waar wringt het?")
    expect(page.get_by_role("img", name="Gekozen aanpak per kwartaal")).to_be_visible()
    expect(page.locator("#lessons")).to_contain_text("Juridische Zaken vroeg aan tafel vragen.")
    no_serious_violations(axe())
