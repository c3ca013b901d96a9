"""The cache counter behind the password reset's limits (accounts/throttle.py)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache

from accounts.throttle import throttle_hit
from web import cache as forgiving


def hits(n: int, **kwargs) -> list[bool]:
    return [throttle_hit(**kwargs) for _ in range(n)]


def test_it_allows_up_to_the_limit_and_refuses_after():
    kwargs = {"scope": "test", "key": "pim@gemeente.example", "limit": 3, "window_seconds": 60}
    assert hits(5, **kwargs) == [True, True, True, False, False]


def test_each_key_and_each_scope_counts_apart():
    assert hits(2, scope="a", key="one", limit=1, window_seconds=60) == [True, False]
    assert throttle_hit(scope="a", key="two", limit=1, window_seconds=60)
    assert throttle_hit(scope="b", key="one", limit=1, window_seconds=60)


def test_the_window_opens_at_the_first_attempt_and_attempts_in_it_do_not_lengthen_it():
    kwargs = {"scope": "test", "key": "k", "limit": 2, "window_seconds": 3600}
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert hits(3, **kwargs) == [True, True, False]
        clock.move_to(dt.datetime(2026, 3, 2, 9, 59, tzinfo=dt.UTC))
        assert not throttle_hit(**kwargs)  # still refused, and the window stays put
        clock.move_to(dt.datetime(2026, 3, 2, 10, 0, 1, tzinfo=dt.UTC))
        assert hits(3, **kwargs) == [True, True, False]


def test_the_cache_holds_no_key_in_plain_text():
    throttle_hit(scope="test", key="pim@gemeente.example", limit=1, window_seconds=60)
    stored = list(cache._cache.keys())  # LocMemCache in the tests (conftest.py)
    assert stored
    assert not any("pim" in key for key in stored)


def test_a_cache_out_of_reach_keeps_no_count_and_lets_the_attempt_through(settings, monkeypatch):
    monkeypatch.setattr(forgiving, "_down_until", 0.0)
    settings.CACHES = {
        "default": {
            "BACKEND": "web.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    assert hits(3, scope="test", key="k", limit=1, window_seconds=60) == [True, True, True]
