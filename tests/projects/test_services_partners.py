"""Writes about the outside: contact moments, follow-ups, agreements and the milestone an
agreement becomes, merging parties, and a contact person's export and erasure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Event

from projects.models import (
    Agreement,
    FollowUp,
    Interaction,
    InteractionParticipant,
    Milestone,
    StakeholderInvolvement,
)
from projects.services.partners import (
    FollowUpInput,
    agreement_make_milestone,
    agreement_record,
    agreement_set_status,
    contact_export,
    follow_up_set_done,
    interaction_log,
    stakeholder_merge,
)
from stakeholders.erasure import contact_erase
from stakeholders.models import Contact, Stakeholder
from tests.factories import (
    AdministratorFactory,
    AgreementFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    FollowUpFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
    UserFactory,
)
from web.history import history_context

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def partner_project():
    project = ProjectFactory()
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    StakeholderInvolvementFactory(project=project, stakeholder=party)
    return project, party


# --- contact moments -----------------------------------------------------------------------


class TestInteractionLog:
    def test_it_logs_a_contact_moment_with_participants_and_a_follow_up(self, partner_project):
        project, party = partner_project
        karin = ContactFactory(stakeholder=party, name="Karin de Vries")
        colleague = CommissionerFactory()
        interaction = interaction_log(
            author=project.leader,
            project=project,
            stakeholder=party,
            kind=Interaction.Kind.PHONE,
            date=timezone.localdate(),
            summary="  Planning van de oplevering besproken. ",
            contacts=[karin, karin],
            staff=[colleague],
            follow_ups=[
                FollowUpInput(
                    description="Collegevoorstel delen",
                    owner=colleague,
                    due_date=timezone.localdate() + dt.timedelta(days=5),
                )
            ],
        )
        assert interaction.summary == "Planning van de oplevering besproken."
        participants = interaction.participants.all()
        assert {p.contact_id for p in participants if p.contact_id} == {karin.pk}
        assert {p.staff_id for p in participants if p.staff_id} == {
            project.leader.pk,
            colleague.pk,
        }
        follow_up = interaction.follow_ups.get()
        assert (follow_up.owner, follow_up.is_done) == (colleague, False)

    @pytest.mark.parametrize("factory", [LeaderFactory, CommissionerFactory, AdministratorFactory])
    def test_a_party_level_contact_is_for_leaders_commissioners_and_beheerders(self, factory):
        party = StakeholderFactory()
        interaction = interaction_log(
            author=factory(),
            stakeholder=party,
            kind=Interaction.Kind.MEETING,
            date=timezone.localdate(),
            summary="Kennismaking",
        )
        assert interaction.project is None

    @pytest.mark.parametrize("factory", [DepartmentHeadFactory, UserFactory])
    def test_others_may_not_log_a_party_level_contact(self, factory):
        with pytest.raises(PermissionDenied):
            interaction_log(
                author=factory(),
                stakeholder=StakeholderFactory(),
                kind=Interaction.Kind.MEETING,
                date=timezone.localdate(),
                summary="Kennismaking",
            )

    def test_on_a_project_it_needs_contribute_permission(self, partner_project):
        project, party = partner_project
        with pytest.raises(PermissionDenied):
            interaction_log(
                author=LeaderFactory(),
                project=project,
                stakeholder=party,
                kind=Interaction.Kind.MEETING,
                date=timezone.localdate(),
                summary="Niet mijn project",
            )
        assert not Interaction.objects.exists()

    def test_a_head_of_an_involved_department_may_log_on_the_project(self, partner_project):
        project, party = partner_project
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
        interaction = interaction_log(
            author=head,
            project=project,
            stakeholder=party,
            kind=Interaction.Kind.SITE_VISIT,
            date=timezone.localdate(),
            summary="Werkbezoek op de bouwplaats",
        )
        assert interaction.author == head

    def test_the_party_must_be_in_the_project(self, partner_project):
        project, _party = partner_project
        with pytest.raises(ValidationError) as error:
            interaction_log(
                author=project.leader,
                project=project,
                stakeholder=StakeholderFactory(),
                kind=Interaction.Kind.MEETING,
                date=timezone.localdate(),
                summary="Overleg",
            )
        assert "stakeholder" in error.value.message_dict

    def test_contacts_must_be_of_the_party(self, partner_project):
        project, party = partner_project
        with pytest.raises(ValidationError) as error:
            interaction_log(
                author=project.leader,
                project=project,
                stakeholder=party,
                kind=Interaction.Kind.MEETING,
                date=timezone.localdate(),
                summary="Overleg",
                contacts=[ContactFactory()],
            )
        assert "contacts" in error.value.message_dict

    def test_it_refuses_a_date_in_the_future_and_an_empty_summary(self, partner_project):
        project, party = partner_project
        for date, summary, field in (
            (timezone.localdate() + dt.timedelta(days=1), "Overleg", "date"),
            (timezone.localdate(), "   ", "summary"),
        ):
            with pytest.raises(ValidationError) as error:
                interaction_log(
                    author=project.leader,
                    project=project,
                    stakeholder=party,
                    kind=Interaction.Kind.MEETING,
                    date=date,
                    summary=summary,
                )
            assert field in error.value.message_dict
        assert not Interaction.objects.exists()


class TestFollowUp:
    def test_the_owner_ticks_it_off_and_opens_it_again(self):
        follow_up = FollowUpFactory()
        owner = follow_up.owner
        follow_up_set_done(follow_up=follow_up, actor=owner, done=True)
        follow_up.refresh_from_db()
        assert follow_up.is_done and follow_up.done_at is not None
        follow_up_set_done(follow_up=follow_up, actor=owner, done=False)
        follow_up.refresh_from_db()
        assert not follow_up.is_done and follow_up.done_at is None

    def test_a_contributor_of_the_project_may_tick_it_off(self):
        follow_up = FollowUpFactory(owner=CommissionerFactory())
        follow_up_set_done(
            follow_up=follow_up, actor=follow_up.interaction.project.leader, done=True
        )
        assert FollowUp.objects.get().is_done

    def test_an_outsider_may_not(self):
        follow_up = FollowUpFactory()
        with pytest.raises(PermissionDenied):
            follow_up_set_done(follow_up=follow_up, actor=LeaderFactory(), done=True)
        assert not FollowUp.objects.get().is_done


# --- agreements ----------------------------------------------------------------------------


class TestAgreements:
    def test_it_records_an_agreement_with_a_party_of_the_project(self, partner_project):
        project, party = partner_project
        agreement = agreement_record(
            author=project.leader,
            project=project,
            stakeholder=party,
            title="  Omgevingsvergunning   aanvragen ",
            owed_by=Agreement.OwedBy.US,
            due_date=dt.date(2027, 5, 1),
        )
        assert agreement.title == "Omgevingsvergunning aanvragen"
        assert agreement.status == Agreement.Status.OPEN

    def test_it_refuses_a_party_outside_the_project_and_outsiders(self, partner_project):
        project, party = partner_project
        kwargs = {
            "title": "Iets",
            "owed_by": Agreement.OwedBy.PARTY,
            "due_date": dt.date(2027, 5, 1),
        }
        with pytest.raises(ValidationError):
            agreement_record(
                author=project.leader, project=project, stakeholder=StakeholderFactory(), **kwargs
            )
        with pytest.raises(PermissionDenied):
            agreement_record(author=LeaderFactory(), project=project, stakeholder=party, **kwargs)
        assert not Agreement.objects.exists()

    def test_status_changes_need_contribute_permission(self):
        agreement = AgreementFactory()
        agreement_set_status(
            agreement=agreement, actor=agreement.project.leader, status=Agreement.Status.FULFILLED
        )
        assert Agreement.objects.get().status == Agreement.Status.FULFILLED
        with pytest.raises(PermissionDenied):
            agreement_set_status(
                agreement=agreement, actor=LeaderFactory(), status=Agreement.Status.LAPSED
            )
        with pytest.raises(ValidationError):
            agreement_set_status(agreement=agreement, actor=agreement.project.leader, status="x")


class TestAgreementToMilestone:
    def test_it_makes_a_milestone_with_the_date_and_title_and_rescans_after_commit(
        self, django_capture_on_commit_callbacks, monkeypatch
    ):
        agreement = AgreementFactory(title="Vergunning indienen", due_date=dt.date(2027, 6, 1))
        published = []
        monkeypatch.setattr(
            "projects.services.rescan._publish", lambda project_ids: published.append(project_ids)
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            milestone, created = agreement_make_milestone(
                agreement=agreement, actor=agreement.project.leader
            )
            assert published == []  # not inside the transaction
        assert created
        assert (milestone.project, milestone.title, milestone.date) == (
            agreement.project,
            "Vergunning indienen",
            dt.date(2027, 6, 1),
        )
        assert Agreement.objects.get().milestone == milestone
        assert len(callbacks) == 1
        callbacks[0]()
        assert published == [[agreement.project.pk]]

    def test_a_second_click_makes_no_second_milestone(self, django_capture_on_commit_callbacks):
        agreement = AgreementFactory()
        leader = agreement.project.leader
        with django_capture_on_commit_callbacks() as first:
            milestone, created = agreement_make_milestone(agreement=agreement, actor=leader)
        stale = Agreement.objects.get(pk=agreement.pk)
        stale.milestone = None  # a page opened before the first click
        with django_capture_on_commit_callbacks() as second:
            again, created_again = agreement_make_milestone(agreement=stale, actor=leader)
        assert created and not created_again
        assert again == milestone
        assert Milestone.objects.count() == 1
        assert len(first) == 1 and len(second) == 0

    def test_only_an_open_agreement_we_owe_becomes_a_milestone(self):
        for agreement in (
            AgreementFactory(theirs=True),
            AgreementFactory(status=Agreement.Status.FULFILLED),
        ):
            with pytest.raises(ValidationError):
                agreement_make_milestone(agreement=agreement, actor=agreement.project.leader)
        assert not Milestone.objects.exists()

    def test_it_needs_edit_permission_on_the_project(self):
        agreement = AgreementFactory()
        head = DepartmentHeadFactory()
        DepartmentInvolvementFactory(
            project=agreement.project, department=DepartmentFactory(head=head)
        )
        with pytest.raises(PermissionDenied):
            agreement_make_milestone(agreement=agreement, actor=head)
        assert not Milestone.objects.exists()


# --- merging parties -----------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    return {
        "parties": Stakeholder.objects.count(),
        "involvements": StakeholderInvolvement.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "participants": InteractionParticipant.objects.count(),
        "agreements": Agreement.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }


class TestMerge:
    def test_it_moves_everything_and_leaves_nothing_orphaned(self):
        keep = StakeholderFactory(name="Woningcorporatie Ons Huis")
        remove = StakeholderFactory(
            name="ons huis woningcorporatie", website="https://onshuis.example"
        )
        shared = ProjectFactory(title="Zonnedaken")
        StakeholderInvolvementFactory(project=shared, stakeholder=keep, influence=2, interest=5)
        StakeholderInvolvementFactory(project=shared, stakeholder=remove, influence=4, interest=3)
        only_removed = ProjectFactory()
        StakeholderInvolvementFactory(project=only_removed, stakeholder=remove)
        contact = ContactFactory(stakeholder=remove)
        interaction = InteractionFactory(project=only_removed, stakeholder=remove)
        InteractionParticipantFactory(interaction=interaction, contact=contact)
        FollowUpFactory(interaction=interaction)
        party_level = InteractionFactory(party_level=True, stakeholder=remove)
        agreement = AgreementFactory(project=only_removed, stakeholder=remove)
        ContactFactory(stakeholder=keep)
        before = table_counts()
        actor = AdministratorFactory()

        result = stakeholder_merge(keep=keep, remove=remove, actor=actor)

        after = table_counts()
        assert after == {**before, "parties": before["parties"] - 1, "involvements": 2}
        assert not Stakeholder.objects.filter(pk=remove.pk).exists()
        for model in (StakeholderInvolvement, Contact, Interaction, Agreement):
            assert not model.objects.exclude(stakeholder=keep).exists(), model
        combined = StakeholderInvolvement.objects.get(project=shared)
        assert (combined.influence, combined.interest) == (4, 5)
        assert result.moved_involvements == 1 and len(result.combined) == 1
        assert (result.moved_contacts, result.moved_interactions, result.moved_agreements) == (
            1,
            2,
            1,
        )
        for obj in (interaction, party_level, agreement, contact):
            obj.refresh_from_db()
            assert obj.stakeholder_id == keep.pk
        keep.refresh_from_db()
        assert keep.website == "https://onshuis.example"

    def test_it_is_in_the_admin_history_of_both_parties(self):
        keep = StakeholderFactory(name="Bouwbedrijf Jansen B.V.")
        remove = StakeholderFactory(name="bouwbedrijf jansen")
        project = ProjectFactory(title="Brede school")
        StakeholderInvolvementFactory(project=project, stakeholder=keep, influence=3, interest=3)
        StakeholderInvolvementFactory(project=project, stakeholder=remove, influence=5, interest=1)
        actor = AdministratorFactory()
        stakeholder_merge(keep=keep, remove=remove, actor=actor)
        content_type = ContentType.objects.get_for_model(Stakeholder)
        entries = {
            int(entry.object_id): entry
            for entry in LogEntry.objects.filter(content_type=content_type, user=actor)
        }
        assert entries[keep.pk].action_flag == CHANGE
        assert "bouwbedrijf jansen" in entries[keep.pk].change_message
        assert "Brede school" in entries[keep.pk].change_message
        assert "invloed 3 en 5 werd 5" in entries[keep.pk].change_message
        assert entries[remove.pk].action_flag == DELETION
        assert "Bouwbedrijf Jansen B.V." in entries[remove.pk].change_message

    def test_a_party_cannot_be_merged_with_itself(self):
        party = StakeholderFactory()
        with pytest.raises(ValidationError):
            stakeholder_merge(keep=party, remove=party, actor=AdministratorFactory())
        assert Stakeholder.objects.filter(pk=party.pk).exists()

    def test_its_queries_do_not_grow_with_what_moves(self):
        counts = []
        actor = AdministratorFactory()
        ContentType.objects.get_for_model(Stakeholder)  # the admin history's cached lookup
        for size in (1, 8):
            keep, remove = StakeholderFactory(), StakeholderFactory()
            for _ in range(size):
                project = ProjectFactory()
                StakeholderInvolvementFactory(project=project, stakeholder=remove)
                InteractionFactory(project=project, stakeholder=remove)
                ContactFactory(stakeholder=remove)
            with CaptureQueriesContext(connection) as queries:
                stakeholder_merge(keep=keep, remove=remove, actor=actor)
            counts.append(len(queries))
        assert counts[0] == counts[1]


# --- a contact person's data ---------------------------------------------------------------


class TestContactPrivacy:
    def test_the_export_holds_everything_stored_about_the_person(self):
        contact = ContactFactory(
            name="Karin de Vries", role="Wijkmanager", email="karin@onshuis.example", phone="06"
        )
        interaction = InteractionFactory(
            stakeholder=contact.stakeholder, summary="Oplevering besproken", contacts=[contact]
        )
        FollowUpFactory(interaction=interaction, description="Tekening sturen")
        InteractionFactory(stakeholder=contact.stakeholder, summary="Zonder Karin")
        actor = AdministratorFactory()
        data = contact_export(contact=contact, actor=actor)
        json.dumps(data)  # a JSON document
        assert data["contact"] == {
            "id": contact.pk,
            "name": "Karin de Vries",
            "organisation": contact.stakeholder.name,
            "role": "Wijkmanager",
            "email": "karin@onshuis.example",
            "phone": "06",
            "created_at": contact.created_at.isoformat(),
        }
        assert [i["summary"] for i in data["interactions"]] == ["Oplevering besproken"]
        assert data["interactions"][0]["follow_ups"][0]["description"] == "Tekening sturen"
        assert LogEntry.objects.filter(object_id=str(contact.pk), user=actor).exists()

    def test_the_export_holds_the_persons_audit_trail(self):
        contact = ContactFactory(name="Karin de Vries", role="Wijkmanager")
        contact.role = "Projectsecretaris"
        contact.save()
        data = contact_export(contact=contact, actor=AdministratorFactory())
        json.dumps(data)
        assert [(e["event"], e["role"]) for e in data["history"]] == [
            ("insert", "Wijkmanager"),
            ("update", "Projectsecretaris"),
        ]

    def test_erasing_keeps_the_interactions_with_a_placeholder(self):
        contact = ContactFactory(name="Karin de Vries", email="karin@onshuis.example")
        other = ContactFactory(stakeholder=contact.stakeholder, name="Piet Partner")
        interaction = InteractionFactory(stakeholder=contact.stakeholder, contacts=[contact, other])
        FollowUpFactory(interaction=interaction)
        actor = AdministratorFactory()
        LogEntry.objects.log_actions(
            user_id=actor.pk, queryset=[contact], action_flag=CHANGE, change_message="[]"
        )
        before = table_counts()

        contact_erase(contact=contact, actor=actor)

        assert table_counts() == {**before, "contacts": before["contacts"] - 1}
        assert not Contact.objects.filter(name="Karin de Vries").exists()
        placeholder = InteractionParticipant.objects.get(interaction=interaction, contact=None)
        assert placeholder.staff_id is None and placeholder.erased_at is not None
        assert str(placeholder) == "Verwijderde persoon"
        assert interaction.participants.filter(contact=other).exists()
        history = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
        )
        assert history.exists()
        assert not history.filter(object_repr__contains="Karin").exists()
        party_entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Stakeholder),
            object_id=str(contact.stakeholder_id),
        )
        assert "Karin" not in party_entry.change_message

    def test_erasing_leaves_the_person_in_no_row_of_the_audit_trail(self):
        contact = ContactFactory(
            name="Karin de Vries", email="karin@onshuis.example", phone="06-12345678"
        )
        interaction = InteractionFactory(stakeholder=contact.stakeholder)
        with history_context(user=AdministratorFactory().pk):
            participant = InteractionParticipantFactory(interaction=interaction, contact=contact)
        events = InteractionParticipant.pgh_event_model.objects.filter(pgh_obj_id=participant.pk)
        assert events.filter(contact_id=contact.pk).exists()  # by number, until erased

        contact_erase(contact=contact, actor=AdministratorFactory())

        assert events.exists()  # who took part in the contact moment stays recorded
        assert not events.filter(contact_id=contact.pk).exists()
        for event_model in (model for model in apps.get_models() if issubclass(model, Event)):
            for field in event_model._meta.concrete_fields:
                if field.is_relation and field.related_model is Contact:
                    assert not event_model.objects.filter(**{field.attname: contact.pk}).exists()
                elif isinstance(field, (models.CharField, models.TextField)):
                    for value in ("Karin de Vries", "karin@onshuis.example", "06-12345678"):
                        lookup = {f"{field.name}__icontains": value}
                        assert not event_model.objects.filter(**lookup).exists(), field
