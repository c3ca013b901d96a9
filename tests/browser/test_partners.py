"""The outside in real headless Chromium: contact moments and agreements logged inline
without a reload, on the project page and on the party page; axe on the register."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import Agreement, Interaction, Milestone
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    CommissionerFactory,
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

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world():
    leader = LeaderFactory(first_name="Pim", last_name="Leider")
    head = DepartmentHeadFactory(first_name="Ans", last_name="Hoofd")
    project = ProjectFactory(
        title="Zonnedaken Noord", leader=leader, commissioner=CommissionerFactory()
    )
    DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    other = StakeholderFactory(name="Energiecoöperatie Zon")
    StakeholderInvolvementFactory(project=project, stakeholder=party, influence=5, interest=4)
    StakeholderInvolvementFactory(project=project, stakeholder=other, influence=2, interest=5)
    karin = ContactFactory(stakeholder=party, name="Karin de Vries", role="Wijkmanager")
    ContactFactory(stakeholder=other, name="Zeno Zon", role="Voorzitter")
    return {"leader": leader, "head": head, "project": project, "party": party, "karin": karin}


def mark_page(page: Page) -> None:
    page.evaluate("window.__marker = 'still-here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == "still-here"


def test_a_leader_logs_a_contact_moment_and_an_agreement_on_the_project_page_without_reloads(
    live_server, page: Page, login, world
):
    login(world["leader"])
    page.goto(f"{live_server.url}/projects/{world['project'].pk}/")
    mark_page(page)

    form = page.locator("#interaction-form")
    form.get_by_label("Soort contact").select_option(label="Telefoongesprek")
    form.get_by_label("Partij").select_option(label="Woningcorporatie Ons Huis")
    # Only the chosen party's contact persons are offered.
    expect(form.get_by_label("Zeno Zon (Voorzitter)")).to_be_hidden()
    form.get_by_label("Karin de Vries (Wijkmanager)").check()
    form.get_by_label("Ans Hoofd").check()
    form.get_by_label("Samenvatting").fill("Afgesproken dat wij de vergunning op tijd regelen.")
    form.get_by_text("Vervolgactie afspreken (optioneel)").click()
    form.get_by_label("Vervolgactie", exact=True).fill("Conceptvergunning delen")
    form.get_by_label("Vervolgactie uiterlijk op").fill(
        (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    )
    form.get_by_role("button", name="Contactmoment vastleggen").click()

    expect(
        page.get_by_role("status").filter(
            has_text="Contactmoment vastgelegd met Woningcorporatie Ons Huis"
        )
    ).to_be_visible()
    expect(page.locator("#interaction-rows").get_by_text("Conceptvergunning delen")).to_be_visible()
    expect(page.locator("#interaction-rows").get_by_text("Karin de Vries")).to_be_visible()
    # A fresh, empty form replaced the one just used.
    expect(page.locator("#interaction-form").get_by_label("Samenvatting")).to_have_value("")
    assert_not_reloaded(page)
    interaction = Interaction.objects.get()
    assert interaction.kind == Interaction.Kind.PHONE
    assert interaction.participants.filter(contact=world["karin"]).exists()
    assert interaction.participants.filter(staff=world["head"]).exists()

    # Tick the follow-up off inline.
    page.get_by_role("button", name=re.compile("^Afvinken")).click()
    expect(page.get_by_role("button", name=re.compile("^Weer openzetten"))).to_be_visible()
    assert_not_reloaded(page)
    assert interaction.follow_ups.get().is_done

    # An agreement we owe, then "Maak mijlpaal": still no reload.
    page.get_by_text("Afspraak vastleggen", exact=True).first.click()
    agreements = page.locator("#agreement-form")
    agreements.get_by_label("Wat is er afgesproken?").fill("Omgevingsvergunning aangevraagd")
    agreements.get_by_label("Partij").select_option(label="Woningcorporatie Ons Huis")
    due = timezone.localdate() + dt.timedelta(days=60)
    agreements.get_by_label("Uiterlijk op").fill(due.isoformat())
    agreements.get_by_role("button", name="Afspraak vastleggen").click()
    expect(page.get_by_role("status").filter(has_text="Afspraak vastgelegd")).to_be_visible()
    agreement = Agreement.objects.get()
    row = page.locator(f"#afspraak-{agreement.pk}")
    row.get_by_role("button", name=re.compile("^Maak mijlpaal")).click()
    expect(page.locator(f"#afspraak-{agreement.pk}").get_by_text("Mijlpaal op")).to_be_visible()
    assert_not_reloaded(page)
    milestone = Milestone.objects.get()
    assert (milestone.title, milestone.date) == ("Omgevingsvergunning aangevraagd", due)


def test_a_head_logs_a_contact_moment_from_the_party_page_without_a_reload(
    live_server, page: Page, login, world
):
    login(world["head"])
    page.goto(f"{live_server.url}/stakeholders/{world['party'].pk}/")
    mark_page(page)
    form = page.locator("#interaction-form")
    form.get_by_label("Soort contact").select_option(label="Werkbezoek")
    form.get_by_label("Project").select_option(label="Zonnedaken Noord")
    form.get_by_label("Karin de Vries (Wijkmanager)").check()
    form.get_by_label("Samenvatting").fill("Samen de daken bekeken.")
    form.get_by_role("button", name="Contactmoment vastleggen").click()
    expect(page.locator("#interaction-rows").get_by_text("Samen de daken bekeken.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Contactmoment vastgelegd")).to_be_visible()
    assert_not_reloaded(page)
    interaction = Interaction.objects.get()
    assert (interaction.project, interaction.author) == (world["project"], world["head"])


def test_a_form_with_errors_comes_back_inline_and_focused(live_server, page: Page, login, world):
    login(world["leader"])
    page.goto(f"{live_server.url}/stakeholders/{world['party'].pk}/")
    mark_page(page)
    page.locator("#interaction-form").get_by_role("button", name="Contactmoment vastleggen").click()
    expect(page.get_by_text("Vat in een paar woorden samen wat er besproken is.")).to_be_visible()
    assert_not_reloaded(page)
    assert not Interaction.objects.exists()


def test_logging_from_the_party_page_works_without_javascript(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(world["leader"].username)
    page.get_by_label("Wachtwoord").fill("binnenbuiten")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/stakeholders/{world['party'].pk}/")
    form = page.locator("#interaction-form")
    form.get_by_label("Project").select_option(label="Zonnedaken Noord")
    form.get_by_label("Samenvatting").fill("Telefonisch de planning doorgenomen.")
    form.get_by_role("button", name="Contactmoment vastleggen").click()
    expect(page).to_have_url(f"{live_server.url}/stakeholders/{world['party'].pk}/#contactmomenten")
    expect(page.get_by_text("Telefonisch de planning doorgenomen.")).to_be_visible()
    context.close()


def test_the_register_has_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, world
):
    interaction = InteractionFactory(
        project=world["project"], stakeholder=world["party"], contacts=[world["karin"]]
    )
    FollowUpFactory(interaction=interaction)
    AgreementFactory(project=world["project"], stakeholder=world["party"], overdue=True)
    FrictionPointFactory(project=world["project"])
    StakeholderFactory(name="ons huis woningcorporatie")
    for user in (world["leader"], AdministratorFactory(), world["project"].commissioner):
        login(user)
        for url in (
            "/stakeholders/",
            "/stakeholders/?projects=any&contact=recent&sort=recent",
            f"/stakeholders/{world['party'].pk}/",
            f"/projects/{world['project'].pk}/",
            f"/projects/{world['project'].pk}/interactions/",
            "/stakeholders/new/",
            "/dashboard/krachtenveld/",
        ):
            response = page.goto(f"{live_server.url}{url}")
            if response.status == 403:
                continue
            violations = axe()
            assert violations == [], (user, url, [(v["id"], v["help"]) for v in violations])
        page.context.clear_cookies()
