"""The organisation's own look: BB_THEME_CSS and BB_THEME_CLASS are read strictly, the pages
load the configured token file, a path is served from disk, and only a configured address
is let through the Content Security Policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_css_classes, env_stylesheet
from web.theme import THEME_URL, theme_class_check

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ".gemeente-theme { --basis-color-accent-1-inverse-bg-default: #006400; }\n"


@pytest.fixture
def token_file(tmp_path) -> Path:
    path = tmp_path / "gemeente.css"
    path.write_text(TOKENS, encoding="utf-8")
    return path


# --- reading the settings -------------------------------------------------------------------


def read(monkeypatch, raw: str | None, *, allow_http: bool = False) -> str:
    if raw is None:
        monkeypatch.delenv("BB_TEST_CSS", raising=False)
    else:
        monkeypatch.setenv("BB_TEST_CSS", raw)
    return env_stylesheet("BB_TEST_CSS", base_dir=ROOT, allow_http=allow_http)


def test_no_theme_set_means_the_default_theme(monkeypatch):
    assert read(monkeypatch, None) == ""
    assert read(monkeypatch, "  ") == ""


def test_a_path_becomes_the_absolute_path_of_the_file(monkeypatch, token_file):
    assert read(monkeypatch, str(token_file)) == str(token_file.resolve())
    assert read(monkeypatch, "static/css/app.css") == str(ROOT / "static" / "css" / "app.css")


@pytest.mark.parametrize(
    "raw",
    [
        "/nergens/gemeente.css",  # no such file
        "static/css",  # a directory
        "static/js/app.js",  # not a stylesheet: nosniff browsers would refuse it anyway
    ],
)
def test_a_path_that_is_not_an_existing_css_file_is_refused(monkeypatch, raw):
    with pytest.raises(ImproperlyConfigured, match="BB_TEST_CSS must be an existing .css file"):
        read(monkeypatch, raw)


def test_an_https_address_is_taken_as_it_is(monkeypatch):
    url = "https://huisstijl.gemeente.example/tokens/theme.css?v=3"
    assert read(monkeypatch, url) == url


@pytest.mark.parametrize(
    "raw",
    [
        "http://huisstijl.gemeente.example/theme.css",  # not in production
        "javascript:alert(1)",
        "data:text/css,body{}",
        "ftp://huisstijl.gemeente.example/theme.css",
        "https://huisstijl.gemeente.example",  # the whole host, not a file
        "https://huisstijl.gemeente.example/tokens/",
        "https://iemand:geheim@huisstijl.gemeente.example/theme.css",
        "https://huisstijl.gemeente.example/theme.css; script-src *",
        "https://huisstijl.gemeente.example/a,b.css",
        "https:///theme.css",
    ],
)
def test_an_address_that_is_not_an_https_stylesheet_is_refused(monkeypatch, raw):
    with pytest.raises(ImproperlyConfigured, match="BB_TEST_CSS must be an https:// address"):
        read(monkeypatch, raw)


def test_plain_http_is_allowed_only_when_asked_for(monkeypatch):
    url = "http://127.0.0.1:9000/theme.css"
    assert read(monkeypatch, url, allow_http=True) == url


def test_theme_classes_are_css_class_names(monkeypatch):
    monkeypatch.delenv("BB_TEST_CLASS", raising=False)
    assert env_css_classes("BB_TEST_CLASS", "voorbeeld-theme") == "voorbeeld-theme"
    monkeypatch.setenv("BB_TEST_CLASS", "  gemeente-theme   rhc-theme ")
    assert env_css_classes("BB_TEST_CLASS", "voorbeeld-theme") == "gemeente-theme rhc-theme"
    for bad in ('theme" onload="x', "1theme", "gemeente.theme", "theme{}"):
        monkeypatch.setenv("BB_TEST_CLASS", bad)
        with pytest.raises(ImproperlyConfigured, match="BB_TEST_CLASS must be CSS class names"):
            env_css_classes("BB_TEST_CLASS", "voorbeeld-theme")


# --- production settings and the Content Security Policy --------------------------------------

SHOW = (
    "import json, config.settings as s; "
    "print(json.dumps([s.BB_THEME_CSS, s.SECURE_CSP['style-src']]))"
)


def production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "BB_"))
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "s" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_no_stylesheet_from_elsewhere_is_allowed():
    result = production()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["", ["'self'"]]


def test_a_configured_address_and_only_that_file_is_allowed_in_style_src():
    url = "https://huisstijl.gemeente.example:8443/tokens/theme.css?v=3"
    result = production(BB_THEME_CSS=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        url,
        ["'self'", "https://huisstijl.gemeente.example:8443/tokens/theme.css"],
    ]


def test_a_path_needs_nothing_from_elsewhere(token_file):
    result = production(BB_THEME_CSS=str(token_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [str(token_file.resolve()), ["'self'"]]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BB_THEME_CSS": "http://huisstijl.gemeente.example/theme.css"}, "BB_THEME_CSS must be"),
        ({"BB_THEME_CSS": "/nergens/theme.css"}, "BB_THEME_CSS must be"),
        ({"BB_THEME_CLASS": "gemeente.theme"}, "BB_THEME_CLASS must be"),
    ],
)
def test_production_refuses_to_start_with_a_bad_theme(env, message):
    result = production(**env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


# --- the pages --------------------------------------------------------------------------------


def test_pages_load_the_example_theme_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl" class="voorbeeld-theme">' in html
    assert '<link rel="stylesheet" href="/static/vendor/voorbeeld-theme.css">' in html
    assert client.get(THEME_URL).status_code == 404


def test_a_theme_file_on_disk_is_linked_and_served(client, settings, token_file):
    settings.BB_THEME_CSS = str(token_file)
    settings.BB_THEME_CLASS = "gemeente-theme"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl" class="gemeente-theme">' in html
    assert "voorbeeld-theme" not in html
    version = f"{token_file.stat().st_mtime_ns:x}"
    assert f'<link rel="stylesheet" href="{THEME_URL}?v={version}">' in html

    response = client.get(THEME_URL, {"v": version})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"".join(response.streaming_content).decode() == TOKENS

    # An edited file is served at once, under a new address.
    token_file.write_text(TOKENS.replace("#006400", "#8b0000"), encoding="utf-8")
    os.utime(token_file, ns=(token_file.stat().st_atime_ns, token_file.stat().st_mtime_ns + 10**9))
    html = client.get("/accounts/login/").content.decode()
    assert f"{THEME_URL}?v={version}" not in html
    assert b"#8b0000" in b"".join(client.get(THEME_URL).streaming_content)


def test_a_theme_file_removed_after_start_up_is_a_plain_not_found(client, settings, token_file):
    settings.BB_THEME_CSS = str(token_file)
    token_file.unlink()
    assert client.get(THEME_URL).status_code == 404
    assert f'href="{THEME_URL}?v=0"' in client.get("/accounts/login/").content.decode()


def test_a_theme_address_is_linked_as_it_is(client, settings):
    settings.BB_THEME_CSS = "https://huisstijl.gemeente.example/tokens/theme.css?v=3&x=1"
    html = client.get("/accounts/login/").content.decode()
    assert (
        '<link rel="stylesheet" href="https://huisstijl.gemeente.example/tokens/theme.css?v=3&amp;x=1">'
        in html
    )
    assert client.get(THEME_URL).status_code == 404


# --- the start-up check -----------------------------------------------------------------------


def test_a_token_file_without_a_rule_for_the_class_is_reported(settings, token_file):
    settings.BB_THEME_CSS = str(token_file)
    settings.BB_THEME_CLASS = "voorbeeld-theme"  # the file's rules hang on .gemeente-theme
    [warning] = theme_class_check()
    assert warning.id == "config.W001"
    assert "'voorbeeld-theme'" in warning.msg

    settings.BB_THEME_CLASS = "gemeente-theme"
    assert theme_class_check() == []
    settings.BB_THEME_CLASS = "gemeente"  # a prefix of the class is not the class
    assert len(theme_class_check()) == 1
    token_file.write_text(":root { --basis-color-accent-1-inverse-bg-default: #006400; }")
    assert theme_class_check() == []


def test_the_default_theme_and_an_address_are_not_checked(settings):
    settings.BB_THEME_CSS = ""
    assert theme_class_check() == []
    settings.BB_THEME_CSS = "https://huisstijl.gemeente.example/theme.css"
    settings.BB_THEME_CLASS = "iets-anders"
    assert theme_class_check() == []
