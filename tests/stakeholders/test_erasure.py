"""Erasing a contact person leaves nothing behind: no table, history or admin log entry
still holds their name, e-mail address or phone number (a sweep over every text column
of every table, on SQLite and on PostgreSQL). Deleting a party, where that is still
possible, erases every contact person first; a cascade that would skip the erasure is
refused."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from stakeholders.erasure import contact_erase
from stakeholders.models import Contact, Stakeholder
from stakeholders.services import stakeholder_delete
from tests.factories import (
    AdministratorFactory,
    ContactFactory,
    InteractionFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db

# Distinctive on purpose: no generated name in the rest of the data can contain them.
NAME = "Zoë Quintijn-Vermeer"
OLD_NAME = "Zoe Quintijn"
EMAIL = "zoe.quintijn@onshuis.example"
OLD_EMAIL = "z.quintijn@oud.example"
PHONE = "+31 6 4711 0815"
PERSON = (NAME, OLD_NAME, EMAIL, OLD_EMAIL, PHONE)


# --- the sweep -------------------------------------------------------------------------------


def _forms(values: tuple[str, ...]) -> set[str]:
    """Each value as typed and as a JSON text escapes it (non-ASCII letters as \\uXXXX)."""
    return {form for value in values for form in (value, json.dumps(value)[1:-1])}


def _text_columns() -> list[tuple[str, str]]:
    """Every text column of every table in the database, read from the database itself."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type IN "
                "('text', 'character varying', 'character', 'json', 'jsonb')"
            )
            return list(cursor.fetchall())
        return [  # SQLite keeps any value in any column: every column of every table
            (table, column.name)
            for table in connection.introspection.table_names(cursor)
            for column in connection.introspection.get_table_description(cursor, table)
        ]


def traces(*values: str) -> set[str]:
    """``table.column`` of every place that still holds one of ``values``: every text
    column the database lists, and every text field of every model in the registry."""
    found = set()
    quote = connection.ops.quote_name
    forms = sorted(_forms(values))
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            text = f"UPPER(CAST({quote(column)} AS TEXT))"
            cursor.execute(
                f"SELECT 1 FROM {quote(table)} WHERE "  # noqa: S608 (names from the catalogue)
                + " OR ".join([f"{text} LIKE UPPER(%s)"] * len(forms))
                + " LIMIT 1",
                [f"%{form}%" for form in forms],
            )
            if cursor.fetchone():
                found.add(f"{table}.{column}")
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            condition = models.Q()
            for form in forms:
                condition |= models.Q(**{f"{field.name}__icontains": form})
            if model._base_manager.filter(condition).exists():
                found.add(f"{model._meta.db_table}.{field.column}")
    return found


# --- a person who left traces everywhere a history keeps them ---------------------------------


@pytest.fixture
def person(client):
    """A contact person added and renamed in the admin (the party's and their own log
    entries), with an older e-mail address in their audit trail, in a contact moment, in a
    log entry about a contact moment (JSON) and one about a project (text), and in an
    earlier version of a project's description."""
    administrator = AdministratorFactory()
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    project = ProjectFactory(title="Zonnedaken Noord")
    StakeholderInvolvementFactory(project=project, stakeholder=party)
    client.force_login(administrator)
    added = client.post(
        reverse("admin:stakeholders_stakeholder_change", args=[party.pk]),
        {
            "name": party.name,
            "kind": party.kind,
            "website": "",
            "description": "",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-name": OLD_NAME,
            "contacts-0-role": "Wijkmanager",
            "contacts-0-email": OLD_EMAIL,
            "contacts-0-phone": PHONE,
            "contacts-0-stakeholder": str(party.pk),
        },
    )
    assert added.status_code == 302, added.content.decode()
    contact = Contact.objects.get(stakeholder=party)
    renamed = client.post(
        reverse("admin:stakeholders_contact_change", args=[contact.pk]),
        {
            "stakeholder": str(party.pk),
            "name": NAME,
            "role": "Wijkmanager",
            "email": EMAIL,
            "phone": PHONE,
        },
    )
    assert renamed.status_code == 302, renamed.content.decode()
    interaction = InteractionFactory(project=project, stakeholder=party, contacts=[contact])
    # What the admin writes for a participant added inline to a contact moment.
    LogEntry.objects.log_actions(
        user_id=administrator.pk,
        queryset=[interaction],
        action_flag=CHANGE,
        change_message=[{"added": {"name": "deelnemer", "object": NAME}}],
    )
    LogEntry.objects.log_actions(
        user_id=administrator.pk,
        queryset=[project],
        action_flag=CHANGE,
        change_message=f"Gebeld met {NAME} ({EMAIL}) over de planning.",
    )
    project.description = f"Aanspreekpunt bij de corporatie: {NAME}, {PHONE}."
    project.save()
    project.description = "Zonnepanelen op 120 daken."  # corrected: only the history has it
    project.save()
    contact.refresh_from_db()
    return {"contact": contact, "party": party, "interaction": interaction, "client": client}


class TestTheSweep:
    def test_before_the_erasure_it_finds_the_person_in_every_history(self, person):
        found = traces(*PERSON)
        assert {
            "stakeholders_contact.name",
            "stakeholders_contactevent.name",
            "stakeholders_contactevent.email",
            "django_admin_log.object_repr",
            "django_admin_log.change_message",
            "projects_projectevent.description",
        } <= found

    def test_after_the_beheerders_erasure_no_table_holds_the_person(self, person):
        response = person["client"].post(
            reverse("admin:stakeholders_contact_erase", args=[person["contact"].pk]),
            {"post": "yes"},
        )
        assert response.status_code == 302
        assert traces(*PERSON) == set()
        # What stays: the contact moment with a stand-in, the admin log with valid JSON.
        participant = person["interaction"].participants.get(staff=None)
        assert participant.contact_id is None and participant.erased_at is not None
        for entry in LogEntry.objects.all():
            entry.get_change_message()  # parses the JSON it holds
        assert LogEntry.objects.filter(object_repr="verwijderde persoon").exists()

    def test_after_the_nightly_purges_erasure_no_table_holds_the_person(self, person):
        contact_erase(contact=person["contact"], actor=None)
        assert traces(*PERSON) == set()

    def test_after_deleting_the_party_no_table_holds_the_person(self, person):
        person["interaction"].delete()
        person["party"].involvements.all().delete()
        stakeholder_delete(stakeholder=person["party"], actor=AdministratorFactory())
        assert traces(*PERSON) == set()
        assert not Stakeholder.objects.filter(pk=person["party"].pk).exists()


class TestTheAdminLog:
    def test_a_json_change_message_stays_json_with_the_stand_in(self):
        party = StakeholderFactory(name="Ons Huis")
        contact = ContactFactory(stakeholder=party, name=NAME, email=EMAIL, phone=PHONE)
        actor = AdministratorFactory()
        message = [
            {"added": {"name": "contactpersoon", "object": f"{NAME} ({party})"}},
            {"changed": {"name": "contactpersoon", "object": "Piet Partner", "fields": ["Naam"]}},
        ]
        LogEntry.objects.log_actions(
            user_id=actor.pk, queryset=[party], action_flag=CHANGE, change_message=message
        )
        untouched = LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[party],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Website"]}}],
            single_object=True,
        ).change_message

        contact_erase(contact=contact, actor=actor)

        entries = LogEntry.objects.filter(action_flag=CHANGE, content_type__model="stakeholder")
        rewritten = json.loads(entries.get(change_message__contains="added").change_message)
        assert rewritten == [
            {"added": {"name": "contactpersoon", "object": "verwijderde persoon (Ons Huis)"}},
            {"changed": {"name": "contactpersoon", "object": "Piet Partner", "fields": ["Naam"]}},
        ]
        assert entries.filter(change_message=untouched).exists()

    def test_a_text_message_and_the_object_repr_are_rewritten_in_place(self):
        contact = ContactFactory(name="Karin de Vries", email="karin@onshuis.example")
        project = ProjectFactory()
        actor = AdministratorFactory()
        LogEntry.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(project),
            object_id=str(project.pk),
            object_repr="Overleg met KARIN DE VRIES",
            action_flag=ADDITION,
            change_message="Mail aan karin@onshuis.example; Karin de Vriesland niet gebeld.",
        )

        contact_erase(contact=contact, actor=actor)

        entry = LogEntry.objects.get(object_id=str(project.pk), content_type__model="project")
        assert entry.object_repr == "Overleg met verwijderde persoon"
        # Whole words only: another name that starts the same stays.
        assert entry.change_message == (
            "Mail aan verwijderde persoon; Karin de Vriesland niet gebeld."
        )

    def test_entries_about_the_person_keep_only_the_stand_in(self):
        contact = ContactFactory(name=NAME)
        actor = AdministratorFactory()
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[contact],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["E-mail"]}}],
        )

        contact_erase(contact=contact, actor=actor)

        entry = LogEntry.objects.get(content_type__model="contact", object_id=str(contact.pk))
        assert entry.object_repr == "verwijderde persoon"


class TestWhatErasureLeavesAlone:
    def test_a_namesake_keeps_their_history_and_log(self):
        contact = ContactFactory(name=NAME)
        namesake = ContactFactory(name=NAME)  # another person at another party
        namesake.role = "Directeur"
        namesake.save()
        LogEntry.objects.log_actions(
            user_id=AdministratorFactory().pk,
            queryset=[namesake],
            action_flag=CHANGE,
            change_message="[]",
        )

        contact_erase(contact=contact, actor=None)

        events = Contact.pgh_event_model.objects.filter(pgh_obj_id=namesake.pk)
        assert list(events.values_list("name", flat=True)) == [NAME, NAME]
        assert LogEntry.objects.get(object_id=str(namesake.pk)).object_repr.startswith(NAME)

    def test_values_too_short_to_identify_anyone_are_not_searched_for(self):
        contact = ContactFactory(name="Jo", phone="06")
        project = ProjectFactory()
        LogEntry.objects.log_actions(
            user_id=AdministratorFactory().pk,
            queryset=[project],
            action_flag=CHANGE,
            change_message="Jo belt op 06-06-2027.",
        )

        contact_erase(contact=contact, actor=None)

        assert LogEntry.objects.get(object_id=str(project.pk)).change_message == (
            "Jo belt op 06-06-2027."
        )


# --- deleting a party ------------------------------------------------------------------------


def _events(contact: Contact) -> int:
    return Contact.pgh_event_model.objects.filter(pgh_obj_id=contact.pk).count()


class TestDeletingAParty:
    def test_it_erases_every_contact_person_first(self):
        party = StakeholderFactory(name="Bouwbedrijf Jansen")
        first = ContactFactory(stakeholder=party, name="Karin de Vries")
        second = ContactFactory(stakeholder=party, name="Piet Partner", phone="010-1234567")
        actor = AdministratorFactory()
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[party],
            action_flag=CHANGE,
            change_message=[
                {"added": {"name": "contactpersoon", "object": str(first)}},
                {"added": {"name": "contactpersoon", "object": str(second)}},
            ],
        )

        stakeholder_delete(stakeholder=party, actor=actor, reason="Dubbel ingevoerd.")

        assert not Stakeholder.objects.filter(pk=party.pk).exists()
        assert not Contact.objects.filter(pk__in=[first.pk, second.pk]).exists()
        assert _events(first) == _events(second) == 0
        assert traces("Karin de Vries", "Piet Partner", "010-1234567") == set()
        messages = LogEntry.objects.filter(object_id=str(party.pk)).values_list(
            "change_message", flat=True
        )
        assert "Dubbel ingevoerd." in messages
        assert sum("gewist" in message for message in messages) == 2

    def test_a_refused_deletion_erases_nobody(self):
        party = StakeholderFactory()
        StakeholderInvolvementFactory(stakeholder=party)
        contact = ContactFactory(stakeholder=party, name=NAME)

        with pytest.raises(ValidationError, match="Archiveer de partij"):
            stakeholder_delete(stakeholder=party, actor=AdministratorFactory())

        assert Contact.objects.filter(pk=contact.pk, name=NAME).exists()
        assert _events(contact) == 1
        assert Stakeholder.objects.filter(pk=party.pk).exists()

    def test_the_cascade_that_would_skip_the_erasure_is_refused(self):
        party = StakeholderFactory()
        contact = ContactFactory(stakeholder=party, name=NAME)

        with pytest.raises(ProtectedError):
            party.delete()
        with pytest.raises(ProtectedError):
            Stakeholder.objects.filter(pk=party.pk).delete()

        assert Contact.objects.filter(pk=contact.pk).exists()
        assert _events(contact) == 1  # no delete snapshot either

    def test_the_database_refuses_a_raw_delete_too(self):
        party = StakeholderFactory()
        ContactFactory(stakeholder=party)
        table = connection.ops.quote_name(Stakeholder._meta.db_table)
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [party.pk])  # noqa: S608
            connection.check_constraints()
        assert Stakeholder.objects.filter(pk=party.pk).exists()
