"""The look in real headless Chromium: the open example theme by default, another token file
(BB_THEME_CSS) changes the primary colour without a change to the code, and axe finds no
serious or critical violation on a tour of the pages whose components changed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import (
    AgreementFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    InteractionFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The example theme's primary button: --voorbeeld-kleuren-violet-500 (#5115ef).
EXAMPLE_PRIMARY = "rgb(81, 21, 239)"
# An organisation's own token file, with its own class, as BB_THEME_CSS would name it.
GEMEENTE_TOKENS = """
.gemeente-theme {
  --utrecht-button-primary-action-background-color: #006400;
  --utrecht-button-primary-action-border-color: #006400;
  --utrecht-button-primary-action-color: #ffffff;
  --utrecht-document-color: #1a1a1a;
}
"""
GEMEENTE_PRIMARY = "rgb(0, 100, 0)"


def primary_colours(page: Page) -> tuple[str, str]:
    """The primary button's background, and the colour our own CSS takes from the same
    token (the bar beside "Wat is de bedoeling?")."""
    button = page.locator(".utrecht-button--primary-action").first
    purpose = page.locator(".bb-purpose").first
    return (
        button.evaluate("el => getComputedStyle(el).backgroundColor"),
        purpose.evaluate("el => getComputedStyle(el).borderLeftColor"),
    )


def test_another_theme_file_changes_the_primary_colour(
    live_server, page: Page, login, settings, tmp_path
):
    leader = LeaderFactory()
    project = ProjectFactory(leader=leader, title="Zonnedaken Noord")
    DepartmentInvolvementFactory(project=project)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(leader)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    assert page.evaluate("document.documentElement.className") == "voorbeeld-theme"
    assert primary_colours(page) == (EXAMPLE_PRIMARY, EXAMPLE_PRIMARY)

    tokens = tmp_path / "gemeente.css"
    tokens.write_text(GEMEENTE_TOKENS, encoding="utf-8")
    settings.BB_THEME_CSS = str(tokens)
    settings.BB_THEME_CLASS = "gemeente-theme"
    page.reload()
    assert page.evaluate("document.documentElement.className") == "gemeente-theme"
    assert primary_colours(page) == (GEMEENTE_PRIMARY, GEMEENTE_PRIMARY)
    # The example theme is gone: the text colour is the organisation's too.
    expect(page.locator("body")).to_have_css("color", "rgb(26, 26, 26)")
    assert violations == []


@pytest.fixture
def organisation():
    commissioner = CommissionerFactory(first_name="Bea", last_name="Bureau")
    leader = LeaderFactory(first_name="Pim", last_name="Leider")
    head = DepartmentHeadFactory(first_name="Hanna", last_name="Hoofd")
    department = DepartmentFactory(head=head, name="Juridische Zaken")
    project = ProjectFactory(commissioner=commissioner, leader=leader, title="Wijkpark Noord")
    DepartmentInvolvementFactory(project=project, department=department)
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    StakeholderInvolvementFactory(project=project, stakeholder=party)
    blocking = FrictionPointFactory(
        project=project, departments=[department], severity=4, support=True
    )
    FrictionUpdateFactory(friction_point=blocking, text="Ik vraag om kennis over de regeling.")
    FrictionPointFactory(project=project, departments=[department], automatic=True)
    FrictionPointFactory(
        project=project,
        departments=[department],
        closed=True,
        lesson_learned="Juridische Zaken vroeg aan tafel vragen.",
    )
    interaction = InteractionFactory(project=project, stakeholder=party, author=leader)
    FollowUpFactory(interaction=interaction, done=True)
    AgreementFactory(project=project, stakeholder=party, overdue=True)
    return {
        "commissioner": commissioner,
        "leader": leader,
        "head": head,
        "project": project,
        "party": party,
        "point": blocking,
    }


def test_the_pages_with_library_components_have_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, organisation
):
    project, point = organisation["project"], organisation["point"]
    tours = {
        "leader": [
            reverse("projects:list"),
            project.get_absolute_url(),
            reverse("projects:history", args=[project.pk]),
            reverse("projects:friction_list", args=[project.pk]),
            reverse("projects:friction_detail", args=[project.pk, point.pk]),
            reverse("projects:interaction_list", args=[project.pk]),
            reverse("stakeholders:list"),
            reverse("stakeholders:detail", args=[organisation["party"].pk]),
            reverse("privacy"),
            reverse("accessibility"),
        ],
        "commissioner": [
            reverse("projects:dashboard"),
            reverse("projects:portfolio_report"),
            reverse("projects:friction_report", args=[project.pk, point.pk]),
            reverse("projects:insight"),
        ],
        "head": [reverse("projects:inbox")],
    }
    for role, urls in tours.items():
        page.context.clear_cookies()
        login(organisation[role])
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None and response.status == 200, (role, url)
            violations = axe()
            summary = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
            assert violations == [], (role, url, summary)
