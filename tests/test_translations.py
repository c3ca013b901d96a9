"""The translation catalogues: Dutch is the source language, English the second language.

``locale/en`` translates every BinnenBuiten string; ``locale/nl`` only holds Django 6.1
strings that Django's own Dutch catalogue does not translate yet. The ``.mo`` files are not
committed (the build step compiles them), so this module compiles stale ones itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext, override
from django.utils.translation.reloader import translation_file_changed

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
DJANGO_LOCALE_DIRS = [
    Path(django.__file__).parent / "conf" / "locale",
    *(Path(django.__file__).parent / "contrib").glob("*/locale"),
]

# %(name)s / %(count)d, bare %s / %d, and str.format's {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# {% translate "..." %} / {% trans '...' %} with a literal; blocktranslate is left out
# because makemessages rewrites its whitespace and variables.
TEMPLATE_STRING = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)(?P<rest>[^%]*)%\}"""
)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile every .po whose .mo is missing or older, then drop Django's cached catalogues.

    The .mo is written to a temporary file and moved into place, so parallel workers never
    read a half-written catalogue.
    """
    rebuilt = []
    for po_path in PO_FILES:
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        os.close(fd)
        try:
            polib.pofile(str(po_path)).save_as_mofile(tmp)
            os.replace(tmp, mo_path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        rebuilt.append(mo_path)
    if rebuilt:
        translation_file_changed(sender=None, file_path=rebuilt[0])


def _entries(po_path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(po_path)) if not entry.obsolete]


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: one per plural form for a plural entry."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def _template_msgids() -> set[str]:
    found = set()
    for template in (ROOT / "templates").rglob("*"):
        if not template.is_file() or template.suffix not in {".html", ".txt", ".xml", ".svg"}:
            continue
        for match in TEMPLATE_STRING.finditer(template.read_text(encoding="utf-8")):
            if "context" not in match["rest"]:
                found.add(match["msgid"])
    return found


# --- the files ----------------------------------------------------------------------------


def test_the_english_catalogue_exists_with_an_english_header():
    po = polib.pofile(str(EN_PO))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not po.metadata_is_fuzzy
    assert len(po) > 100


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_entry_is_translated_and_not_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert fuzzy == [], f"fuzzy entries are skipped when compiling: {fuzzy}"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    assert untranslated == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_placeholders_match_between_source_and_translation(po_path):
    mismatches = [
        (source, text)
        for entry in _entries(po_path)
        for source, text in _pairs(entry)
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(text))
    ]
    assert mismatches == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_leading_and_trailing_whitespace_match(po_path):
    mismatches = [
        (source, text)
        for entry in _entries(po_path)
        for source, text in _pairs(entry)
        if (source[:1].isspace(), source[-1:].isspace(), source.endswith("\n"))
        != (text[:1].isspace(), text[-1:].isspace(), text.endswith("\n"))
    ]
    assert mismatches == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_gnu_msgfmt_accepts_the_catalogue(po_path):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", os.devnull, str(po_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_dutch_catalogue_only_holds_django_strings():
    # BinnenBuiten's own strings are Dutch already: 'makemessages -l nl' must not be used.
    django_msgids = set()
    for locale_dir in DJANGO_LOCALE_DIRS:
        for po_path in (locale_dir / "en" / "LC_MESSAGES").glob("*.po"):
            django_msgids.update(entry.msgid for entry in polib.pofile(str(po_path)))
    for po_path in sorted((LOCALE / "nl" / "LC_MESSAGES").glob("*.po")):
        own = [entry.msgid for entry in _entries(po_path) if entry.msgid not in django_msgids]
        assert own == [], f"{po_path.name} holds strings that are not Django's"


# --- the catalogue is complete and in use -------------------------------------------------


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("Knelpunt melden", "Report a friction point"),
        ("Wat is de bedoeling?", "What is the purpose?"),
        ("Wat was ook alweer de bedoeling?", "What was the purpose again?"),
        ("Inloggen", "Log in"),
        ("Uitloggen", "Log out"),
        ("Naar de inhoud", "Skip to content"),
        ("Projecten", "Projects"),
        ("Externe partijen", "External parties"),
        ("Knelpunt sluiten", "Close friction point"),
        ("Mijlpalen en interne procedures", "Milestones and internal procedures"),
        ("Opslaan", "Save"),
        ("Geëscaleerd naar het bestuur", "Escalated to the board"),
    ],
)
def test_key_interface_strings_come_out_in_english(dutch, english):
    with override("en"):
        assert gettext(dutch) == english
    with override("nl"):
        assert gettext(dutch) == dutch


def test_plural_forms_follow_the_count_in_english():
    singular, plural = "%(counter)s open knelpunt", "%(counter)s open knelpunten"
    with override("en"):
        assert ngettext(singular, plural, 1) % {"counter": 1} == "1 open friction point"
        assert ngettext(singular, plural, 3) % {"counter": 3} == "3 open friction points"


def test_every_literal_template_string_is_in_the_english_catalogue():
    translated = {entry.msgid for entry in polib.pofile(str(EN_PO)).translated_entries()}
    missing = sorted(_template_msgids() - translated)
    assert missing == [], "run makemessages -l en and translate the new strings"


# Passed as variables, never as gettext("literal"): makemessages scans this file too.
@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("- Select an option -", "- Kies een optie -"),
        ("Forgotten your login credentials?", "Aanmeldgegevens vergeten?"),
    ],
)
def test_django_61_strings_that_django_leaves_english_are_dutch_in_dutch(english, dutch):
    with override("nl"):
        assert gettext(english) == dutch


# --- the pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_is_english_when_the_browser_asks_for_english(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in html
    assert "Log in to BinnenBuiten" in html
    assert "Log in</button>" in html
    assert "Inloggen" not in html


@pytest.mark.django_db
def test_the_language_cookie_chooses_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="en"' in html
    assert "Log in to BinnenBuiten" in html


@pytest.mark.django_db
def test_the_login_page_is_dutch_by_default_and_for_dutch(client):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "nl"}):
        html = client.get(reverse("login"), **headers).content.decode()
        assert '<html lang="nl"' in html
        assert "Inloggen bij BinnenBuiten" in html
        assert "Log in to BinnenBuiten" not in html
