"""The worker's side of the password reset (accounts/tasks.py, accounts/mails.py)."""

from __future__ import annotations

import re

import pytest
from celery.exceptions import Retry
from django.core import mail

from accounts import tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_task_mails_every_account_with_the_address_and_says_how_many():
    UserFactory(username="pim", email="pim@gemeente.example")
    UserFactory(username="pim-tweede", email="PIM@gemeente.example")
    UserFactory(username="anna", email="anna@gemeente.example")
    sent = tasks.send_password_reset_mail.apply(
        kwargs={"email": "Pim@Gemeente.example", "language": "nl"}
    ).get()
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["PIM@gemeente.example", "pim@gemeente.example"]
    named = [re.search(r"gebruikersnaam: (\S+)\)", m.body).group(1) for m in mail.outbox]
    assert sorted(named) == ["pim", "pim-tweede"]


def test_the_task_sends_nothing_for_an_address_nobody_has():
    assert (
        tasks.send_password_reset_mail.apply(
            kwargs={"email": "niemand@gemeente.example", "language": "nl"}
        ).get()
        == 0
    )
    assert mail.outbox == []


def test_a_language_the_site_does_not_speak_falls_back_to_dutch():
    UserFactory(email="pim@gemeente.example")
    tasks.send_password_reset_mail.apply(
        kwargs={"email": "pim@gemeente.example", "language": "xx"}
    ).get()
    assert mail.outbox[0].subject == "[BinnenBuiten] Kies een nieuw wachtwoord"


def test_a_mail_server_out_of_reach_is_tried_again_later(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},  # nothing listens
        }
    }
    UserFactory(email="pim@gemeente.example")
    with pytest.raises(Retry):
        tasks.send_password_reset_mail.apply(
            kwargs={"email": "pim@gemeente.example", "language": "nl"}
        )
