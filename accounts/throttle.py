"""Counting attempts in the cache: at most ``limit`` per window for one key.

A fixed window that opens at the first attempt and closes ``window_seconds`` later, counted
with the cache's atomic ``add`` and ``incr`` (Redis in production, so every web process
shares the counts; one process's memory in ``make run``). Attempts during the window still
count but do not lengthen it. Keys are stored as an HMAC with the secret key, so the cache
holds no e-mail address in plain text. A cache that cannot be reached keeps no count
(web/cache.py): the caller's action is then allowed, unthrottled.

Why not django-ratelimit: its checks refuse the in-memory cache that ``make run`` and the
tests use, and what it would add over these lines is a view decorator this project does
not want (the throttled answer must look exactly like the normal one).
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key`` in ``scope``; True while the attempts in the current
    window, this one included, are at most ``limit``."""
    digest = salted_hmac(f"bb.throttle.{scope}", key, algorithm="sha256").hexdigest()
    cache_key = f"bb:throttle:{scope}:{digest}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            # The window closed between add and incr, or the cache is out of reach.
            cache.add(cache_key, 1, timeout=window_seconds)
            count = 1
    return count <= limit
