"""Exports of the dashboard's friction list (CSV streamed, XLSX in chunks) and the
printable reports for the board: content read back, filters, confidentiality, access."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import FrictionPoint
from projects.views.exports import BOM, CHUNK_SIZE, COLUMNS
from tests.factories import (
    DepartmentFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    MilestoneFactory,
    ProjectFactory,
)
from tests.projects.test_views_dashboard import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

CSV_URL = "/dashboard/export.csv"
XLSX_URL = "/dashboard/export.xlsx"
HEADERS = [header for header, _, _ in COLUMNS]


def read_csv(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body[len(BOM) :]), delimiter=";"))
    assert rows[0] == HEADERS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def read_xlsx(response) -> list[dict[str, object]]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def points(world: World) -> dict[str, FrictionPoint]:
    legal = world.department
    finance = DepartmentFactory(name="Financiën")
    milestone = MilestoneFactory(
        project=world.own, title="Subsidiedeadline", date=dt.date(2027, 3, 1)
    )
    blocking = FrictionPointFactory(
        project=world.own,
        title="=SOM(A1:A9) in de titel",
        severity=FrictionPoint.Severity.BLOCKING,
        category="budget",
        departments=[legal, finance],
        procedure=world.procedure,
        support=True,
        purpose_question="Waarom moet dit via het college?",
    )
    flag = FrictionPointFactory(
        project=world.own_secret,
        title="Doorlooptijd knelt",
        automatic=True,
        slack_days=-4,
        latest_start=dt.date(2027, 1, 11),
        milestone=milestone,
    )
    closed = FrictionPointFactory(project=world.own, title="Opgelost", closed=True)
    other = FrictionPointFactory(project=world.other_secret, title="Niet voor jou")
    return {"blocking": blocking, "flag": flag, "closed": closed, "other": other}


class TestCsv:
    def test_it_streams_the_dashboards_list_for_dutch_excel(self, client, world, points):
        client.force_login(world.commissioner)
        response = client.get(CSV_URL)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="knelpunten-')
        rows = read_csv(response)
        assert [row["Knelpunt"] for row in rows] == [
            "'=SOM(A1:A9) in de titel",
            "Doorlooptijd knelt",
        ]
        first, second = rows
        assert first["Ernst"] == "Blokkerend"
        assert first["Status"] == "Open"
        assert first["Categorie"] == "Budget"
        assert sorted(first["Afdelingen"].split(", ")) == ["Financiën", "Juridische Zaken"]
        assert first["Procedure"] == "Juridische toets"
        assert first["Eigenaar procedure"] == "Juridische Zaken"
        assert first["Gevraagde ondersteuning"] == "Kennis"
        assert first["Wat was ook alweer de bedoeling?"] == "Waarom moet dit via het college?"
        local = timezone.localtime(points["blocking"].created_at)
        assert first["Gemeld op"] == local.strftime("%d-%m-%Y %H:%M")
        assert first["Opdrachtgever"] == world.commissioner.username
        assert first["Adres"] == "http://testserver" + points["blocking"].get_absolute_url()
        assert second["Bron"] == "Automatische signalering"
        assert second["Speling (werkdagen)"] == "-4"
        assert second["Uiterste start"] == "11-01-2027"
        assert (second["Mijlpaal"], second["Datum mijlpaal"]) == ("Subsidiedeadline", "01-03-2027")

    def test_the_dashboards_filters_apply(self, client, world, points):
        client.force_login(world.commissioner)
        rows = read_csv(client.get(CSV_URL, {"status": "afgesloten"}))
        assert [row["Knelpunt"] for row in rows] == ["Opgelost"]
        assert rows[0]["Aanpak"] == "Anders organiseren"
        rows = read_csv(client.get(CSV_URL, {"status": "alle", "severity": 4}))
        assert [row["Nummer"] for row in rows] == [str(points["blocking"].pk)]
        rows = read_csv(client.get(CSV_URL, {"department": world.department.pk}))
        assert [row["Nummer"] for row in rows] == [str(points["blocking"].pk)]

    def test_another_commissioner_never_gets_the_confidential_project(self, client, world, points):
        client.force_login(world.other_commissioner)
        rows = read_csv(client.get(CSV_URL, {"status": "alle"}))
        assert [row["Knelpunt"] for row in rows] == ["Niet voor jou"]

    def test_a_beheerder_exports_everything_or_one_commissioner(self, client, world, points):
        client.force_login(world.admin)
        assert len(read_csv(client.get(CSV_URL, {"status": "alle"}))) == 4
        rows = read_csv(client.get(CSV_URL, {"commissioner": world.other_commissioner.pk}))
        assert [row["Knelpunt"] for row in rows] == ["Niet voor jou"]

    def test_it_reads_the_rows_in_chunks_not_all_at_once(self, client, world, points, monkeypatch):
        chunk_sizes = []
        original = FrictionPoint.objects.none().__class__.iterator

        def spy(self, chunk_size=None):
            chunk_sizes.append(chunk_size)
            return original(self, chunk_size=chunk_size)

        monkeypatch.setattr(FrictionPoint.objects.none().__class__, "iterator", spy)
        client.force_login(world.commissioner)
        response = client.get(CSV_URL)
        assert chunk_sizes == []  # nothing read before the response starts streaming
        read_csv(response)
        assert chunk_sizes == [CHUNK_SIZE]

    @pytest.mark.parametrize("size", [2, 20])
    def test_its_query_count_does_not_grow(
        self, client, world, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            FrictionPointFactory(
                project=world.own, departments=[world.department, DepartmentFactory()]
            )
        client.force_login(world.commissioner)
        # session, user, roles, the rows (departments in a subquery); plus SAVEPOINT and
        # RELEASE around the streaming transaction in a test.
        with django_assert_max_num_queries(6):
            assert len(read_csv(client.get(CSV_URL))) == size


class TestXlsx:
    def test_it_holds_the_same_list_with_real_dates(self, client, world, points):
        client.force_login(world.commissioner)
        response = client.get(XLSX_URL, {"status": "alle"})
        assert response.status_code == 200
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert 'filename="knelpunten-' in response["Content-Disposition"]
        rows = read_xlsx(response)
        assert [row["Knelpunt"] for row in rows] == [
            "'=SOM(A1:A9) in de titel",
            "Doorlooptijd knelt",
            "Opgelost",
        ]
        first, flag, _ = rows
        assert first["Ernst"] == "Blokkerend"
        assert isinstance(first["Gemeld op"], dt.datetime)
        expected = timezone.localtime(points["blocking"].created_at).replace(
            tzinfo=None, microsecond=0
        )
        assert first["Gemeld op"] == expected
        assert flag["Speling (werkdagen)"] == -4
        assert flag["Uiterste start"] == dt.datetime(2027, 1, 11)

    def test_the_other_commissioner_gets_only_their_own(self, client, world, points):
        client.force_login(world.other_commissioner)
        rows = read_xlsx(client.get(XLSX_URL, {"status": "alle"}))
        assert [row["Knelpunt"] for row in rows] == ["Niet voor jou"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("head", 403), ("outsider", 403)])
def test_exports_are_for_commissioners_and_beheerders(client, world, url, persona, status):
    client.force_login(world.user(persona))
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL, "/dashboard/rapport/"])
def test_anonymous_visitors_log_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL, "/dashboard/rapport/"])
def test_they_refuse_post(client, world, url):
    client.force_login(world.commissioner)
    assert client.post(url).status_code == 405


# --- reports for the board ----------------------------------------------------------------------


def report_url(point: FrictionPoint) -> str:
    return reverse("projects:friction_report", args=[point.project_id, point.pk])


class TestFrictionReport:
    def test_it_tells_the_board_the_whole_story(self, client, world):
        point = FrictionPointFactory(
            project=world.own,
            title="Vergunning te laat",
            description="De vergunning komt na de start van de bouw.",
            purpose_question="Wat beschermt deze vergunning eigenlijk?",
            support_asked=FrictionPoint.Support.BOARD_ROUTE,
            support_requested_at=timezone.now(),
            escalated_at=timezone.now(),
            procedure=world.procedure,
        )
        FrictionUpdateFactory(friction_point=point, text="Gesprek met de wethouder gepland.")
        FrictionUpdateFactory(
            friction_point=point, author=None, kind="systeem", text="Geëscaleerd."
        )
        client.force_login(world.commissioner)
        response = client.get(report_url(point))
        assert response.status_code == 200
        html = response.content.decode()
        for text in (
            "Rapport voor het bestuur",
            world.own.purpose,
            "De vergunning komt na de start van de bouw.",
            "Wat beschermt deze vergunning eigenlijk?",
            "De kortste route naar het bestuur",
            "Gesprek met de wethouder gepland.",
            "Systeem",
            "Nog open: er is nog geen aanpak gekozen",
            "procedure Juridische toets (Juridische Zaken)",
        ):
            assert text in html

    def test_a_closed_point_shows_its_approach_and_lesson(self, client, world):
        point = FrictionPointFactory(project=world.own, closed=True)
        client.force_login(world.leader)
        html = client.get(report_url(point)).content.decode()
        assert "Anders organiseren" in html
        assert "Eerder het gesprek aangaan met de afdeling." in html

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("commissioner", 200),
            ("leader", 200),
            ("head", 200),
            ("admin", 200),
            ("other_commissioner", 404),
        ],
    )
    def test_who_may_print_a_confidential_point(self, client, world, persona, status):
        point = FrictionPointFactory(project=world.own_secret)
        client.force_login(world.user(persona))
        assert client.get(report_url(point)).status_code == status

    def test_it_refuses_post(self, client, world):
        point = FrictionPointFactory(project=world.own)
        client.force_login(world.commissioner)
        assert client.post(report_url(point)).status_code == 405


class TestPortfolioReport:
    def test_the_commissioner_prints_their_portfolio(self, client, world):
        FrictionPointFactory(project=world.own, title="Blokkade bij inkoop", severity=4)
        FrictionPointFactory(project=world.own_secret, title="Grond", support=True)
        FrictionPointFactory(project=world.other, title="Van een ander")
        client.force_login(world.commissioner)
        response = client.get("/dashboard/rapport/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Portefeuille van Bea Bureau" in html
        assert "Blokkade bij inkoop" in html and "Grond" in html
        assert "Van een ander" not in html and "Energiecoöperatie" not in html
        assert [p.pk for p in response.context["portfolio"]][0] == world.own.pk
        assert world.own.purpose in html

    def test_the_dashboards_filters_apply(self, client, world):
        FrictionPointFactory(project=world.own, title="Blokkade bij inkoop", severity=4)
        FrictionPointFactory(project=world.own, title="Kleinigheid", severity=1)
        client.force_login(world.commissioner)
        html = client.get("/dashboard/rapport/", {"severity": 4}).content.decode()
        assert "Blokkade bij inkoop" in html
        assert "Kleinigheid" not in html

    def test_a_beheerder_chooses_the_commissioner_first(self, client, world):
        FrictionPointFactory(project=world.other_secret, title="Geheim maar zichtbaar voor beheer")
        client.force_login(world.admin)
        chooser = client.get("/dashboard/rapport/")
        assert chooser.status_code == 200
        assert chooser.context["commissioner"] is None
        assert 'name="commissioner"' in chooser.content.decode()
        html = client.get(
            "/dashboard/rapport/", {"commissioner": world.other_commissioner.pk}
        ).content.decode()
        assert "Portefeuille van Otto Ander" in html
        assert "Geheim maar zichtbaar voor beheer" in html
        assert "Wijkpark Noord" not in html

    @pytest.mark.parametrize("persona", ["leader", "head", "outsider"])
    def test_others_may_not(self, client, world, persona):
        client.force_login(world.user(persona))
        assert client.get("/dashboard/rapport/").status_code == 403

    @pytest.mark.parametrize("size", [2, 15])
    def test_its_query_count_does_not_grow(
        self, client, world, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            project = ProjectFactory(commissioner=world.commissioner)
            FrictionPointFactory(project=project, procedure=world.procedure, support=True)
            FrictionPointFactory(project=project, severity=4)
        client.force_login(world.commissioner)
        # session, user, roles, the points, the projects, the health summary, the support
        # requests, the department choices of the filter form.
        with django_assert_max_num_queries(8):
            assert client.get("/dashboard/rapport/").status_code == 200
