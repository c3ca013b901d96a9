"""The Django admin as the Beheerder's configuration tool, for all three apps."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Event

from governance.models import Meeting, MeetingCalendar, Procedure
from projects.models import FrictionPoint, Project
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    ClosedDayFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    FrictionPointFactory,
    FrictionUpdateFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    LeaderFactory,
    MeetingCalendarFactory,
    MeetingFactory,
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    SectorFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ("governance", "stakeholders", "projects")

FACTORIES: dict[str, Callable[..., Model]] = {
    "governance.sector": SectorFactory,
    "governance.department": DepartmentFactory,
    "governance.procedure": ProcedureFactory,
    "governance.meetingcalendar": MeetingCalendarFactory,
    "governance.meeting": MeetingFactory,
    "governance.closedday": ClosedDayFactory,
    "stakeholders.stakeholder": StakeholderFactory,
    "stakeholders.contact": ContactFactory,
    "projects.project": ProjectFactory,
    "projects.departmentinvolvement": DepartmentInvolvementFactory,
    "projects.stakeholderinvolvement": StakeholderInvolvementFactory,
    "projects.milestone": MilestoneFactory,
    "projects.procedurestep": ProcedureStepFactory,
    "projects.frictionpoint": FrictionPointFactory,
    "projects.frictionupdate": FrictionUpdateFactory,
    "projects.interaction": InteractionFactory,
    "projects.interactionparticipant": InteractionParticipantFactory,
    "projects.followup": FollowUpFactory,
    "projects.agreement": AgreementFactory,
}
MODELS = sorted(FACTORIES)


def url_name(label: str, view: str) -> str:
    app_label, model_name = label.split(".")
    return f"admin:{app_label}_{model_name}_{view}"


@pytest.fixture
def beheerder(client):
    client.force_login(AdministratorFactory())
    return client


class FormFields(HTMLParser):
    """The values a browser would submit for the admin's change form, as a POST dict."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_change_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_change_form = True
        if not self._in_change_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "file", "button") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            self.data.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_change_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data.removeprefix("\n")


def change_form_data(client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields()
    parser.feed(response.content.decode())
    return {key: values if len(values) != 1 else values[0] for key, values in parser.data.items()}


# --- every model, every persona ---------------------------------------------------------------


def test_every_model_of_our_apps_is_registered() -> None:
    ours = {
        model._meta.label_lower
        for app_label in OUR_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, Event)  # the audit trail's tables, shown under "Geschiedenis"
    }
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert ours <= registered
    assert ours == set(FACTORIES)


def test_the_admin_speaks_dutch_and_names_the_product(beheerder) -> None:
    response = beheerder.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "BinnenBuiten beheer" in response.content.decode()


@pytest.mark.parametrize("label", MODELS)
def test_the_beheerder_sees_every_changelist_add_and_change_page(beheerder, label: str) -> None:
    obj = FACTORIES[label]()

    assert beheerder.get(reverse(url_name(label, "changelist"))).status_code == 200
    assert beheerder.get(reverse(url_name(label, "changelist")), {"q": "zoek"}).status_code == 200
    assert beheerder.get(reverse(url_name(label, "add"))).status_code == 200
    assert beheerder.get(reverse(url_name(label, "change"), args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("label", MODELS)
def test_a_projectleider_is_sent_to_the_admin_login(client, label: str) -> None:
    client.force_login(LeaderFactory())

    for view in ("changelist", "add"):
        response = client.get(reverse(url_name(label, view)))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("label", MODELS)
def test_staff_without_any_role_is_refused(client, label: str) -> None:
    """Someone a superuser made staff without giving a role meets "Je hebt nog geen rol"."""
    client.force_login(UserFactory(is_staff=True))

    for view in ("changelist", "add"):
        response = client.get(reverse(url_name(label, view)))
        assert (response.status_code, response["Location"]) == (302, reverse("no_role"))


@pytest.mark.parametrize("label", MODELS)
def test_a_changelist_costs_the_same_queries_for_few_and_many_rows(beheerder, label: str) -> None:
    url = reverse(url_name(label, "changelist"))
    FACTORIES[label]()
    beheerder.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert beheerder.get(url).status_code == 200
    for _ in range(5):
        FACTORIES[label]()
    with CaptureQueriesContext(connection) as many:
        assert beheerder.get(url).status_code == 200

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_autocomplete_answers_for_the_department_sector(beheerder) -> None:
    SectorFactory(name="Ruimte en Wonen")

    response = beheerder.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "governance",
            "model_name": "department",
            "field_name": "sector",
            "term": "ruimte",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Ruimte en Wonen"]


# --- inlines ----------------------------------------------------------------------------------


def test_a_department_shows_its_procedures_inline(beheerder) -> None:
    procedure = ProcedureFactory(name="Juridische toets")

    response = beheerder.get(
        reverse("admin:governance_department_change", args=[procedure.department_id])
    )

    assert 'value="Juridische toets"' in response.content.decode()


def test_two_new_procedures_differing_only_in_case_are_refused(beheerder) -> None:
    department = DepartmentFactory()
    url = reverse("admin:governance_department_change", args=[department.pk])
    data = change_form_data(beheerder, url)
    data.update(
        {
            "procedures-TOTAL_FORMS": "2",
            "procedures-0-name": "Inkoop",
            "procedures-0-kind": Procedure.Kind.PROCUREMENT,
            "procedures-0-lead_time_days": "20",
            "procedures-0-is_active": "on",
            "procedures-1-name": "INKOOP",
            "procedures-1-kind": Procedure.Kind.PROCUREMENT,
            "procedures-1-lead_time_days": "20",
            "procedures-1-is_active": "on",
        }
    )

    response = beheerder.post(url, data)

    assert response.status_code == 200
    assert "Deze afdeling heeft al een procedure met deze naam." in response.content.decode()
    assert not Procedure.objects.filter(department=department).exists()


def test_a_calendar_takes_its_meetings_inline_and_checks_the_deadline(beheerder) -> None:
    calendar = MeetingCalendarFactory()
    url = reverse("admin:governance_meetingcalendar_change", args=[calendar.pk])
    data = change_form_data(beheerder, url)
    data.update({"meetings-0-date": "2027-03-02", "meetings-0-agenda_deadline": "2027-03-09"})

    refused = beheerder.post(url, data)

    assert refused.status_code == 200
    assert "De agendadeadline ligt na de vergadering." in refused.content.decode()
    assert not Meeting.objects.exists()

    data["meetings-0-agenda_deadline"] = "2027-02-16"
    assert beheerder.post(url, data).status_code == 302
    assert MeetingCalendar.objects.get().meetings.get().agenda_deadline.isoformat() == "2027-02-16"


def test_an_empty_agenda_deadline_is_counted_back_in_working_days(beheerder) -> None:
    calendar = MeetingCalendarFactory(agenda_deadline_days=10)
    url = reverse("admin:governance_meetingcalendar_change", args=[calendar.pk])
    data = change_form_data(beheerder, url)
    data.update({"meetings-0-date": "2027-03-02", "meetings-0-agenda_deadline": ""})

    assert beheerder.post(url, data).status_code == 302

    # Tuesday 2 March 2027 minus ten working days (two weekends in between).
    assert calendar.meetings.get().agenda_deadline.isoformat() == "2027-02-16"


def test_a_meeting_added_on_its_own_gets_its_deadline_from_the_calendar(beheerder) -> None:
    calendar = MeetingCalendarFactory(agenda_deadline_days=3)
    data = change_form_data(beheerder, reverse("admin:governance_meeting_add"))
    data.update({"calendar": str(calendar.pk), "date": "2027-05-07", "agenda_deadline": ""})

    assert beheerder.post(reverse("admin:governance_meeting_add"), data).status_code == 302

    # Friday 7 May 2027: back over Ascension Day (Thursday 6 May) to Monday 3 May.
    assert Meeting.objects.get().agenda_deadline.isoformat() == "2027-05-03"


def test_friction_updates_are_shown_read_only(beheerder) -> None:
    update = FrictionUpdateFactory(text="Gesprek gevoerd met Financiën.")
    url = reverse("admin:projects_frictionpoint_change", args=[update.friction_point_id])

    page = beheerder.get(url).content.decode()

    assert "Gesprek gevoerd met Financiën." in page
    assert 'name="updates-0-text"' not in page


# --- the commissioner is a bureauhoofd --------------------------------------------------------


def test_only_bureauhoofden_are_offered_as_commissioner(beheerder) -> None:
    chief = CommissionerFactory(first_name="Anna", last_name="Bakker")
    leader = LeaderFactory()

    response = beheerder.get(reverse("admin:projects_project_add"))

    choices = list(response.context["adminform"].form.fields["commissioner"].queryset)
    assert chief in choices
    assert leader not in choices
    assert f"Anna Bakker ({chief.username})" in response.content.decode()


def project_post_data(beheerder, **fields: Any) -> dict[str, Any]:
    data = change_form_data(beheerder, reverse("admin:projects_project_add"))
    data.update(
        {"title": "Warmtenet Noord", "purpose": "Samen van het gas af.", "status": "idee"},
        **{key: str(value) for key, value in fields.items()},
    )
    return data


def test_a_non_bureauhoofd_commissioner_is_refused_with_a_clear_message(beheerder) -> None:
    leader = LeaderFactory()

    response = beheerder.post(
        reverse("admin:projects_project_add"),
        project_post_data(beheerder, leader=leader.pk, commissioner=leader.pk),
    )

    assert response.status_code == 200
    assert "alleen gebruikers in de groep Bureauhoofd" in response.content.decode()
    assert not Project.objects.exists()


def test_a_bureauhoofd_commissioner_is_accepted_and_edits_bump_the_version(beheerder) -> None:
    leader, chief = LeaderFactory(), CommissionerFactory()

    created = beheerder.post(
        reverse("admin:projects_project_add"),
        project_post_data(beheerder, leader=leader.pk, commissioner=chief.pk),
    )

    assert created.status_code == 302
    project = Project.objects.get()
    assert (project.commissioner, project.version) == (chief, 1)
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = change_form_data(beheerder, url)
    data["title"] = "Warmtenet Noord-Oost"
    assert beheerder.post(url, data).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Warmtenet Noord-Oost", 2)


# --- friction rules whose constraints name read-only fields -----------------------------------


def test_closing_a_friction_point_needs_an_approach_and_stamps_the_date(beheerder) -> None:
    point = FrictionPointFactory()
    url = reverse("admin:projects_frictionpoint_change", args=[point.pk])
    data = change_form_data(beheerder, url)
    data["status"] = FrictionPoint.Status.CLOSED

    refused = beheerder.post(url, data)

    assert refused.status_code == 200
    assert "Kies de aanpak waarmee het knelpunt is gesloten." in refused.content.decode()
    data["approach"] = FrictionPoint.Approach.UNORTHODOX
    assert beheerder.post(url, data).status_code == 302
    point.refresh_from_db()
    assert point.status == FrictionPoint.Status.CLOSED
    assert point.closed_at is not None


def test_a_person_reported_point_cannot_be_set_to_resolved(beheerder) -> None:
    point = FrictionPointFactory()
    url = reverse("admin:projects_frictionpoint_change", args=[point.pk])
    data = change_form_data(beheerder, url)
    data["status"] = FrictionPoint.Status.RESOLVED

    response = beheerder.post(url, data)

    assert response.status_code == 200
    assert "Alleen automatische signaleringen vervallen" in response.content.decode()
    point.refresh_from_db()
    assert point.status == FrictionPoint.Status.OPEN
