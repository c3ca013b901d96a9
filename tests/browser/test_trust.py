"""Trust in real headless Chromium: an edit conflict keeps the user's text, archiving asks
first, and the new pages (history, edit, archive, statements) pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projects.models import FrictionPoint, Project
from projects.services.friction import friction_point_edit
from tests.factories import (
    CommissionerFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    LeaderFactory,
    ProjectFactory,
)

# serialized_rollback brings back the roles of the data migration after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def work():
    leader = LeaderFactory()
    department = DepartmentFactory(name="Juridische Zaken")
    project = ProjectFactory(leader=leader, commissioner=CommissionerFactory(), title="Dorpshuis")
    DepartmentInvolvementFactory(project=project, department=department)
    point = FrictionPointFactory(
        project=project, departments=[department], title="Mandaat ontbreekt", severity=2
    )
    return {"leader": leader, "project": project, "point": point, "department": department}


def test_an_edit_conflict_keeps_what_was_typed_and_overwrites_nothing(
    live_server, page: Page, login, work
):
    leader, project, point = work["leader"], work["project"], work["point"]
    login(leader)
    page.goto(f"{live_server.url}/projects/{project.pk}/friction/{point.pk}/edit/")
    page.get_by_label("Titel").fill("Mandaat ontbreekt bij de wethouder")
    # Meanwhile a colleague saves a change to the same point.
    friction_point_edit(
        point=FrictionPoint.objects.get(pk=point.pk),
        editor=project.commissioner,
        expected_version=point.version,
        title="Mandaat ligt bij het college",
        severity=point.severity,
        departments=[work["department"]],
    )
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", name="Wat nu is opgeslagen")).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value("Mandaat ontbreekt bij de wethouder")
    assert FrictionPoint.objects.get(pk=point.pk).title == "Mandaat ligt bij het college"
    # Saving again after seeing both versions is a deliberate choice: it goes through.
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mandaat ontbreekt bij de wethouder")).to_be_visible()
    assert FrictionPoint.objects.get(pk=point.pk).title == "Mandaat ontbreekt bij de wethouder"


def test_archiving_a_project_asks_first_and_keeps_it_readable(live_server, page: Page, login, work):
    project = work["project"]
    login(work["leader"])
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("button", name="Archiveren").click()
    expect(page.get_by_role("button", name="Ja, archiveren")).to_be_visible()
    assert Project.objects.get(pk=project.pk).archived_at is None
    page.get_by_role("button", name="Ja, archiveren").click()
    expect(page.get_by_text("Gearchiveerd").first).to_be_visible()
    assert Project.objects.get(pk=project.pk).archived_at is not None
    expect(page.get_by_role("link", name="Project bewerken")).to_have_count(0)


def test_the_trust_pages_have_no_serious_accessibility_violations(
    live_server, page: Page, login, axe, work
):
    project, point = work["project"], work["point"]
    for url in ("/privacy/", "/toegankelijkheid/"):
        page.goto(f"{live_server.url}{url}")
        violations = axe()
        assert violations == [], (url, [(v["id"], v["help"]) for v in violations])
    login(work["leader"])
    page.goto(f"{live_server.url}/projects/{project.pk}/friction/{point.pk}/edit/")
    page.get_by_label("Titel").fill("Mandaat ontbreekt echt")
    page.get_by_role("button", name="Opslaan").click()
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("button", name="Archiveren").click()
    expect(page.get_by_role("button", name="Ja, archiveren")).to_be_visible()
    violations = axe()
    assert violations == [], ("archive", [(v["id"], v["help"]) for v in violations])
    for url in (
        f"/projects/{project.pk}/geschiedenis/",
        f"/projects/{project.pk}/friction/{point.pk}/edit/",
    ):
        page.goto(f"{live_server.url}{url}")
        violations = axe()
        assert violations == [], (url, [(v["id"], v["help"]) for v in violations])
