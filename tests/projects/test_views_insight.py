""" "Waar wringt het?": access, every aggregate against its definition, confidentiality in
the aggregates, the working-day arithmetic in SQL, the chart, the lessons and the query
count."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from governance.calendar import WorkingCalendar
from projects.charts import nice_ceiling, stacked_bar_chart
from projects.models import FrictionPoint, Project
from projects.selectors.insight import (
    WorkingDaysBetween,
    _median,
    non_working_weekdays,
    ranked_by_delay,
)
from projects.services.friction import friction_point_close
from projects.services.insight import REFRESH_LOCK_KEY, insight_figures, insight_refresh
from projects.services.projects import project_archive, project_update
from projects.tasks import refresh_insight
from tests.factories import (
    ClosedDayFactory,
    CommissionerFactory,
    DepartmentFactory,
    FrictionPointFactory,
    ProcedureFactory,
    ProjectFactory,
)
from tests.projects.test_views_dashboard import HTMX, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

INSIGHT = "/inzicht/"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2027, 6, 15)


@pytest.fixture(autouse=True)
def _worker_at_once(monkeypatch):
    """The snapshot is recomputed by a worker; here it runs at once in the test, as without
    a broker (with REDIS_URL set the task would otherwise wait in Redis)."""
    monkeypatch.setattr(refresh_insight, "apply_async", lambda **kwargs: refresh_insight())


@pytest.fixture(autouse=True)
def _empty_cache():
    # The figures are cached per user; test databases reuse primary keys.
    cache.clear()
    yield
    cache.clear()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def closed_point(project, *, reported: dt.datetime, closed: dt.datetime, **fields):
    point = FrictionPointFactory(project=project, closed=True, **fields)
    FrictionPoint.objects.filter(pk=point.pk).update(created_at=reported, closed_at=closed)
    point.refresh_from_db()
    return point


# --- who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("commissioner", 200),
        ("other_commissioner", 200),
        ("head", 200),
        ("admin", 200),
        ("leader", 403),
        ("outsider", 403),
    ],
)
def test_it_is_for_managers_and_beheerders(client, world, persona, status):
    client.force_login(world.user(persona))
    assert client.get(INSIGHT).status_code == status


def test_anonymous_visitors_log_in_first(client):
    response = client.get(INSIGHT)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_post(client, world):
    client.force_login(world.commissioner)
    assert client.post(INSIGHT).status_code == 405


# --- where it chafes --------------------------------------------------------------------------


def test_the_heatmap_counts_each_point_once_per_department(world):
    legal, finance = world.department, DepartmentFactory(name="Financiën")
    FrictionPointFactory(project=world.own, category="agenda", departments=[legal])
    # Named and owning the procedure: once for legal.
    FrictionPointFactory(
        project=world.own, category="agenda", departments=[legal], procedure=world.procedure
    )
    # Named finance, procedure of legal: once for each.
    FrictionPointFactory(
        project=world.other, category="budget", departments=[finance], procedure=world.procedure
    )
    FrictionPointFactory(project=world.other, category="", departments=[finance])
    result = insight_figures(user=world.admin, today=TODAY).heatmap
    columns = result.columns
    assert columns[-1] == "Geen categorie"
    table = {
        row.department: dict(zip(columns, [c.count for c in row.cells], strict=True))
        for row in result.rows
    }
    assert table["Juridische Zaken"]["Agenda/planning"] == 2
    assert table["Juridische Zaken"]["Budget"] == 1
    assert table["Financiën"]["Budget"] == 1
    assert table["Financiën"]["Geen categorie"] == 1
    assert [row.department for row in result.rows] == ["Juridische Zaken", "Financiën"]
    assert result.maximum == 2
    assert result.rows[0].cells[0].level == 4


def test_aggregates_leave_out_projects_the_user_may_not_see(client, world):
    FrictionPointFactory(
        project=world.own_secret, departments=[world.department], category="mandaat"
    )
    FrictionPointFactory(project=world.other, departments=[world.department], category="agenda")
    closed_point(
        world.own_secret,
        reported=at(TODAY - dt.timedelta(days=7)),
        closed=at(TODAY),
        lesson_learned="Geheime les over grond",
        procedure=world.procedure,
    )

    def cells(user):
        cache.clear()
        client.force_login(user)
        response = client.get(INSIGHT)
        result = response.context["heatmap"]
        return (
            {
                (row.department, column): cell.count
                for row in result.rows
                for column, cell in zip(result.columns, row.cells, strict=True)
                if cell.count
            },
            response,
        )

    seen_by_other, response = cells(world.other_commissioner)
    assert seen_by_other == {("Juridische Zaken", "Agenda/planning"): 1}
    html = response.content.decode()
    assert "Geheime les over grond" not in html
    assert response.context["resolve_times"] == []
    assert response.context["by_count"] == []
    seen_by_commissioner, response = cells(world.commissioner)
    assert seen_by_commissioner[("Juridische Zaken", "Mandaat/hiërarchie")] == 1
    assert "Geheime les over grond" in response.content.decode()


# --- procedures that chafe ----------------------------------------------------------------------


def test_procedures_are_ranked_by_friction_and_by_delay(world):
    slow = ProcedureFactory(department=world.department, name="Aanbesteding")
    for _ in range(3):
        FrictionPointFactory(project=world.own, procedure=world.procedure)
    FrictionPointFactory(project=world.own, procedure=slow, automatic=True, slack_days=-7)
    FrictionPointFactory(
        project=world.own, procedure=slow, automatic=True, slack_days=-3, closed=True
    )
    FrictionPointFactory(project=world.own, procedure=slow, automatic=True, slack_days=5)
    # A person's point has no measured delay, whatever its slack field says.
    FrictionPointFactory(project=world.own, procedure=world.procedure, slack_days=-50)
    procedures = {p.name: p for p in insight_figures(user=world.admin, today=TODAY).procedures}
    assert (procedures["Juridische toets"].count, procedures["Juridische toets"].delay_days) == (
        4,
        0,
    )
    assert (procedures["Aanbesteding"].count, procedures["Aanbesteding"].open) == (3, 2)
    assert procedures["Aanbesteding"].delay_days == 10
    assert [p.name for p in ranked_by_delay(procedures.values())] == ["Aanbesteding"]


# --- time to resolve ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "closed"),
    [
        (at(dt.date(2027, 6, 14)), at(dt.date(2027, 6, 14), 16)),  # same day
        (at(dt.date(2027, 6, 11)), at(dt.date(2027, 6, 14))),  # Friday to Monday
        (at(dt.date(2027, 6, 12)), at(dt.date(2027, 6, 14))),  # Saturday to Monday
        (at(dt.date(2027, 4, 23)), at(dt.date(2027, 4, 30))),  # across King's Day
        (at(dt.date(2026, 12, 20)), at(dt.date(2027, 1, 8))),  # Christmas and New Year
        (at(dt.date(2027, 5, 5)), at(dt.date(2027, 5, 10))),  # Ascension Day, a closed day
        (at(dt.date(2027, 3, 1), 23, 30), at(dt.date(2027, 3, 2), 0, 30)),  # local midnight
        (at(dt.date(2021, 2, 3)), at(dt.date(2027, 6, 1))),  # years
    ],
)
def test_working_days_in_sql_agree_with_the_calendar(world, reported, closed):
    ClosedDayFactory(date=dt.date(2027, 5, 7), reason="Vrijdag na Hemelvaart")
    point = closed_point(world.own, reported=reported, closed=closed)
    expected = WorkingCalendar.load(
        start=dt.date(2021, 1, 1), end=dt.date(2027, 12, 31)
    ).working_days_between(timezone.localdate(reported), timezone.localdate(closed))
    computed = (
        FrictionPoint.objects.filter(pk=point.pk)
        .annotate(
            days=WorkingDaysBetween(
                "created_at", "closed_at", non_working=non_working_weekdays(today=TODAY)
            )
        )
        .get()
        .days
    )
    assert computed == expected


def test_the_median_time_to_resolve_per_department(world):
    legal, finance = world.department, DepartmentFactory(name="Financiën")
    monday = dt.date(2027, 6, 7)
    for days in (1, 2, 10):  # median 2
        closed_point(
            world.own,
            reported=at(monday),
            closed=at(monday + dt.timedelta(days=days)),
            departments=[legal],
        )
    for days in (1, 4):  # median (1 + 2) / 2: Tuesday and Friday
        closed_point(
            world.own,
            reported=at(monday),
            closed=at(monday + dt.timedelta(days=days)),
            procedure=ProcedureFactory(department=finance),
        )
    FrictionPointFactory(project=world.own, departments=[finance])  # open: not resolved
    times = insight_figures(user=world.admin, today=TODAY).resolve_times
    assert [(t.department, t.closed, t.median_days) for t in times] == [
        ("Juridische Zaken", 3, 2.0),
        ("Financiën", 2, 2.5),
    ]


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({3: 1}, 3.0), ({1: 1, 5: 1}, 3.0), ({0: 2, 7: 1}, 0.0), ({2: 2, 4: 2}, 3.0)],
)
def test_the_median_of_a_histogram(histogram, median):
    assert _median(histogram) == median


# --- approaches over time ------------------------------------------------------------------------


def test_approaches_are_counted_per_quarter_of_closing(world):
    def close_on(day: dt.date, approach: str) -> None:
        closed_point(
            world.own, reported=at(day) - dt.timedelta(days=3), closed=at(day), approach=approach
        )

    close_on(dt.date(2027, 6, 1), "koesteren")
    close_on(dt.date(2027, 4, 1), "koesteren")
    close_on(dt.date(2027, 4, 2), "onorthodox")
    close_on(dt.date(2027, 1, 15), "bestuur")
    close_on(dt.date(2024, 1, 15), "bestuur")  # more than eight quarters ago
    quarters = insight_figures(user=world.admin, today=TODAY).quarters
    assert [q.label for q in quarters] == [
        "2025 K3", "2025 K4", "2026 K1", "2026 K2", "2026 K3", "2026 K4", "2027 K1", "2027 K2",
    ]  # fmt: skip
    assert quarters[-1].counts == {"koesteren": 2, "onorthodox": 1}
    assert quarters[-1].values() == [2, 0, 1, 0]
    assert quarters[-2].values() == [0, 0, 0, 1]
    assert sum(q.total for q in quarters) == 4


def test_the_chart_is_an_accessible_svg_with_a_table_alternative(client, world):
    closed_point(
        world.own, reported=at(TODAY) - dt.timedelta(days=2), closed=at(TODAY), approach="koesteren"
    )
    with time_machine.travel(at(TODAY, 12), tick=False):
        client.force_login(world.commissioner)
        html = client.get(INSIGHT).content.decode()
    svg = html[
        html.index('<svg class="bb-chart"') : html.index(
            "</svg>", html.index('<svg class="bb-chart"')
        )
    ]
    assert 'role="img"' in svg
    assert '<title id="approach-chart-title">Gekozen aanpak per kwartaal</title>' in svg
    assert '<desc id="approach-chart-desc">' in svg
    assert "2027 K2: 1." in svg
    assert "style=" not in html
    assert ">Gesloten knelpunten per kwartaal en aanpak</caption>" in html
    assert re.search(
        r'<th scope="row" class="utrecht-table__header-cell">2027 K2</th>\s*<td[^>]*>1</td>', html
    )


def test_the_bars_stack_in_proportion():
    chart = stacked_bar_chart(
        [("A", [2, 0, 1, 0]), ("B", [0, 0, 0, 0])],
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")],
        height=228,
    )
    first, empty = chart.bars
    assert [s.value for s in first.segments] == [2, 1]
    assert empty.segments == [] and empty.total == 0
    plot = chart.bottom - chart.top
    assert first.segments[0].height == pytest.approx(plot * 2 / nice_ceiling(3), abs=0.1)
    assert first.segments[1].y + first.segments[1].height == pytest.approx(
        first.segments[0].y, abs=0.1
    )
    assert [t.value for t in chart.ticks][-1] == nice_ceiling(3)
    assert nice_ceiling(0) == 1 and nice_ceiling(7) == 10 and nice_ceiling(23) == 25


# --- lessons learned ---------------------------------------------------------------------------


def test_lessons_can_be_searched_and_paged(client, world):
    for n in range(12):
        closed_point(
            world.own,
            reported=at(TODAY) - dt.timedelta(days=n + 2),
            closed=at(TODAY) - dt.timedelta(days=n),
            lesson_learned=f"Les nummer {n}: vroeg de griffie bellen",
        )
    closed_point(world.own, reported=at(TODAY), closed=at(TODAY), lesson_learned="Begroting eerder")
    FrictionPointFactory(project=world.own, closed=True, lesson_learned="")
    client.force_login(world.head)
    first = client.get(INSIGHT)
    assert first.context["lessons"].paginator.count == 13
    assert len(first.context["lessons"].object_list) == 10
    found = client.get(INSIGHT, {"q": "griffie"})
    assert found.context["lessons"].paginator.count == 12
    assert "Begroting eerder" not in found.content.decode()
    second = client.get(INSIGHT, {"q": "griffie", "page": 2}, HTTP_HX_TARGET="lessons", **HTMX)
    html = second.content.decode()
    assert html.lstrip().startswith('<div id="lessons">')
    assert "<h1" not in html
    assert len(second.context["lessons"].object_list) == 2
    assert "q=griffie&amp;page=1" in html


# --- the cache ----------------------------------------------------------------------------------


def test_a_change_to_friction_shows_at_once(client, world):
    point = FrictionPointFactory(project=world.own, departments=[world.department])
    client.force_login(world.commissioner)
    assert client.get(INSIGHT).context["resolve_times"] == []
    friction_point_close(
        point=point, author=world.leader, approach="koesteren", lesson_learned="Zo."
    )
    times = client.get(INSIGHT).context["resolve_times"]
    assert [(t.department, t.closed) for t in times] == [("Juridische Zaken", 1)]


def test_the_cache_never_mixes_visibility_scopes(client, world):
    FrictionPointFactory(
        project=world.own_secret, departments=[world.department], category="mandaat"
    )
    client.force_login(world.commissioner)
    assert client.get(INSIGHT).context["heatmap"].total == 1
    client.force_login(world.other_commissioner)
    assert client.get(INSIGHT).context["heatmap"].total == 0
    client.force_login(world.head)  # head of a department involved in the secret project
    assert client.get(INSIGHT).context["heatmap"].total == 1


def test_users_who_see_the_same_projects_share_the_figures(
    client, world, django_assert_max_num_queries
):
    FrictionPointFactory(project=world.other, departments=[world.department])
    # Neither commissions or heads anything confidential: the same scope.
    first, second = CommissionerFactory(), CommissionerFactory()
    client.force_login(first)
    client.get(INSIGHT)
    client.force_login(second)
    with django_assert_max_num_queries(7):
        assert client.get(INSIGHT).context["heatmap"].total == 1


# --- query count --------------------------------------------------------------------------------


def fill(world: World, size: int) -> None:
    for n in range(size):
        project = ProjectFactory(confidential=n % 3 == 0)
        department = DepartmentFactory()
        procedure = ProcedureFactory(department=department)
        FrictionPointFactory(project=project, departments=[department, world.department])
        FrictionPointFactory(project=project, procedure=procedure, automatic=True, slack_days=-n)
        closed_point(
            project,
            reported=at(TODAY) - dt.timedelta(days=n + 1),
            closed=at(TODAY),
            procedure=procedure,
            lesson_learned=f"Les {n}",
        )


# With an empty cache (the first view after a flush): session, user, roles, the last
# change to friction and to projects (2), the heatmap (2), the procedures, the closed
# days, the time to resolve (2), the approaches, the lessons' count (all computed into the
# snapshot), the confidential projects the user may see and the lessons' page.
INSIGHT_QUERIES = 15


@pytest.mark.parametrize("size", [2, 15])
@pytest.mark.parametrize("persona", ["commissioner", "head", "admin"])
def test_its_query_count_does_not_grow(client, world, size, persona, django_assert_max_num_queries):
    fill(world, size)
    client.force_login(world.user(persona))
    with django_assert_max_num_queries(INSIGHT_QUERIES):
        response = client.get(INSIGHT)
    assert response.status_code == 200
    assert response.context["heatmap"].rows
    # Within the minute the figures come from the cache.
    with django_assert_max_num_queries(7):
        assert client.get(INSIGHT).status_code == 200


# --- the snapshot kept up to date in the background -----------------------------------------


@pytest.fixture
def broker_queue(monkeypatch):
    """Stands in for the broker (the edge): records what the page asks a worker to do."""
    queued: list[str] = []
    monkeypatch.setattr(
        refresh_insight, "apply_async", lambda **kwargs: queued.append("refresh_insight")
    )
    return queued


def test_a_stale_snapshot_is_shown_while_a_worker_recomputes_it(client, world, broker_queue):
    FrictionPointFactory(project=world.own, departments=[world.department])
    client.force_login(world.commissioner)
    first = client.get(INSIGHT)  # no snapshot yet: computed in the request
    assert first.context["heatmap"].total == 1
    assert broker_queue == []
    FrictionPointFactory(project=world.own, departments=[world.department])
    stale = client.get(INSIGHT)
    assert stale.context["heatmap"].total == 1  # the previous figures, not an error
    assert broker_queue == ["refresh_insight"]
    client.get(INSIGHT)  # asked once: the lock holds until the worker is done
    assert broker_queue == ["refresh_insight"]
    refresh_insight()  # what the worker runs
    fresh = client.get(INSIGHT)
    assert fresh.context["heatmap"].total == 2
    assert "Bijgewerkt op" in fresh.content.decode()


def test_a_broker_that_is_down_leaves_the_figures_as_they_were(client, world, monkeypatch):
    def down(**kwargs):
        raise BrokerOperationalError("connection refused")

    monkeypatch.setattr(refresh_insight, "apply_async", down)
    FrictionPointFactory(project=world.own, departments=[world.department])
    client.force_login(world.commissioner)
    client.get(INSIGHT)
    FrictionPointFactory(project=world.own, departments=[world.department])
    response = client.get(INSIGHT)
    assert response.status_code == 200
    assert response.context["heatmap"].total == 1
    assert cache.get(REFRESH_LOCK_KEY) is None  # the next view asks again


def test_confidential_points_count_only_for_who_may_see_them_in_one_snapshot(world):
    FrictionPointFactory(project=world.own_secret, departments=[world.department])
    FrictionPointFactory(project=world.other, departments=[world.department])
    snapshot = insight_refresh(today=TODAY)
    assert sum(snapshot.shared.heat.values()) == 1
    assert sum(snapshot.buckets[world.own_secret.pk].heat.values()) == 1
    mine = insight_figures(user=world.commissioner, today=TODAY)
    theirs = insight_figures(user=world.other_commissioner, today=TODAY)
    everyone = insight_figures(user=world.admin, today=TODAY)
    assert (mine.heatmap.total, theirs.heatmap.total, everyone.heatmap.total) == (2, 1, 2)


def test_a_project_made_confidential_leaves_the_shared_figures_at_once(client, world):
    FrictionPointFactory(project=world.other, departments=[world.department])
    client.force_login(world.commissioner)  # not involved in world.other
    assert client.get(INSIGHT).context["heatmap"].total == 1
    world.other.is_confidential = True
    world.other.save()
    assert client.get(INSIGHT).context["heatmap"].total == 0


def _shared_and_others(world: World) -> None:
    """Points on world.other (soon confidential or archived) and on a project in every
    shard, so the recount must keep the rest of the figures as they were."""
    FrictionPointFactory(project=world.other, departments=[world.department])
    FrictionPointFactory(project=world.own, departments=[world.department])
    for _ in range(3):
        FrictionPointFactory(departments=[world.department])


@pytest.mark.parametrize("change", ["confidential", "archived"])
def test_it_leaves_at_once_while_the_worker_has_not_run(client, world, broker_queue, change):
    """The worker does not get to it (queued, never run): the very next request already
    leaves the project out, and everything else still counts."""
    _shared_and_others(world)
    client.force_login(world.commissioner)  # not involved in world.other
    assert client.get(INSIGHT).context["heatmap"].total == 5
    if change == "confidential":
        project_update(
            project=world.other,
            editor=world.admin,
            title=world.other.title,
            purpose=world.other.purpose,
            commissioner=world.other.commissioner,
            is_confidential=True,
        )
    else:
        project_archive(project=world.other, actor=world.admin)
    stored = Project.objects.get(pk=world.other.pk)
    assert stored.is_confidential is (change == "confidential")
    assert (stored.archived_at is not None) is (change == "archived")

    assert client.get(INSIGHT).context["heatmap"].total == 4
    assert broker_queue == ["refresh_insight"]
    admin = insight_figures(user=world.admin, today=TODAY).heatmap.total
    assert admin == (5 if change == "confidential" else 4)
    refresh_insight()  # when the worker does run, the figures stay the same
    assert client.get(INSIGHT).context["heatmap"].total == 4


def test_it_leaves_at_once_with_the_broker_down(client, world, monkeypatch):
    def down(**kwargs):
        raise BrokerOperationalError("connection refused")

    monkeypatch.setattr(refresh_insight, "apply_async", down)
    _shared_and_others(world)
    client.force_login(world.commissioner)
    assert client.get(INSIGHT).context["heatmap"].total == 5
    world.other.is_confidential = True
    world.other.save()

    assert client.get(INSIGHT).context["heatmap"].total == 4
