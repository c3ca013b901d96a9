"""The public statements: privacy (privacyverklaring) and accessibility
(toegankelijkheidsverklaring). Readable without logging in, in Dutch, with landmarks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("privacy", "/privacy/", "Privacyverklaring BinnenBuiten"),
    ("accessibility", "/toegankelijkheid/", "Toegankelijkheidsverklaring BinnenBuiten"),
]


@pytest.mark.parametrize(("name", "path", "heading"), PAGES)
def test_it_is_public_in_dutch_with_landmarks(client, name, path, heading):
    assert reverse(name) == path
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html, landmark
    assert re.search(rf"<h1[^>]*>{heading}</h1>", html)
    assert len(re.findall(r"<h1\b", html)) == 1
    assert 'href="#main"' in html  # the skip link


@pytest.mark.parametrize(("name", "path", "heading"), PAGES)
def test_it_answers_get_only(client, name, path, heading):
    assert client.post(path).status_code == 405


def test_the_footer_links_to_both_on_every_page(client):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index("<footer") :]
    assert 'href="/privacy/"' in footer
    assert 'href="/toegankelijkheid/"' in footer


def test_the_privacy_statement_quotes_the_configured_retention(client, settings):
    settings.BB_CONTACT_RETENTION_MONTHS = 18
    html = client.get("/privacy/").content.decode()
    assert "verwijderd 18 maanden nadat het laatste project" in html
    for topic in ("publieke taak", "inzage", "correctie", "verwijdering", "Beheerder", "(FG)"):
        assert topic in html, topic


def test_the_privacy_statement_quotes_the_session_and_login_limits(client):
    html = client.get("/privacy/").content.decode()
    assert f"na {settings.BB_SESSION_IDLE_MINUTES} minuten zonder activiteit" in html
    assert f"Na {settings.AXES_FAILURE_LIMIT} mislukte inlogpogingen" in html


def test_the_accessibility_statement_follows_the_model(client):
    html = client.get("/toegankelijkheid/").content.decode()
    for part in (
        "WCAG) 2.1, niveau A en AA",
        "Nalevingsstatus: voldoet gedeeltelijk",
        "axe-core",
        "toetsenbord",
        "Wat werkt nog niet goed?",
        "Loopt u ergens tegenaan?",
        "Nationale ombudsman",
        '<time datetime="',
    ):
        assert part in html, part


def test_a_signed_in_user_sees_it_too(client):
    client.force_login(LeaderFactory())
    assert client.get("/toegankelijkheid/").status_code == 200


def test_in_english_the_statement_keeps_its_dutch_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The request activates English in this thread; put Dutch back for the next tests.
    with translation.override(settings.LANGUAGE_CODE):
        html = client.get("/privacy/").content.decode()
    assert '<html lang="en"' in html
    assert '<article class="bb-statement" lang="nl"' in html
