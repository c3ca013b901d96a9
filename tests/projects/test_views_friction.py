from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from projects.models import FrictionPoint, FrictionUpdate, Project
from projects.views.friction import LOG_TEMPLATE, friction_log_context
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    LeaderFactory,
    ProcedureFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class World:
    leader: object
    commissioner: object
    head: object
    outsider: object
    admin: object
    department: object
    procedure: object
    own: Project
    other: Project
    secret: Project
    points: dict[str, FrictionPoint]

    def user(self, persona: str):
        return None if persona == "anonymous" else getattr(self, persona)


@pytest.fixture
def world() -> World:
    leader, commissioner = LeaderFactory(), CommissionerFactory()
    head = DepartmentHeadFactory()
    department = DepartmentFactory(head=head, name="Juridische Zaken")
    own = ProjectFactory(leader=leader, commissioner=commissioner, title="Wijkpark")
    DepartmentInvolvementFactory(project=own, department=department)
    other = ProjectFactory(title="Energiecoöperatie")
    secret = ProjectFactory(confidential=True, title="Grondaankoop")
    projects = {"own": own, "other": other, "secret": secret}
    return World(
        leader=leader,
        commissioner=commissioner,
        head=head,
        outsider=LeaderFactory(),
        admin=AdministratorFactory(),
        department=department,
        procedure=ProcedureFactory(department=department, name="Juridische toets"),
        own=own,
        other=other,
        secret=secret,
        points={key: FrictionPointFactory(project=project) for key, project in projects.items()},
    )


def url(name: str, point: FrictionPoint | None = None, project: Project | None = None) -> str:
    if point is not None:
        return reverse(f"projects:{name}", args=[point.project_id, point.pk])
    return reverse(f"projects:{name}", args=[project.pk])


# --- access: every persona x project x view x method ----------------------------------------

PERSONAS = ["leader", "commissioner", "head", "outsider", "admin", "anonymous"]
PROJECTS = ["own", "other", "secret"]


def access(persona: str, project: str) -> str:
    if persona == "anonymous":
        return "anonymous"
    if persona == "admin" or (project == "own" and persona in {"leader", "commissioner", "head"}):
        return "contribute"
    return "hidden" if project == "secret" else "view"


# (view, method, on a friction point, what it needs, payload)
VIEWS = [
    ("friction_list", "get", False, "view", None),
    ("friction_create", "get", False, "contribute", None),
    ("friction_create", "post", False, "contribute", "create"),
    ("friction_detail", "get", True, "view", None),
    ("friction_comment", "post", True, "contribute", {"text": "Ik bel juridische zaken."}),
    ("friction_status", "post", True, "contribute", {"status": "in_behandeling"}),
    (
        "friction_close",
        "post",
        True,
        "contribute",
        {"approach": "koesteren", "lesson_learned": "Les"},
    ),
]


def expected_status(persona: str, project: str, needs: str, method: str) -> int:
    level = access(persona, project)
    if level == "anonymous":
        return 302
    if level == "hidden":
        return 404
    if needs == "contribute" and level == "view":
        return 403
    return 302 if method == "post" else 200


def snapshot() -> tuple:
    return (
        FrictionPoint.objects.count(),
        FrictionUpdate.objects.count(),
        tuple(FrictionPoint.objects.order_by("pk").values_list("status", "last_activity_at")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("project_key", PROJECTS)
@pytest.mark.parametrize(
    ("view", "method", "on_point", "needs", "payload"),
    VIEWS,
    ids=[f"{view}-{method}" for view, method, *_ in VIEWS],
)
def test_access(client, world, persona, project_key, view, method, on_point, needs, payload):
    project = getattr(world, project_key)
    point = world.points[project_key]
    target = url(view, point) if on_point else url(view, project=project)
    if payload == "create":
        payload = {"title": "Nieuw knelpunt", "severity": "3", "procedure": world.procedure.pk}
    if (user := world.user(persona)) is not None:
        client.force_login(user)
    before = snapshot()

    response = getattr(client, method)(target, payload or {})

    status = expected_status(persona, project_key, needs, method)
    assert response.status_code == status
    if status == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if method == "post" and status != 302 or persona == "anonymous":
        assert snapshot() == before
    if method == "post" and status == 302 and persona != "anonymous":
        assert snapshot() != before


@pytest.mark.parametrize(
    ("view", "method", "on_point"),
    [
        ("friction_list", "post", False),
        ("friction_create", "put", False),
        ("friction_create", "delete", False),
        ("friction_detail", "post", True),
        ("friction_comment", "get", True),
        ("friction_status", "get", True),
        ("friction_close", "get", True),
    ],
)
def test_a_wrong_method_is_405(client, world, view, method, on_point):
    client.force_login(world.admin)
    point = world.points["own"]
    target = url(view, point) if on_point else url(view, project=world.own)

    response = getattr(client, method)(target)

    assert response.status_code == 405


def test_a_point_of_another_project_is_not_found_under_this_one(client, world):
    client.force_login(world.leader)

    response = client.get(
        reverse("projects:friction_detail", args=[world.own.pk, world.points["other"].pk])
    )

    assert response.status_code == 404


# --- logging a friction point ("Knelpunt melden") ------------------------------------------


class TestCreate:
    def test_the_full_page_form_asks_the_essentials_first(self, client, world):
        client.force_login(world.leader)

        response = client.get(url("friction_create", project=world.own))

        html = response.content.decode()
        assert response.status_code == 200
        assert '<h1 class="utrecht-heading-1">Knelpunt melden</h1>' in html
        for label in ("Titel", "Ernst", "Afdeling(en)", "Procedure", "Meer vertellen (optioneel)"):
            assert label in html
        assert 'for="friction_title"' in html
        assert '<optgroup label="Juridische Zaken">' in html
        # Without JavaScript the form is a plain POST: no htmx attributes on the full page.
        assert "hx-post" not in html

    def test_without_javascript_it_saves_and_returns_to_the_project_log(self, client, world):
        client.force_login(world.leader)

        response = client.post(
            url("friction_create", project=world.own),
            {
                "title": "Collegebesluit pas na de subsidiedeadline",
                "severity": "4",
                "departments": [world.department.pk],
                "support_asked": "route_bestuur",
                "purpose_question": "Zorgvuldige besluitvorming",
            },
        )

        assert response.status_code == 302
        assert response["Location"] == world.own.get_absolute_url() + "#knelpunten"
        point = FrictionPoint.objects.get(title="Collegebesluit pas na de subsidiedeadline")
        assert (point.severity, point.author, point.support_asked) == (
            4,
            world.leader,
            "route_bestuur",
        )
        assert point.support_requested_at is not None
        assert list(point.departments.all()) == [world.department]
        messages = [str(message) for message in get_messages(response.wsgi_request)]
        assert messages == ["Knelpunt gemeld: Collegebesluit pas na de subsidiedeadline"]

    def test_with_htmx_it_answers_the_new_row_a_fresh_form_and_a_status_message(
        self, client, world
    ):
        client.force_login(world.head)

        response = client.post(
            url("friction_create", project=world.own),
            {"title": "Inkoop duurt zes weken", "severity": "3", "procedure": world.procedure.pk},
            **HTMX,
        )

        html = response.content.decode()
        point = FrictionPoint.objects.get(title="Inkoop duurt zes weken")
        assert response.status_code == 200
        assert "<html" not in html
        assert html.lstrip().startswith(f'<tr id="knelpunt-{point.pk}"')
        assert "data-bb-focus" in html.split("<template>")[0]
        assert '<form id="friction-form"' in html
        assert 'hx-swap-oob="true"' in html
        assert 'value="Inkoop duurt zes weken"' not in html
        assert '<div id="friction-log-status" hx-swap-oob="innerHTML">' in html
        assert "Knelpunt gemeld" in html
        assert not list(get_messages(response.wsgi_request))

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"departments": ["999999"]}, "departments"),
            ({"procedure": "999999"}, "procedure"),
            ({"severity": "9"}, "severity"),
            ({"departments": [], "procedure": ""}, "departments"),
        ],
        ids=[
            "empty-title",
            "huge-title",
            "unknown-department",
            "unknown-procedure",
            "severity-9",
            "nowhere",
        ],
    )
    @pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
    def test_bad_input_is_shown_beside_the_field_keeping_values_and_saves_nothing(
        self, client, world, data, field, htmx
    ):
        client.force_login(world.leader)
        payload = {
            "title": "Te laat",
            "severity": "2",
            "departments": [world.department.pk],
            "description": "Het college vergadert pas in juli.",
            **data,
        }
        before = snapshot()

        response = client.post(
            url("friction_create", project=world.own), payload, **(HTMX if htmx else {})
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert f'id="friction_{field}_error"' in html
        assert "Het college vergadert pas in juli." in html
        assert '<details class="bb-details" open>' in html
        if payload["title"]:
            assert f'value="{payload["title"]}"' in html
        assert snapshot() == before
        if htmx:
            assert response["HX-Retarget"] == "#friction-form"
            assert response["HX-Reswap"] == "outerHTML"
            assert "<html" not in html
            assert "data-bb-focus" in html
        else:
            assert "<html" in html

    def test_script_in_a_title_is_shown_as_text(self, client, world):
        client.force_login(world.leader)
        title = '<script>alert("knelpunt")</script>'

        client.post(
            url("friction_create", project=world.own),
            {"title": title, "severity": "2", "departments": [world.department.pk]},
        )
        point = FrictionPoint.objects.get(title=title)
        pages = [
            client.get(url("friction_list", project=world.own)),
            client.get(url("friction_detail", point)),
        ]

        for page in pages:
            html = page.content.decode()
            assert "<script>alert" not in html
            assert "&lt;script&gt;alert(&quot;knelpunt&quot;)&lt;/script&gt;" in html


# --- the log: list, filters, rows -------------------------------------------------------------


class TestList:
    def test_without_htmx_it_is_a_full_page_with_the_form_for_contributors(self, client, world):
        client.force_login(world.leader)

        response = client.get(url("friction_list", project=world.own))

        html = response.content.decode()
        assert "<html" in html
        assert 'id="knelpunten"' in html
        assert "Knelpunt melden" in html
        assert 'id="friction-form"' in html
        assert 'hx-post="' in html
        assert 'role="status"' in html
        assert world.points["own"].title in html

    def test_a_reader_sees_the_log_without_forms(self, client, world):
        client.force_login(world.outsider)

        response = client.get(url("friction_list", project=world.own))

        html = response.content.decode()
        assert response.status_code == 200
        assert world.points["own"].title in html
        assert "Knelpunt melden" not in html
        assert 'id="friction-form"' not in html

    def test_with_htmx_it_answers_only_the_list_and_the_count(self, client, world):
        client.force_login(world.leader)

        response = client.get(url("friction_list", project=world.own), {"k-status": "alle"}, **HTMX)

        html = response.content.decode()
        assert "<html" not in html
        assert html.lstrip().startswith('<div id="friction-results"')
        assert '<div id="friction-log-status" hx-swap-oob="innerHTML">' in html
        assert "1 knelpunt gevonden met deze filters." in html
        assert 'id="friction-form"' not in html

    def test_htmx_restoring_history_gets_the_whole_page(self, client, world):
        client.force_login(world.leader)

        response = client.get(
            url("friction_list", project=world.own), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
        )

        assert "<html" in response.content.decode()
        assert "HX-Request" in response["Vary"]

    def test_htmx_filtering_keeps_the_filters_in_the_address_of_the_page_it_is_on(
        self, client, world
    ):
        client.force_login(world.leader)
        page = f"http://testserver{world.own.get_absolute_url()}?tab=mijlpalen&k-severity=1"

        response = client.get(
            url("friction_list", project=world.own),
            {"k-status": "alle", "k-severity": "4", "k-category": ""},
            HTTP_HX_CURRENT_URL=page,
            **HTMX,
        )

        assert response["HX-Push-Url"] == (
            f"{world.own.get_absolute_url()}?tab=mijlpalen&k-status=alle&k-severity=4"
        )

    def test_the_filter_form_submits_to_the_page_and_keeps_its_other_parameters(
        self, client, world
    ):
        client.force_login(world.leader)

        response = client.get(url("friction_list", project=world.own), {"tab": "mijlpalen"})

        html = response.content.decode()
        assert f'action="{url("friction_list", project=world.own)}#knelpunten"' in html
        assert '<input type="hidden" name="tab" value="mijlpalen">' in html
        assert 'name="k-status"' in html

    def test_rows_are_ordered_by_severity_then_age(self, client, world):
        FrictionPoint.objects.all().delete()
        project = world.own
        with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC)):
            old_medium = FrictionPointFactory(project=project, title="Oud middel", severity=2)
            old_low = FrictionPointFactory(project=project, title="Oud laag", severity=1)
        with time_machine.travel(dt.datetime(2026, 3, 5, tzinfo=dt.UTC)):
            FrictionPointFactory(project=project, title="Nieuw blokkerend", severity=4)
            FrictionPointFactory(project=project, title="Nieuw middel", severity=2)
        client.force_login(world.leader)

        response = client.get(url("friction_list", project=project), **HTMX)

        titles = [point.title for point in response.context["friction_points"]]
        assert titles == ["Nieuw blokkerend", old_medium.title, "Nieuw middel", old_low.title]
        assert "sinds 05-01-2026" in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, {"open", "in behandeling", "flag"}),
            ({"k-status": "onzin"}, {"open", "in behandeling", "flag"}),
            ({"k-status": "afgesloten"}, {"gesloten"}),
            ({"k-status": "alle"}, {"open", "in behandeling", "flag", "gesloten"}),
            ({"k-severity": "4"}, {"in behandeling"}),
            ({"k-category": "budget"}, {"open"}),
            ({"k-source": "automatisch"}, {"flag"}),
            ({"k-source": "persoon", "k-status": "alle"}, {"open", "in behandeling", "gesloten"}),
            ({"k-department": "DEPT"}, {"open", "flag"}),
        ],
    )
    def test_filters(self, client, world, query, expected):
        FrictionPoint.objects.all().delete()
        project = world.own
        FrictionPointFactory(
            project=project, title="open", category="budget", departments=[world.department]
        )
        FrictionPointFactory(
            project=project, title="in behandeling", status="in_behandeling", severity=4
        )
        FrictionPointFactory(
            project=project, title="flag", automatic=True, procedure=world.procedure
        )
        FrictionPointFactory(project=project, title="gesloten", closed=True)
        query = {
            key: str(world.department.pk) if value == "DEPT" else value
            for key, value in query.items()
        }
        client.force_login(world.outsider)

        response = client.get(url("friction_list", project=project), query, **HTMX)

        assert {point.title for point in response.context["friction_points"]} == expected

    def test_a_row_shows_badges_place_support_and_comment_count(self, client, world):
        FrictionPoint.objects.all().delete()
        point = FrictionPointFactory(
            project=world.own,
            title="Raadsbesluit",
            severity=4,
            support=True,
            departments=[world.department],
            procedure=world.procedure,
        )
        FrictionUpdateFactory.create_batch(2, friction_point=point)
        FrictionUpdateFactory(
            friction_point=point, kind="status", old_status="open", new_status="open"
        )
        flag = FrictionPointFactory(
            project=world.own, automatic=True, title="Doorlooptijd juridische toets"
        )
        client.force_login(world.leader)

        response = client.get(url("friction_list", project=world.own))

        html = response.content.decode()
        row = html[html.index(f'id="knelpunt-{point.pk}"') :]
        row = row[: row.index("</tr>")]
        flag_row = html[html.index(f'id="knelpunt-{flag.pk}"') :]
        flag_row = flag_row[: flag_row.index("</tr>")]
        assert f'href="{point.get_absolute_url()}"' in row
        assert 'class="utrecht-status-badge utrecht-status-badge--danger">Blokkerend<' in row
        assert ">Open<" in row
        assert "Juridische Zaken" in row and "Procedure: Juridische toets" in row
        assert "Kennis gevraagd, wacht op antwoord" in row
        assert row.rstrip().endswith('numeric-data">2</td>')
        assert "Automatische signalering" not in row
        assert '<span class="utrecht-data-badge">Automatische signalering</span>' in flag_row
        assert "Doorlooptijd past niet voor de mijlpaal" in flag_row


# --- the friction point page ----------------------------------------------------------------


class TestDetail:
    def test_it_shows_all_fields_with_the_purpose_question_up_front(self, client, world):
        point = FrictionPointFactory(
            project=world.own,
            title="Juridische toets duurt te lang",
            purpose_question="Rechtmatigheid borgen, niet vertragen.",
            departments=[world.department],
            procedure=world.procedure,
            support=True,
        )
        FrictionUpdateFactory(
            friction_point=point, author=world.commissioner, text="Ik schuif aan."
        )
        client.force_login(world.head)

        response = client.get(url("friction_detail", point))

        html = response.content.decode()
        assert response.status_code == 200
        assert html.index("Wat was ook alweer de bedoeling?") < html.index("Gegevens")
        assert "Rechtmatigheid borgen, niet vertragen." in html
        assert "Wacht op antwoord van opdrachtgever" in html
        assert "Ik schuif aan." in html
        for button in ("In behandeling nemen", "Knelpunt sluiten", "Plaatsen"):
            assert button in html
        for label in ('for="close_approach"', 'for="close_lesson_learned"', 'for="comment_text"'):
            assert label in html
        assert "Aanpak" in html and "Geleerde les" in html and "Reactie" in html

    def test_an_answered_support_request_says_so(self, client, world):
        point = FrictionPointFactory(
            project=world.own, support=True, support_answered_at="2026-03-13T10:00:00Z"
        )
        client.force_login(world.leader)

        html = client.get(url("friction_detail", point)).content.decode()

        assert "Beantwoord op" in html
        assert "Wacht op antwoord" not in html

    def test_a_reader_sees_no_forms(self, client, world):
        client.force_login(world.outsider)

        html = client.get(url("friction_detail", world.points["own"])).content.decode()

        for text in ("Plaatsen", "Knelpunt sluiten", "In behandeling nemen", "<form id="):
            assert text not in html

    def test_an_automatic_flag_explains_itself_and_offers_no_lesson_requirement(
        self, client, world
    ):
        point = FrictionPointFactory(
            project=world.own, automatic=True, slack_days=-4, latest_start=dt.date(2026, 2, 2)
        )
        client.force_login(world.leader)

        html = client.get(url("friction_detail", point)).content.decode()

        assert "Doorlooptijd past niet voor de mijlpaal" in html
        assert "-4 werkdagen" in html
        assert "02-02-2026" in html
        assert "Geleerde les</label>" in html
        assert 'Geleerde les <span class="bb-required">' not in html

    def test_comments_are_kept_on_the_timeline(self, client, world):
        point = world.points["own"]
        client.force_login(world.leader)

        client.post(url("friction_comment", point), {"text": "Eerste reactie"})
        response = client.post(url("friction_comment", point), {"text": "Tweede reactie"}, **HTMX)

        html = response.content.decode()
        assert html.index("Eerste reactie") < html.index("Tweede reactie")
        assert point.updates.filter(kind="reactie").count() == 2

    def test_a_comment_with_htmx_answers_the_refreshed_point_and_a_status_message(
        self, client, world
    ):
        point = world.points["own"]
        client.force_login(world.commissioner)

        response = client.post(
            url("friction_comment", point), {"text": "Ik bel de jurist."}, **HTMX
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert html.lstrip().startswith('<div id="friction-point"')
        status = html[html.index('<div id="friction-detail-status" hx-swap-oob="innerHTML">') :]
        assert status.index("Reactie geplaatst") < status.index("</div>")
        assert '<li class="bb-timeline__item" data-bb-focus>' in html
        comment = point.updates.get()
        assert (comment.kind, comment.author, comment.text) == (
            FrictionUpdate.Kind.COMMENT,
            world.commissioner,
            "Ik bel de jurist.",
        )

    def test_a_comment_without_javascript_redirects_back_with_a_message(self, client, world):
        point = world.points["own"]
        client.force_login(world.leader)

        response = client.post(url("friction_comment", point), {"text": "Genoteerd"})

        assert response.status_code == 302
        assert response["Location"] == point.get_absolute_url()
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Reactie geplaatst"]
        comment = point.updates.get()
        assert (comment.kind, comment.author, comment.text) == (
            FrictionUpdate.Kind.COMMENT,
            world.leader,
            "Genoteerd",
        )
        event = FrictionUpdate.pgh_event_model.objects.get(pgh_obj_id=comment.pk)
        assert (event.pgh_label, event.pgh_context["user"]) == ("insert", world.leader.pk)

    @pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
    def test_an_empty_comment_is_refused_beside_the_field(self, client, world, htmx):
        client.force_login(world.leader)

        response = client.post(
            url("friction_comment", world.points["own"]), {"text": " "}, **(HTMX if htmx else {})
        )

        assert response.status_code == 200
        assert 'id="comment_text_error"' in response.content.decode()
        assert not FrictionUpdate.objects.exists()

    def test_asking_support_later_starts_the_clock(self, client, world):
        point = world.points["own"]
        client.force_login(world.leader)

        response = client.post(
            url("friction_comment", point),
            {"text": "Kun je meedenken?", "support_asked": "luisterend_oor"},
        )

        point.refresh_from_db()
        assert response.status_code == 302
        assert point.support_asked == "luisterend_oor"
        assert point.support_requested_at is not None

    def test_status_goes_to_in_behandeling_and_back(self, client, world):
        point = world.points["own"]
        client.force_login(world.head)

        response = client.post(url("friction_status", point), {"status": "in_behandeling"}, **HTMX)
        point.refresh_from_db()
        assert point.status == "in_behandeling"
        html = response.content.decode()
        assert "Terug naar open" in html
        assert "Status gewijzigd in: In behandeling" in html
        assert "Status van Open naar In behandeling" in html

        client.post(url("friction_status", point), {"status": "open"})
        point.refresh_from_db()
        assert point.status == "open"
        assert list(point.updates.values_list("old_status", "new_status")) == [
            ("open", "in_behandeling"),
            ("in_behandeling", "open"),
        ]

    @pytest.mark.parametrize("status", ["vervallen", "gesloten", "onzin"])
    def test_a_status_a_person_may_not_set_is_refused(self, client, world, status):
        point = world.points["own"]
        client.force_login(world.leader)

        response = client.post(url("friction_status", point), {"status": status}, **HTMX)

        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        point.refresh_from_db()
        assert point.status == "open"
        assert not FrictionUpdate.objects.exists()

    def test_closing_asks_approach_and_lesson(self, client, world):
        point = world.points["own"]
        client.force_login(world.leader)

        response = client.post(
            url("friction_close", point),
            {"approach": "anders_organiseren", "lesson_learned": "Eerder aan tafel."},
            **HTMX,
        )

        point.refresh_from_db()
        assert (point.status, point.approach) == ("gesloten", "anders_organiseren")
        assert point.closed_at is not None
        html = response.content.decode()
        assert "Knelpunt gesloten" in html
        assert "Heropenen" in html
        assert "Eerder aan tafel." in html

    @pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
    def test_closing_without_approach_is_refused(self, client, world, htmx):
        point = world.points["own"]
        client.force_login(world.leader)

        response = client.post(
            url("friction_close", point),
            {"approach": "", "lesson_learned": "Toch iets geleerd"},
            **(HTMX if htmx else {}),
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="close_approach_error"' in html
        assert "Toch iets geleerd" in html
        point.refresh_from_db()
        assert point.status == "open" and point.closed_at is None

    def test_a_closed_point_can_be_reopened(self, client, world):
        point = FrictionPointFactory(project=world.own, closed=True)
        client.force_login(world.commissioner)

        response = client.post(url("friction_status", point), {"status": "open"})

        point.refresh_from_db()
        assert point.status == "open"
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Knelpunt heropend"]
        assert "Anders organiseren" in point.updates.get().text


# --- query counts: the same for 10 and 200 friction points ----------------------------------

# session, user, project, role check, rows, their departments; the full page adds the
# project's involved departments for the form (the organisation's option lists come from
# the cache once a page has shown them: governance.options).
LIST_QUERIES = {"page": 7, "htmx": 6}
LOG_CONTEXT_QUERIES = 4


def fill_log(project: Project, department, procedure, size: int) -> None:
    other = DepartmentFactory()
    for index in range(size):
        kind = index % 4
        point = FrictionPointFactory(
            project=project,
            severity=index % 4 + 1,
            departments=[department, other],
            procedure=procedure if kind == 1 else None,
            support_asked="kennis" if kind == 2 else "",
            **({"automatic": True} if kind == 3 else {}),
        )
        FrictionUpdateFactory(friction_point=point)


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_list_costs_the_same_queries_for_few_and_many_points(
    client, world, size, htmx, django_assert_max_num_queries
):
    fill_log(world.own, world.department, world.procedure, size)
    client.force_login(world.leader)
    target = url("friction_list", project=world.own)
    client.get(target)  # the organisation's option lists get cached

    with django_assert_max_num_queries(LIST_QUERIES["htmx" if htmx else "page"]):
        response = client.get(target, {"k-status": "alle"}, **(HTMX if htmx else {}))

    assert len(response.context["friction_points"]) == size + 1


@pytest.mark.parametrize("size", [10, 200])
def test_the_log_on_the_project_page_costs_the_same_queries_for_few_and_many_points(
    world, size, django_assert_max_num_queries
):
    fill_log(world.own, world.department, world.procedure, size)
    request = RequestFactory().get(world.own.get_absolute_url())
    request.user = world.leader
    render_to_string(LOG_TEMPLATE, friction_log_context(request, world.own), request=request)

    with django_assert_max_num_queries(LOG_CONTEXT_QUERIES):
        context = friction_log_context(request, world.own)
        html = render_to_string(LOG_TEMPLATE, context, request=request)

    assert html.count('<tr id="knelpunt-') == size + 1
    assert "Knelpunt melden" in html


@pytest.mark.django_db
def test_the_friction_page_shows_system_entries_of_a_flag_without_an_author(client):
    from projects.models import FrictionUpdate
    from tests.factories import FrictionPointFactory, FrictionUpdateFactory

    point = FrictionPointFactory(automatic=True)
    FrictionUpdateFactory(
        friction_point=point,
        author=None,
        kind=FrictionUpdate.Kind.SYSTEM,
        text="De speling is gedaald naar 3 werkdagen.",
    )
    client.force_login(point.project.leader)
    response = client.get(f"/projects/{point.project_id}/friction/{point.pk}/")
    assert response.status_code == 200
    assert "Systeem" in response.content.decode()
    assert "De speling is gedaald naar 3 werkdagen." in response.content.decode()
