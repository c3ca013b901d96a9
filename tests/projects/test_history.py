"""The audit trail: what is recorded (triggers on PostgreSQL, the fallback elsewhere), a
project's "Geschiedenis" page and the admin's history of tracked objects."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from governance.models import Department, Procedure, Role
from projects import tasks
from projects.models import (
    Agreement,
    FollowUp,
    FrictionPoint,
    FrictionUpdate,
    Interaction,
    InteractionParticipant,
    Milestone,
    ProcedureStep,
    Project,
)
from projects.selectors.history import PAGE_SIZE, object_history, project_history
from projects.services.projects import project_archive, project_update, step_status_set
from stakeholders.erasure import contact_erase
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
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
    MilestoneFactory,
    ProcedureFactory,
    ProcedureStepFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)
from web.history import history_context

pytestmark = pytest.mark.django_db

needs_triggers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bulk writes are recorded by PostgreSQL triggers only; SQLite records single saves",
)


def history_url(project: Project) -> str:
    return reverse("projects:history", args=[project.pk])


def entries(project: Project, viewer=None) -> list:
    viewer = viewer or AdministratorFactory(username="history-reader")
    return list(project_history(project=project, viewer=viewer).object_list)


@pytest.fixture
def leader():
    return LeaderFactory(first_name="Lotte", last_name="Leider")


@pytest.fixture
def project(leader):
    return ProjectFactory(title="Warmtenet Oost", leader=leader, status=Project.Status.IDEA)


def _timeline_entry(project: Project) -> FrictionUpdate:
    point = FrictionPointFactory(project=project, title="Inkoop duurt te lang")
    return FrictionUpdate(friction_point=point, author=project.leader, text="Gebeld met inkoop.")


def _contact_moment(project: Project) -> Interaction:
    party = StakeholderInvolvementFactory(project=project).stakeholder
    return Interaction(
        project=project,
        stakeholder=party,
        date=dt.date(2026, 5, 4),
        kind=Interaction.Kind.MEETING,
        summary="Planning besproken.",
        author=project.leader,
    )


def _participant(project: Project) -> InteractionParticipant:
    interaction = InteractionFactory(project=project)
    contact = ContactFactory(stakeholder=interaction.stakeholder, name="Karin de Vries")
    ContactFactory(stakeholder=interaction.stakeholder, name="Piet Partner")
    return InteractionParticipant(interaction=interaction, contact=contact)


def _follow_up(project: Project) -> FollowUp:
    return FollowUp(
        interaction=InteractionFactory(project=project),
        description="Tekening sturen",
        owner=project.leader,
        due_date=dt.date(2026, 6, 1),
    )


def _agreement(project: Project) -> Agreement:
    party = StakeholderInvolvementFactory(project=project).stakeholder
    return Agreement(
        project=project,
        stakeholder=party,
        title="Vergunning aanvragen",
        due_date=dt.date(2026, 6, 1),
        author=project.leader,
    )


def _other_contact(row: InteractionParticipant) -> None:
    row.contact = row.interaction.stakeholder.contacts.get(name="Piet Partner")


# (a new row on the project, how to change it, the kind and the change as the page shows them)
KINDS = [
    pytest.param(
        _timeline_entry,
        lambda row: setattr(row, "text", "Gebeld met inkoop; zij bellen terug."),
        "knelpuntupdate",
        ("tekst", "Gebeld met inkoop.", "Gebeld met inkoop; zij bellen terug."),
        id="timeline-entry",
    ),
    pytest.param(
        _contact_moment,
        lambda row: setattr(row, "kind", Interaction.Kind.PHONE),
        "contactmoment",
        ("soort", "Overleg", "Telefoongesprek"),
        id="contact-moment",
    ),
    pytest.param(
        _participant,
        _other_contact,
        "deelnemer",
        ("contactpersoon", "Karin de Vries", "Piet Partner"),
        id="participant",
    ),
    pytest.param(
        _follow_up,
        lambda row: setattr(row, "description", "Tekening en begroting sturen"),
        "vervolgactie",
        ("vervolgactie", "Tekening sturen", "Tekening en begroting sturen"),
        id="follow-up",
    ),
    pytest.param(
        _agreement,
        lambda row: setattr(row, "status", Agreement.Status.FULFILLED),
        "afspraak",
        ("status", "Open", "Nagekomen"),
        id="agreement",
    ),
]


class TestRecording:
    def test_a_change_through_the_service_records_who_and_what(self, project, leader):
        commissioner = CommissionerFactory(first_name="Bram", last_name="Baas")
        with history_context(user=leader.pk, url="/projects/1/edit/"):
            project_update(
                project=project,
                editor=leader,
                title="Warmtenet Oost",
                purpose=project.purpose,
                commissioner=commissioner,
                status=Project.Status.EXECUTION,
            )

        latest = entries(project)[0]
        assert latest.who == "Lotte Leider"
        assert latest.label == "update"
        assert latest.kind == "samenwerkingsproject"
        assert latest.subject == "Warmtenet Oost"
        changes = {change.field: (change.old, change.new) for change in latest.changes}
        assert changes["status"] == ("Idee", "Uitvoering")
        assert changes["opdrachtgever (bureauhoofd)"][1] == "Bram Baas"
        assert "titel" not in changes  # unchanged fields are not listed

    def test_a_save_that_changes_nothing_tracked_records_nothing(self, project):
        before = len(entries(project))
        project.save()  # only updated_at moves, which is not tracked
        assert len(entries(project)) == before

    @needs_triggers
    def test_a_bulk_update_is_recorded_with_its_actor(self, project):
        with history_context(actor="friction_scan"):
            Project.objects.filter(pk=project.pk).update(status=Project.Status.STOPPED)

        latest = entries(project)[0]
        assert latest.who == "knelpuntenscan"
        assert [(c.field, c.old, c.new) for c in latest.changes] == [("status", "Idee", "Gestopt")]

    @needs_triggers
    def test_archiving_a_project_is_recorded(self, project, leader):
        with history_context(user=leader.pk):
            project_archive(project=project, actor=leader)
        assert [c.field for c in entries(project)[0].changes] == ["gearchiveerd op"]

    def test_children_and_deleted_rows_stay_in_the_project_history(self, project):
        involvement = DepartmentInvolvementFactory(
            project=project, department__name="Stadsontwikkeling"
        )
        milestone = MilestoneFactory(project=project, title="Subsidieaanvraag")
        step = ProcedureStepFactory(milestone=milestone, procedure__name="Collegebesluit")
        FrictionPointFactory(project=project, title="College te laat")
        step_status_set(step=step, status=ProcedureStep.Status.IN_PROGRESS)
        involvement.delete()
        milestone.delete()  # its steps go with it

        shown = {(e.kind, e.subject, e.label) for e in entries(project)}
        assert ("betrokken afdeling", "Stadsontwikkeling", "delete") in shown
        assert ("mijlpaal", "Subsidieaanvraag", "delete") in shown
        assert ("procedurestap", "Collegebesluit — Subsidieaanvraag", "update") in shown
        assert ("procedurestap", "Collegebesluit — Subsidieaanvraag", "delete") in shown
        assert ("knelpunt", "College te laat", "insert") in shown
        assert not Milestone.objects.filter(pk=milestone.pk).exists()

    def test_another_projects_changes_are_not_shown(self, project):
        other = ProjectFactory(title="Ander project")
        FrictionPointFactory(project=other, title="Elders")
        assert all(e.subject != "Elders" for e in entries(project))
        assert all(e.subject != "Ander project" for e in entries(project))

    def test_another_projects_timeline_and_partners_are_not_shown(self, project):
        party = StakeholderFactory(name="Gedeelde partij")
        for target, name in ((project, "Hier"), (ProjectFactory(), "Elders")):
            FrictionUpdateFactory(friction_point__project=target, text=name)
            interaction = InteractionFactory(project=target, stakeholder=party, summary=name)
            FollowUpFactory(interaction=interaction, description=name)
            AgreementFactory(project=target, stakeholder=party, title=name)
        InteractionFactory(party_level=True, stakeholder=party, summary="Zonder project")

        shown = entries(project)
        subjects = {(e.kind, e.subject) for e in shown}
        assert ("vervolgactie", "Hier") in subjects and ("afspraak", "Hier") in subjects
        assert ("vervolgactie", "Elders") not in subjects
        assert ("afspraak", "Elders") not in subjects
        changed = [change.new for e in shown for change in e.changes]
        assert "Hier" in changed  # the entry's text and the summary
        assert "Elders" not in changed and "Zonder project" not in changed

    @pytest.mark.parametrize(("new_row", "change", "kind", "shown_change"), KINDS)
    def test_each_kind_records_insert_update_and_delete_with_the_user(
        self, project, leader, new_row, change, kind, shown_change
    ):
        row = new_row(project)
        with history_context(user=leader.pk, url="/projects/1/"):
            row.save()
            change(row)
            row.save()
            pk = row.pk
            row.delete()

        events = type(row).pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
        assert [event.pgh_label for event in events] == ["insert", "update", "delete"]
        assert {event.pgh_context["user"] for event in events} == {leader.pk}
        shown = [entry for entry in entries(project) if entry.kind == kind]
        assert [(entry.label, entry.who) for entry in shown] == [
            ("delete", "Lotte Leider"),
            ("update", "Lotte Leider"),
            ("insert", "Lotte Leider"),
        ]
        assert [(c.field, c.old, c.new) for c in shown[1].changes] == [shown_change]

    def test_a_comment_on_the_page_is_recorded_with_its_author(self, client, project, leader):
        point = FrictionPointFactory(project=project, title="Inkoop duurt te lang")
        client.force_login(leader)
        client.post(
            reverse("projects:friction_comment", args=[project.pk, point.pk]),
            {"text": "Ik bel inkoop."},
        )

        event = FrictionUpdate.pgh_event_model.objects.get(text="Ik bel inkoop.")
        assert (event.pgh_label, event.pgh_context["user"]) == ("insert", leader.pk)
        latest = next(e for e in entries(project) if e.kind == "knelpuntupdate")
        assert (latest.subject, latest.who) == ("Reactie — Inkoop duurt te lang", "Lotte Leider")

    def test_a_status_change_shows_the_statuses_by_their_names(self, client, project, leader):
        point = FrictionPointFactory(project=project, title="Inkoop duurt te lang")
        client.force_login(leader)
        client.post(
            reverse("projects:friction_status", args=[project.pk, point.pk]),
            {"status": FrictionPoint.Status.IN_PROGRESS, "version": point.version},
        )

        entry = next(e for e in entries(project) if e.kind == "knelpuntupdate")
        assert entry.subject == "Statuswijziging — Inkoop duurt te lang"
        changes = {change.field: change.new for change in entry.changes}
        assert (changes["oude status"], changes["nieuwe status"]) == ("Open", "In behandeling")

    def test_a_contact_moment_logged_on_the_page_is_recorded_with_all_it_holds(
        self, client, project, leader
    ):
        party = StakeholderFactory(name="Woningcorporatie Ons Huis")
        StakeholderInvolvementFactory(project=project, stakeholder=party)
        contact = ContactFactory(stakeholder=party, name="Karin de Vries")
        client.force_login(leader)
        client.post(
            reverse("projects:interaction_create", args=[project.pk]),
            {
                "date": timezone.localdate().isoformat(),
                "kind": Interaction.Kind.PHONE,
                "stakeholder": str(party.pk),
                "contacts": [str(contact.pk)],
                "summary": "Planning van de oplevering besproken.",
                "follow_up": "Collegevoorstel delen",
                "follow_up_owner": str(leader.pk),
                "follow_up_due": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            },
        )
        follow_up = FollowUp.objects.get()
        client.post(reverse("projects:follow_up_done", args=[follow_up.pk]), {"done": "on"})

        shown = [(e.kind, e.label, e.subject, e.who) for e in entries(project, viewer=leader)]
        recorded = [(kind, label, subject.split(" — ")[0]) for kind, label, subject, _ in shown]
        assert ("contactmoment", "insert", "Telefoongesprek") in recorded
        assert ("deelnemer", "insert", "Karin de Vries") in recorded
        assert ("deelnemer", "insert", "Lotte Leider") in recorded
        assert ("vervolgactie", "insert", "Collegevoorstel delen") in recorded
        assert ("vervolgactie", "update", "Collegevoorstel delen") in recorded
        partners = {"contactmoment", "deelnemer", "vervolgactie"}
        assert {who for kind, _, _, who in shown if kind in partners} == {"Lotte Leider"}
        done = next(e for e in entries(project) if e.kind == "vervolgactie")
        assert ("gedaan", "nee", "ja") in [(c.field, c.old, c.new) for c in done.changes]

    def test_an_agreement_and_its_status_are_recorded_from_the_page(self, client, project, leader):
        party = StakeholderInvolvementFactory(project=project).stakeholder
        client.force_login(leader)
        client.post(
            reverse("projects:agreement_create", args=[project.pk]),
            {
                "stakeholder": str(party.pk),
                "title": "Omgevingsvergunning aanvragen",
                "owed_by": Agreement.OwedBy.US,
                "due_date": "2027-02-15",
            },
        )
        agreement = Agreement.objects.get()
        client.post(
            reverse("projects:agreement_status", args=[agreement.pk]),
            {"status": Agreement.Status.LAPSED},
        )

        shown = [e for e in entries(project) if e.kind == "afspraak"]
        assert [(e.label, e.subject, e.who) for e in shown] == [
            ("update", "Omgevingsvergunning aanvragen", "Lotte Leider"),
            ("insert", "Omgevingsvergunning aanvragen", "Lotte Leider"),
        ]
        assert [(c.field, c.old, c.new) for c in shown[0].changes] == [
            ("status", "Open", "Vervallen")
        ]

    def test_deleting_a_contact_moment_in_the_admin_records_what_went_with_it(
        self, client, project
    ):
        interaction = InteractionFactory(project=project, summary="Kennismaking")
        InteractionParticipantFactory(interaction=interaction, contact__name="Karin de Vries")
        FollowUpFactory(interaction=interaction, description="Tekening sturen")
        client.force_login(AdministratorFactory(first_name="Bea", last_name="Beheer"))
        client.post(
            reverse("admin:projects_interaction_delete", args=[interaction.pk]), {"post": "yes"}
        )

        assert not Interaction.objects.filter(pk=interaction.pk).exists()
        deleted = {(e.kind, e.who) for e in entries(project) if e.label == "delete"}
        assert deleted == {
            ("contactmoment", "Bea Beheer"),
            ("deelnemer", "Bea Beheer"),
            ("vervolgactie", "Bea Beheer"),
        }

    @needs_triggers
    def test_the_scan_is_the_actor_of_the_flags_it_raises(self):
        review = ProcedureFactory(name="Juridische toets", lead_time_days=10)
        milestone = MilestoneFactory(title="Convenant", date=dt.date(2026, 5, 29))
        ProcedureStepFactory(milestone=milestone, procedure=review)
        amsterdam = ZoneInfo("Europe/Amsterdam")
        with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=amsterdam), tick=False):
            assert tasks.scan_friction(today="2026-05-04")["raised"] == 1

        shown = {(e.kind, e.label, e.who) for e in entries(milestone.project)}
        assert ("knelpunt", "insert", "knelpuntenscan") in shown
        assert ("knelpuntupdate", "insert", "knelpuntenscan") in shown  # "Gesignaleerd op ..."


class TestPage:
    def test_it_shows_who_when_and_what_changed(self, client, project, leader):
        step = ProcedureStepFactory(
            milestone__project=project, milestone__title="Ondertekening", procedure__name="DPIA"
        )
        client.force_login(leader)
        response = client.post(
            reverse("projects:step_status", args=[project.pk, step.pk]),
            {"status": ProcedureStep.Status.IN_PROGRESS},
        )
        assert response.status_code in (200, 302)

        response = client.get(history_url(project))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Geschiedenis" in page
        assert "Lotte Leider" in page  # who: the middleware put the user in the context
        assert '<time datetime="' in page  # when
        assert "DPIA — Ondertekening" in page  # which object
        assert "Nog te starten" in page and "Loopt" in page  # what: old → new, as labels
        assert "<caption" in page and 'scope="col"' in page

    def test_it_shows_the_timeline_contact_moments_and_agreements(self, client, project, leader):
        point = FrictionPointFactory(project=project, title="Inkoop duurt te lang")
        FrictionUpdateFactory(friction_point=point, text="Gebeld met inkoop.")
        party = StakeholderFactory(name="Woningcorporatie Ons Huis")
        interaction = InteractionFactory(project=project, stakeholder=party, summary="Kennismaking")
        FollowUpFactory(interaction=interaction, description="Tekening sturen")
        agreement = AgreementFactory(project=project, title="Vergunning aanvragen")
        with history_context(user=leader.pk):
            agreement.status = Agreement.Status.FULFILLED
            agreement.save()
        client.force_login(LeaderFactory())  # a colleague: the project is not confidential

        page = client.get(history_url(project)).content.decode()
        assert "Gebeld met inkoop." in page
        assert "Woningcorporatie Ons Huis" in page and "Kennismaking" in page
        assert "Tekening sturen" in page
        assert "Vergunning aanvragen" in page and "Nagekomen" in page

    def test_contact_persons_are_named_only_to_who_may_see_them(self, client, project, leader):
        party = StakeholderFactory(name="Woningcorporatie Ons Huis")
        interaction = InteractionFactory(project=project, stakeholder=party)
        InteractionParticipantFactory(interaction=interaction, contact__name="Karin de Vries")

        client.force_login(leader)  # works with the party in this project
        assert "Karin de Vries" in client.get(history_url(project)).content.decode()
        client.force_login(LeaderFactory())  # may read the project, not the party's people
        colleague = client.get(history_url(project))
        assert colleague.status_code == 200
        assert "Karin de Vries" not in colleague.content.decode()
        participant = next(
            e for e in colleague.context["page"].object_list if e.kind == "deelnemer"
        )
        assert participant.subject.startswith("contactpersoon — ")

    def test_an_erased_person_is_a_verwijderde_persoon(self, client, project, leader):
        interaction = InteractionFactory(project=project)
        participant = InteractionParticipantFactory(
            interaction=interaction, contact__name="Karin de Vries"
        )
        contact_erase(contact=participant.contact, actor=AdministratorFactory())
        client.force_login(leader)

        response = client.get(history_url(project))
        assert "Karin de Vries" not in response.content.decode()
        subjects = [
            e.subject for e in response.context["page"].object_list if e.kind == "deelnemer"
        ]
        assert subjects and all(s.startswith("verwijderde persoon — ") for s in subjects)

    def test_a_confidential_projects_contact_moments_stay_with_the_involved(self, client):
        secret = ProjectFactory(confidential=True)
        InteractionFactory(project=secret, summary="Vertrouwelijk overleg")
        AgreementFactory(project=secret, title="Geheime afspraak")

        client.force_login(secret.commissioner)
        page = client.get(history_url(secret)).content.decode()
        assert "Vertrouwelijk overleg" in page and "Geheime afspraak" in page
        client.force_login(LeaderFactory())
        refused = client.get(history_url(secret))
        assert refused.status_code == 404
        assert "Geheime afspraak" not in refused.content.decode()

    def test_the_project_page_links_to_it(self, client, project, leader):
        client.force_login(leader)
        page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert history_url(project) in page

    def test_any_colleague_may_read_an_open_projects_history(self, client, project):
        client.force_login(LeaderFactory())
        assert client.get(history_url(project)).status_code == 200

    def test_an_outsider_gets_404_on_a_confidential_project(self, client):
        secret = ProjectFactory(confidential=True)
        client.force_login(LeaderFactory())
        assert client.get(history_url(secret)).status_code == 404

    def test_the_commissioner_of_a_confidential_project_may_read_it(self, client):
        secret = ProjectFactory(confidential=True)
        client.force_login(secret.commissioner)
        assert client.get(history_url(secret)).status_code == 200

    def test_it_needs_a_login(self, client, project):
        response = client.get(history_url(project))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_it_only_answers_get(self, client, project, leader):
        client.force_login(leader)
        assert client.post(history_url(project)).status_code == 405

    def test_it_is_paginated_newest_first(self, client, project, leader):
        for number in range(PAGE_SIZE + 5):
            project.title = f"Titel {number}"
            project.save()
        client.force_login(leader)

        first = client.get(history_url(project)).context["page"]
        second = client.get(history_url(project), {"page": 2}).context["page"]
        assert first.paginator.count == PAGE_SIZE + 6  # the insert and 55 updates
        assert first.object_list[0].changes[0].new == f"Titel {PAGE_SIZE + 4}"
        assert len(second.object_list) == 6
        assert second.object_list[-1].label == "insert"

    @pytest.mark.parametrize("size", [3, 30])
    def test_its_query_count_does_not_grow(
        self, client, project, leader, size, django_assert_max_num_queries
    ):
        for number in range(size):
            milestone = MilestoneFactory(project=project, title=f"Mijlpaal {number}")
            step = ProcedureStepFactory(milestone=milestone)
            step_status_set(step=step, status=ProcedureStep.Status.IN_PROGRESS)
            StakeholderInvolvementFactory(project=project)
            DepartmentInvolvementFactory(project=project)
            point = FrictionPointFactory(project=project, author=UserFactory())
            FrictionUpdateFactory(friction_point=point, author=UserFactory())
            interaction = InteractionFactory(project=project)  # and the party's involvement
            InteractionParticipantFactory(interaction=interaction)
            FollowUpFactory(interaction=interaction, owner=UserFactory())
            AgreementFactory(project=project)  # and the party's involvement
        client.force_login(leader)

        # Session, user, project, roles; count and keys; eleven event tables; names of
        # users, departments, parties, procedures, milestones, friction points, contact
        # moments and contact persons; the viewer's groups and whose contacts they see.
        with django_assert_max_num_queries(27):
            response = client.get(history_url(project))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(PAGE_SIZE, 1 + 13 * size)


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(AdministratorFactory(is_superuser=True))
        return client

    @pytest.fixture(params=["superuser", "beheerder"])
    def any_administrator(self, request, client):
        client.force_login(AdministratorFactory(is_superuser=request.param == "superuser"))
        return client

    def test_nobody_may_delete_a_timeline_entry(self, any_administrator):
        client = any_administrator
        entry = FrictionUpdateFactory(text="Gebeld met inkoop.")
        stored = FrictionUpdate.objects.values().get(pk=entry.pk)
        delete_url = reverse("admin:projects_frictionupdate_delete", args=[entry.pk])
        changelist = reverse("admin:projects_frictionupdate_changelist")
        point_url = reverse("admin:projects_frictionpoint_change", args=[entry.friction_point_id])

        assert client.get(delete_url).status_code == 403
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        assert "delete_selected" not in client.get(changelist).content.decode()
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        )
        point_page = client.get(point_url).content.decode()
        assert "Gebeld met inkoop." in point_page
        assert "updates-0-DELETE" not in point_page
        assert FrictionUpdate.objects.values().get(pk=entry.pk) == stored

    def test_nobody_may_edit_a_timeline_entry(self, any_administrator):
        client = any_administrator
        entry = FrictionUpdateFactory(text="Gebeld met inkoop.")
        stored = FrictionUpdate.objects.values().get(pk=entry.pk)
        url = reverse("admin:projects_frictionupdate_change", args=[entry.pk])

        page = client.get(url)
        assert page.status_code == 200  # shown, read-only
        assert "Gebeld met inkoop." in page.content.decode()
        assert 'name="text"' not in page.content.decode()
        refused = client.post(
            url,
            {
                "friction_point": entry.friction_point_id,
                "kind": FrictionUpdate.Kind.COMMENT,
                "text": "Anders opgeschreven.",
                "author": entry.author_id,
            },
        )
        assert refused.status_code == 403
        assert FrictionUpdate.objects.values().get(pk=entry.pk) == stored

    def test_a_correction_is_a_new_entry_in_the_beheerders_own_name(self, client):
        beheerder = AdministratorFactory()
        entry = FrictionUpdateFactory(text="Gebeld met inkoop op maandag.")
        client.force_login(beheerder)

        response = client.post(
            reverse("admin:projects_frictionupdate_add"),
            {
                "friction_point": entry.friction_point_id,
                "kind": FrictionUpdate.Kind.COMMENT,
                "text": "Correctie: het was dinsdag.",
                "author": entry.author_id,  # not someone else's words
                "old_status": "",
                "new_status": "",
            },
        )

        assert response.status_code == 302
        correction = FrictionUpdate.objects.exclude(pk=entry.pk).get()
        assert (correction.author, correction.text) == (beheerder, "Correctie: het was dinsdag.")
        assert FrictionUpdate.objects.get(pk=entry.pk).text == "Gebeld met inkoop op maandag."

    def test_the_beheerder_role_holds_no_permission_to_rewrite_the_timeline(self):
        granted = set(
            Group.objects.get(name=Role.ADMINISTRATOR)
            .permissions.filter(content_type__model="frictionupdate")
            .values_list("codename", flat=True)
        )
        assert granted == {"add_frictionupdate", "view_frictionupdate"}

    def test_a_friction_points_admin_history_shows_its_timeline(self, admin_client):
        entry = FrictionUpdateFactory(text="Gebeld met inkoop.")
        url = reverse("admin:projects_frictionpoint_history", args=[entry.friction_point_id])
        assert "Gebeld met inkoop." in admin_client.get(url).content.decode()

    def test_a_contact_moments_admin_history_shows_who_took_part_and_follow_ups(self, admin_client):
        interaction = InteractionFactory(summary="Kennismaking")
        InteractionParticipantFactory(interaction=interaction, contact__name="Karin de Vries")
        FollowUpFactory(interaction=interaction, description="Tekening sturen")
        url = reverse("admin:projects_interaction_history", args=[interaction.pk])

        page = admin_client.get(url).content.decode()
        assert "Kennismaking" in page and "Karin de Vries" in page and "Tekening sturen" in page

    def test_a_projects_history_in_the_admin_shows_the_audit_trail(self, admin_client, project):
        FrictionPointFactory(project=project, title="Inkoop duurt te lang")
        response = admin_client.get(reverse("admin:projects_project_history", args=[project.pk]))
        assert response.status_code == 200
        assert "Inkoop duurt te lang" in response.content.decode()

    @pytest.mark.parametrize(
        ("model", "factory", "name"),
        [
            (FrictionPoint, FrictionPointFactory, "Knelpunt in beheer"),
            (Department, DepartmentFactory, "Afdeling in beheer"),
            (Procedure, ProcedureFactory, "Procedure in beheer"),
            (Agreement, AgreementFactory, "Afspraak in beheer"),
        ],
    )
    def test_tracked_objects_show_their_history(self, admin_client, model, factory, name):
        field = "title" if model in (FrictionPoint, Agreement) else "name"
        obj = factory(**{field: name})
        setattr(obj, field, f"{name} (nieuw)")
        obj.save()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )

        page = admin_client.get(url).content.decode()
        assert f"{name} (nieuw)" in page
        entries = object_history(obj, viewer=AdministratorFactory()).object_list
        assert [e.label for e in entries] == ["update", "insert"]
