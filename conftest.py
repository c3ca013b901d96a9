"""Suite-wide pytest configuration: test-only settings live here, not in env hacks."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
