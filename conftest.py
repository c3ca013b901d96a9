"""Suite-wide pytest configuration: test-only settings live here, not in env hacks."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.browser.finder import HOW_TO_GET_ONE, browser_required, find_chromium

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NO_BROWSER = f"no Chromium found: {HOW_TO_GET_ONE}"


def pytest_configure(config: pytest.Config) -> None:
    # .ci/run sets BB_REQUIRE_BROWSER: there a missing browser is a failure, never a skip.
    if browser_required() and find_chromium() is None:
        raise pytest.UsageError(f"BB_REQUIRE_BROWSER is set, but {NO_BROWSER}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Each browser test gets its own live server and Chromium; keep them on one xdist worker.
    # Without a browser they are skipped (never started), and the summary says so.
    browser_items = [item for item in items if "tests/browser/" in item.path.as_posix()]
    missing = bool(browser_items) and find_chromium() is None
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.xdist_group("browser"))
        if missing:
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NO_BROWSER in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_line(
            f"Browser tests skipped ({len(skipped)}): {NO_BROWSER}.", yellow=True, bold=True
        )


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings) -> None:
    # Django's test setup already swaps every mailer for the locmem backend (mail.outbox).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client's login() authenticates without a request, which django-axes refuses;
    # the tests of login throttling switch it back on (tests/config/test_auth_logging.py).
    settings.AXES_ENABLED = False
    # As in the demo: no second factor owed, so tests log in with the password alone; the
    # tests of the second factor switch it on (tests/accounts/).
    settings.BB_2FA_REQUIRED_FOR = "none"
    # Each test process gets its own cache: pytest-xdist workers sharing one Redis database
    # would clear each other's entries (cache.clear() flushes the whole database).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    # Nothing cached survives a test (the organisation's option lists, figures): database
    # rows roll back, and SQLite may hand out the same ids again.
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
