"""Who may do what on the project pages: personas × projects × views × methods.

Personas: the leader, the commissioner, the head of an involved department, an outsider
(another Projectleider), a Beheerder and an anonymous visitor. Projects: their own project,
another (open) project and a confidential project the first three are involved in.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.models import ProcedureStep, Project
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    LeaderFactory,
    MilestoneFactory,
    ProcedureStepFactory,
    ProjectFactory,
)
from tests.projects.test_views_projects import project_data

pytestmark = pytest.mark.django_db

PERSONAS = ["leader", "commissioner", "head", "outsider", "administrator", "anonymous"]
PROJECTS = ["own", "other", "confidential"]
LOGIN = "login"  # anonymous visitors are sent to the login page

# What each persona gets when it opens a project's page.
VIEW = {
    "own": dict.fromkeys(PERSONAS[:5], 200),
    "other": dict.fromkeys(PERSONAS[:5], 200),
    "confidential": {
        "leader": 200,
        "commissioner": 200,
        "head": 200,
        "outsider": 404,
        "administrator": 200,
    },
}
# Whether each persona may edit the project (and its steps): "ok", or the refusal.
EDIT = {
    "own": {
        "leader": "ok",
        "commissioner": "ok",
        "head": 403,
        "outsider": 403,
        "administrator": "ok",
    },
    "other": {
        "leader": 403,
        "commissioner": 403,
        "head": 403,
        "outsider": 403,
        "administrator": "ok",
    },
    "confidential": {
        "leader": "ok",
        "commissioner": "ok",
        "head": 403,
        "outsider": 404,
        "administrator": "ok",
    },
}
CREATE = {
    "leader": "ok",
    "commissioner": "ok",
    "head": 403,
    "outsider": "ok",
    "administrator": "ok",
}


@pytest.fixture
def world():
    leader = LeaderFactory()
    commissioner = CommissionerFactory()
    head = DepartmentHeadFactory()
    department = DepartmentFactory(head=head)
    own = ProjectFactory(leader=leader, commissioner=commissioner, title="Eigen project")
    other = ProjectFactory(title="Ander project")
    confidential = ProjectFactory(
        leader=leader, commissioner=commissioner, confidential=True, title="Geheim project"
    )
    for project in (own, confidential):
        DepartmentInvolvementFactory(project=project, department=department)
    projects = {"own": own, "other": other, "confidential": confidential}
    return SimpleNamespace(
        users={
            "leader": leader,
            "commissioner": commissioner,
            "head": head,
            "outsider": LeaderFactory(),
            "administrator": AdministratorFactory(),
            "anonymous": None,
        },
        projects=projects,
        steps={
            name: ProcedureStepFactory(milestone=MilestoneFactory(project=project))
            for name, project in projects.items()
        },
    )


def signed_in(client, world, persona: str):
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    return client


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list(client, world, persona):
    response = signed_in(client, world, persona).get(reverse("projects:list"), {"scope": "all"})
    if persona == "anonymous":
        assert_sent_to_login(response)
        return
    assert response.status_code == 200
    listed = {p.title for p in response.context["page"]}
    assert ("Geheim project" in listed) == (VIEW["confidential"][persona] == 200)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_project_page(client, world, persona, project):
    url = reverse("projects:detail", args=[world.projects[project].pk])
    response = signed_in(client, world, persona).get(url)
    if persona == "anonymous":
        assert_sent_to_login(response)
    else:
        assert response.status_code == VIEW[project][persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_create_form(client, world, persona):
    response = signed_in(client, world, persona).get(reverse("projects:create"))
    if persona == "anonymous":
        assert_sent_to_login(response)
    else:
        assert response.status_code == (200 if CREATE[persona] == "ok" else CREATE[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating(client, world, persona):
    before = Project.objects.count()
    data = project_data(
        commissioner=world.users["commissioner"], leader=world.users["leader"], title="Nieuw"
    )
    response = signed_in(client, world, persona).post(reverse("projects:create"), data)
    if persona == "anonymous":
        assert_sent_to_login(response)
    elif CREATE[persona] == "ok":
        assert response.status_code == 302
        created = Project.objects.get(title="Nieuw")
        expected_leader = world.users[persona] if persona in ("leader", "outsider") else None
        assert created.leader == (expected_leader or world.users["leader"])
        return
    else:
        assert response.status_code == CREATE[persona]
    assert Project.objects.count() == before


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_edit_form(client, world, persona, project):
    url = reverse("projects:edit", args=[world.projects[project].pk])
    response = signed_in(client, world, persona).get(url)
    if persona == "anonymous":
        assert_sent_to_login(response)
    else:
        expected = EDIT[project][persona]
        assert response.status_code == (200 if expected == "ok" else expected)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_editing(client, world, persona, project):
    target = world.projects[project]
    data = project_data(
        commissioner=target.commissioner, leader=target.leader, title="Gewijzigd", version=1
    )
    url = reverse("projects:edit", args=[target.pk])
    response = signed_in(client, world, persona).post(url, data)
    target.refresh_from_db()
    if persona == "anonymous":
        assert_sent_to_login(response)
    elif EDIT[project][persona] == "ok":
        assert response.status_code == 302
        assert target.title == "Gewijzigd"
        return
    else:
        assert response.status_code == EDIT[project][persona]
    assert target.title != "Gewijzigd"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_a_step_status(client, world, persona, project):
    step = world.steps[project]
    url = reverse("projects:step_status", args=[world.projects[project].pk, step.pk])
    response = signed_in(client, world, persona).post(url, {"status": "loopt"})
    step.refresh_from_db()
    if persona == "anonymous":
        assert_sent_to_login(response)
    elif EDIT[project][persona] == "ok":
        assert response.status_code == 302
        assert step.status == ProcedureStep.Status.IN_PROGRESS
        return
    else:
        assert response.status_code == EDIT[project][persona]
    assert step.status == ProcedureStep.Status.TO_START


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("list", "post"),
        ("detail", "post"),
        ("detail", "delete"),
        ("create", "put"),
        ("edit", "delete"),
        ("edit", "patch"),
        ("step_status", "get"),
        ("step_status", "put"),
    ],
)
@pytest.mark.parametrize("persona", ["leader", "anonymous"])
def test_a_wrong_method_is_405(client, world, name, method, persona):
    own = world.projects["own"]
    args = {
        "list": [],
        "create": [],
        "detail": [own.pk],
        "edit": [own.pk],
        "step_status": [own.pk, world.steps["own"].pk],
    }[name]
    client = signed_in(client, world, persona)
    response = getattr(client, method)(reverse(f"projects:{name}", args=args))
    assert response.status_code == 405
    own.refresh_from_db()
    assert own.title == "Eigen project"


@pytest.mark.parametrize("name", ["detail", "edit"])
def test_an_unknown_project_is_404(client, world, name):
    client.force_login(world.users["administrator"])
    assert client.get(reverse(f"projects:{name}", args=[999_999])).status_code == 404


def test_a_step_of_an_unknown_project_is_404(client, world):
    client.force_login(world.users["administrator"])
    url = reverse("projects:step_status", args=[999_999, world.steps["own"].pk])
    assert client.post(url, {"status": "klaar"}).status_code == 404
