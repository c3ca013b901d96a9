"""The Redis cache answers "not cached" while Redis is unreachable (config/cache.py)."""

from __future__ import annotations

import os
import time

import pytest

from web import cache as forgiving
from web.cache import ForgivingRedisCache

CLOSED_PORT = "redis://127.0.0.1:6399/0"  # nothing listens here


@pytest.fixture
def unreachable(monkeypatch):
    monkeypatch.setattr(forgiving, "_down_until", 0.0)
    return ForgivingRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 1}})


def test_reads_are_misses_and_writes_are_dropped_while_redis_is_unreachable(unreachable):
    assert unreachable.get("key") is None
    assert unreachable.get("key", "fallback") == "fallback"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.add("key", 1) is False
    assert unreachable.set("key", 1) is None
    assert unreachable.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable.delete("key") is False
    assert unreachable.has_key("key") is False
    assert unreachable.get_or_set("key", lambda: "computed") == "computed"
    # A counter (accounts/throttle.py) that cannot be read is a counter that is not there.
    with pytest.raises(ValueError, match="not found"):
        unreachable.incr("key")
    with pytest.raises(ValueError, match="not found"):
        unreachable.decr("key")


def test_after_a_failure_it_does_not_try_again_for_a_while(unreachable, monkeypatch):
    unreachable.get("key")
    assert forgiving._down_until > time.monotonic()

    def must_not_connect(*args, **kwargs):
        raise AssertionError("tried Redis again too soon")

    monkeypatch.setattr(unreachable._cache, "get", must_not_connect)
    assert unreachable.get("key", "fallback") == "fallback"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL")
def test_with_redis_up_it_is_an_ordinary_cache(monkeypatch):
    monkeypatch.setattr(forgiving, "_down_until", 0.0)
    cache = ForgivingRedisCache(
        os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-cache-{os.getpid()}"}
    )
    try:
        assert cache.add("key", "value", 10) is True
        assert cache.add("key", "other", 10) is False
        assert cache.get("key") == "value"
    finally:
        cache.delete("key")
