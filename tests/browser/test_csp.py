"""The Content Security Policy holds in a real browser: no violation and no eval while the
main pages and their htmx features are used."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects.models import FrictionPoint
from tests.factories import (
    CommissionerFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
)

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs before any script of the page (and outside its policy): record every violation and
# every expression htmx refused to evaluate.
RECORDER = """
window.__bbViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__bbViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
document.addEventListener("htmx:evalDisallowedError", function () {
  window.__bbViolations.push("htmx eval");
});
"""


@pytest.fixture
def csp_problems(page: Page):
    """``csp_problems()``: the violations reported so far, by events and on the console."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "eval" in message.text.lower()
            else None
        ),
    )
    page.add_init_script(RECORDER)

    def problems() -> list[str]:
        return [*page.evaluate("window.__bbViolations"), *console]

    return problems


def test_no_policy_violation_on_the_main_pages_while_using_htmx(
    live_server, page: Page, csp_problems, login
):
    leader = LeaderFactory()
    department = DepartmentFactory(name="Inkoop")
    project = ProjectFactory(leader=leader, title="Zonnedaken Noord")
    DepartmentInvolvementFactory(project=project, department=department)
    point = FrictionPointFactory(project=project, departments=[department])
    StakeholderFactory(name="Woningcorporatie Ons Huis")

    page.goto(f"{live_server.url}/accounts/login/")
    assert csp_problems() == [], "login"
    login(leader)

    # The project list: filter as you type (htmx swaps the results).
    page.goto(f"{live_server.url}/projects/")
    page.get_by_label("Zoeken", exact=True).fill("zonne")
    expect(page.get_by_role("link", name="Zonnedaken Noord")).to_be_visible()
    assert csp_problems() == [], "project list"

    # The project page: report a friction point inline.
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_label("Titel").fill("Inkoop vraagt drie offertes")
    page.get_by_label("Inkoop", exact=True).check()
    page.get_by_role("button", name="Melden").click()
    expect(page.get_by_role("status").filter(has_text="Knelpunt gemeld")).to_be_visible()
    assert csp_problems() == [], "project page"

    # A friction point: comment inline.
    page.goto(f"{live_server.url}/projects/{project.pk}/friction/{point.pk}/")
    page.get_by_label("Reactie").fill("Eerder met de inkoper aan tafel.")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Eerder met de inkoper aan tafel.")).to_be_visible()
    assert csp_problems() == [], "friction point"

    # A new project: find a partner as you type, add a row without a round trip.
    page.goto(f"{live_server.url}/projects/new/")
    search = page.locator("[data-bb-party-search]").first
    search.fill("ons hu")
    expect(page.get_by_role("button", name="Woningcorporatie Ons Huis").first).to_be_visible()
    assert csp_problems() == [], "project form"

    # The register of external parties: search as you type.
    page.goto(f"{live_server.url}/stakeholders/")
    page.get_by_label("Zoeken", exact=True).fill("woning")
    expect(page.get_by_role("link", name="Woningcorporatie Ons Huis")).to_be_visible()
    assert csp_problems() == [], "stakeholders"


def test_no_policy_violation_on_the_commissioners_pages(
    live_server, page: Page, csp_problems, login
):
    commissioner = CommissionerFactory()
    project = ProjectFactory(commissioner=commissioner)
    FrictionPointFactory(project=project, support_asked=FrictionPoint.Support.KNOWLEDGE)
    login(commissioner)
    for url in ("/dashboard/", "/inzicht/", "/inbox/"):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert csp_problems() == [], url


def test_the_recorder_sees_a_violation(live_server, page: Page, csp_problems):
    # The check above can fail: an inline script is refused and reported.
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__bbInline = true";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__bbViolations.length > 0")
    assert page.evaluate("window.__bbInline") is None
    assert any("script-src" in problem for problem in csp_problems())
