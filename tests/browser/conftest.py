"""Browser tests: Playwright drives a headless Chromium against a live server.

The browser is found by ``tests/browser/finder.py`` (BB_CHROMIUM, the usual system paths,
then Playwright's own download); with none, the root conftest skips these tests and says
so in one line. These tests need ``django_db(transaction=True)``: the live server thread
reads committed data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.finder import find_chromium

CHROMIUM = find_chromium()
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


@pytest.fixture(autouse=True)
def _quick_timeouts(request):
    # A missing element should fail in seconds, not after Playwright's default 30 s.
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(8_000)


@pytest.fixture
def login(live_server, page):
    """``login(user)`` logs that user in through the real login form."""

    def _login(user, password: str = "binnenbuiten"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Gebruikersnaam").fill(user.username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def axe(page):
    """``axe()`` runs axe-core with the WCAG 2.1 A/AA rules on the current page and
    returns its serious and critical violations."""

    def _run() -> list[dict]:
        # evaluate() runs outside the page's CSP, unlike an injected <script> tag.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        assert result["passes"], "axe-core ran no rule: is axe.min.js installed (npm ci)?"
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    return _run
