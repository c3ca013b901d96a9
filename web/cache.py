"""Django's Redis cache, except that a Redis that cannot be reached is a cache miss.

Everything BinnenBuiten caches can be computed again from the database (the
organisation's option lists, the insight figures), so when Redis is down the pages go
on working, a little slower, instead of failing. The one exception, the password reset's
request counters (accounts/throttle.py), then count nothing: the reset stays available
without its throttle rather than being refused to everyone.

Reads answer "not cached", writes are dropped, ``add`` reports that it did not add and
``incr`` that there is no counter. After a failure this process skips Redis for
``RETRY_AFTER`` seconds, so a page that reads the cache several times waits for at most
one connect timeout. Only connection errors and timeouts are forgiven; any other Redis
error is still raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_down_until = 0.0  # per process: shared by the threads' cache instances


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the method unless Redis was just found down; answer ``fallback(*args)`` then."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def wrapper(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            global _down_until
            if time.monotonic() < _down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except _UNREACHABLE as exc:
                _down_until = time.monotonic() + RETRY_AFTER
                logger.warning("Cache unreachable, working without it for now (%s)", exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _missing(key: Any, *args: Any, **kwargs: Any) -> Any:
    # What Django's caches raise for a counter that is not there (``incr``, ``decr``).
    raise ValueError(f"Key {key!r} not found.")


class ForgivingRedisCache(RedisCache):
    @_or(lambda *args, **kwargs: False)
    def add(self, *args: Any, **kwargs: Any) -> bool:
        return super().add(*args, **kwargs)

    @_or(_missing)
    def incr(self, *args: Any, **kwargs: Any) -> int:
        return super().incr(*args, **kwargs)

    @_or(_default)
    def get(self, *args: Any, **kwargs: Any) -> Any:
        return super().get(*args, **kwargs)

    @_or(lambda *args, **kwargs: None)
    def set(self, *args: Any, **kwargs: Any) -> None:
        super().set(*args, **kwargs)

    @_or(lambda *args, **kwargs: False)
    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return super().touch(*args, **kwargs)

    @_or(lambda *args, **kwargs: False)
    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return super().delete(*args, **kwargs)

    @_or(lambda *args, **kwargs: {})
    def get_many(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        return super().get_many(*args, **kwargs)

    @_or(lambda *args, **kwargs: False)
    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return super().has_key(*args, **kwargs)

    @_or(lambda data, *args, **kwargs: list(data))
    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        return super().set_many(*args, **kwargs)

    @_or(lambda *args, **kwargs: None)
    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        super().delete_many(*args, **kwargs)
