"""The retention of contact persons: who expires, what the purge erases (history included),
the dry run, the task and its place in the beat schedule."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from config.celery import app
from projects.models import InteractionParticipant, Project
from stakeholders import erasure, retention
from stakeholders.erasure import contact_erase
from stakeholders.models import Contact
from stakeholders.retention import contacts_purge, months_before, retention_cutoff
from stakeholders.tasks import purge_expired_contacts
from tests.factories import (
    AdministratorFactory,
    ContactFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 6, 1, 3, 30, tzinfo=dt.UTC)  # cutoff with 24 months: 1 June 2025
LONG_AGO = dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC)
RECENTLY = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def party_with_project(name: str, *, status: str, ended: dt.datetime, archived: bool = False):
    party = StakeholderFactory(name=name)
    project = ProjectFactory(status=status)
    StakeholderInvolvementFactory(project=project, stakeholder=party)
    Project.objects.filter(pk=project.pk).update(
        updated_at=ended, archived_at=ended if archived else None
    )
    return party


def contact_of(party, name: str, *, created: dt.datetime = LONG_AGO - dt.timedelta(days=300)):
    contact = ContactFactory(stakeholder=party, name=name)
    contact.role = "Wethouder"  # a second snapshot in its history
    contact.save()
    Contact.objects.filter(pk=contact.pk).update(created_at=created)
    return contact


def events_of(contact_pk: int) -> int:
    return Contact.pgh_event_model.objects.filter(pgh_obj_id=contact_pk).count()


def log_entries_of(contact_pk: int) -> int:
    content_type = ContentType.objects.get_for_model(Contact)
    return LogEntry.objects.filter(content_type=content_type, object_id=str(contact_pk)).count()


@pytest.fixture
def world(settings):
    settings.BB_CONTACT_RETENTION_MONTHS = 24
    completed = party_with_project("Afgerond BV", status=Project.Status.COMPLETED, ended=LONG_AGO)
    archived = party_with_project(
        "Archief BV", status=Project.Status.EXECUTION, ended=LONG_AGO, archived=True
    )
    contacts = {
        "expired": contact_of(completed, "Eva Verlopen"),
        "archived": contact_of(archived, "Arie Archief"),
        "no_project": contact_of(StakeholderFactory(name="Zonder project"), "Noor Nergens"),
        "running": contact_of(
            party_with_project("Loopt BV", status=Project.Status.EXECUTION, ended=LONG_AGO),
            "Rob Rennend",
        ),
        "ended_recently": contact_of(
            party_with_project("Net klaar BV", status=Project.Status.STOPPED, ended=RECENTLY),
            "Nina Net",
        ),
        "archived_recently": contact_of(
            party_with_project(
                "Net archief BV", status=Project.Status.EXECUTION, ended=RECENTLY, archived=True
            ),
            "Bart Bewaard",
        ),
        "new_person": contact_of(completed, "Nadia Nieuw", created=RECENTLY),
        "recent_contact_moment": contact_of(completed, "Mo Moment"),
    }
    recent = InteractionFactory(party_level=True, stakeholder=completed, date=RECENTLY.date())
    InteractionParticipantFactory(interaction=recent, contact=contacts["recent_contact_moment"])
    old = InteractionFactory(party_level=True, stakeholder=completed, date=LONG_AGO.date())
    InteractionParticipantFactory(interaction=old, contact=contacts["expired"])
    administrator = AdministratorFactory()
    for contact in contacts.values():
        LogEntry.objects.log_actions(
            user_id=administrator.pk, queryset=[contact], action_flag=CHANGE, change_message="x"
        )
    return contacts


EXPIRED = {"expired", "archived", "no_project"}


class TestPurge:
    def test_it_erases_exactly_the_expired_contacts(self, world):
        result = contacts_purge(now=NOW)

        expired = {key for key, contact in world.items() if contact.pk in _pks(result)}
        assert expired == EXPIRED
        remaining = set(Contact.objects.values_list("pk", flat=True))
        assert remaining == {c.pk for key, c in world.items() if key not in EXPIRED}

    def test_it_erases_their_history_and_log_entries_and_leaves_the_others(self, world):
        before = {key: events_of(contact.pk) for key, contact in world.items()}
        assert all(count >= 2 for count in before.values())  # insert and update at least

        contacts_purge(now=NOW)

        for key, contact in world.items():
            if key in EXPIRED:
                assert events_of(contact.pk) == 0, key
                assert log_entries_of(contact.pk) == 0, key
            else:
                assert events_of(contact.pk) == before[key], key
                assert log_entries_of(contact.pk) == 1, key

    def test_contact_moments_keep_a_placeholder(self, world):
        contacts_purge(now=NOW)

        participant = InteractionParticipant.objects.get(interaction__date=LONG_AGO.date())
        assert participant.contact_id is None
        assert participant.erased_at is not None
        assert str(participant) == "Verwijderde persoon"

    def test_no_event_of_who_took_part_points_to_an_erased_person(self, world):
        events = InteractionParticipant.pgh_event_model.objects
        before = events.count()
        assert events.filter(contact_id=world["expired"].pk).exists()

        contacts_purge(now=NOW)

        assert events.count() >= before  # the contact moments' history stays
        for key in EXPIRED:
            assert not events.filter(contact_id=world[key].pk).exists(), key
        assert events.filter(contact_id=world["recent_contact_moment"].pk).exists()

    def test_a_dry_run_changes_nothing(self, world):
        before = {c.pk: (events_of(c.pk), log_entries_of(c.pk)) for c in world.values()}

        result = contacts_purge(now=NOW, dry_run=True)

        assert {world[key].pk for key in EXPIRED} == _pks(result)
        assert set(Contact.objects.values_list("pk", flat=True)) == set(before)
        assert {pk: (events_of(pk), log_entries_of(pk)) for pk in before} == before

    def test_running_twice_erases_nobody_the_second_time(self, world):
        assert len(contacts_purge(now=NOW).contacts) == len(EXPIRED)
        remaining = set(Contact.objects.values_list("pk", flat=True))
        assert contacts_purge(now=NOW).contacts == []
        assert set(Contact.objects.values_list("pk", flat=True)) == remaining

    def test_the_period_is_configurable(self, world, settings):
        settings.BB_CONTACT_RETENTION_MONTHS = 60  # cutoff June 2022: nobody is old enough
        assert contacts_purge(now=NOW, dry_run=True).contacts == []


class TestCommandAndTask:
    def test_the_dry_run_prints_who_would_go(self, world):
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("purge_contacts", "--dry-run", stdout=out)

        assert "3 contactpersonen zouden worden gewist" in out.getvalue()
        assert "Eva Verlopen (Afgerond BV)" in out.getvalue()
        assert Contact.objects.filter(pk=world["expired"].pk).exists()

    def test_the_command_erases(self, world):
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("purge_contacts", stdout=out)

        assert "3 contactpersonen gewist" in out.getvalue()
        assert not Contact.objects.filter(pk=world["expired"].pk).exists()

    def test_the_task_erases_and_is_safe_to_run_twice(self, world):
        with time_machine.travel(NOW, tick=False):
            assert purge_expired_contacts() == len(EXPIRED)
            assert purge_expired_contacts() == 0
        remaining = set(Contact.objects.values_list("pk", flat=True))
        assert remaining == {c.pk for key, c in world.items() if key not in EXPIRED}

    def test_it_runs_every_night(self):
        entries = [
            entry
            for entry in app.conf.beat_schedule.values()
            if entry["task"] == "stakeholders.tasks.purge_expired_contacts"
        ]
        assert len(entries) == 1
        schedule = entries[0]["schedule"]
        assert isinstance(schedule, crontab)
        assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({3}, {30}, set(range(7)))


class TestErasure:
    def test_the_beheerders_erase_action_also_erases_the_history(self):
        contact = ContactFactory(name="Hans Handmatig")
        contact.email = "hans@partner.example"
        contact.save()
        assert events_of(contact.pk) == 2

        contact_erase(contact=contact, actor=AdministratorFactory())

        assert events_of(contact.pk) == 0  # the delete's own snapshot included


class TestWithoutTheProjectsApp:
    def test_the_creation_date_alone_decides_and_erasing_is_deleting(self, monkeypatch, settings):
        """The leaf on its own: no rules or erasure steps registered by the projects app."""
        settings.BB_CONTACT_RETENTION_MONTHS = 24
        monkeypatch.setattr(retention, "_rules", {})
        monkeypatch.setattr(erasure, "_steps", {})
        old = contact_of(StakeholderFactory(), "Oud")
        new = contact_of(StakeholderFactory(), "Nieuw", created=RECENTLY)

        assert _pks(contacts_purge(now=NOW)) == {old.pk}
        assert list(Contact.objects.values_list("pk", flat=True)) == [new.pk]
        assert events_of(old.pk) == 0


class TestCutoff:
    @pytest.mark.parametrize(
        ("moment", "months", "expected"),
        [
            (dt.datetime(2027, 6, 1, tzinfo=dt.UTC), 24, dt.datetime(2025, 6, 1, tzinfo=dt.UTC)),
            (dt.datetime(2027, 3, 31, tzinfo=dt.UTC), 1, dt.datetime(2027, 2, 28, tzinfo=dt.UTC)),
            (dt.datetime(2028, 3, 31, tzinfo=dt.UTC), 1, dt.datetime(2028, 2, 29, tzinfo=dt.UTC)),
            (dt.datetime(2027, 1, 15, tzinfo=dt.UTC), 13, dt.datetime(2025, 12, 15, tzinfo=dt.UTC)),
        ],
    )
    def test_months_are_calendar_months(self, moment, months, expected):
        assert months_before(moment, months) == expected

    def test_the_cutoff_follows_the_setting(self, settings):
        settings.BB_CONTACT_RETENTION_MONTHS = 6
        assert retention_cutoff(now=NOW) == dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)


def _pks(result) -> set[int]:
    return {contact.pk for contact in result.contacts}
