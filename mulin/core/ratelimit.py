"""Fixed-window counters in the cache, for limits that must hold across app servers.

In production the store is Redis (the `ratelimit` cache alias: a plain RedisCache whose errors
raise); embedded, the default cache. Callers decide what a full window means (429) and what an
unreachable store means: every limit built on this one fails closed (SECURITY.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import BaseCache, caches

from mulin.core.exceptions import ApplicationError


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"


class CounterUnavailable(Exception):
    """The counter store could not be reached; the caller refuses rather than count nothing."""


def _store() -> BaseCache:
    return caches["ratelimit"] if "ratelimit" in settings.CACHES else caches["default"]


def count_in_window(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one event for `subject` in the current window of `scope`; return the window's count.

    The subject (an address, an account id) enters the cache key only as a keyed digest.
    Raise CounterUnavailable when the store fails.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()[:24]
    key = f"mulin:{scope}-rate:{digest}:{int(time.time() // window_seconds)}"
    store = _store()
    try:
        if store.add(key, 1, timeout=window_seconds * 2):
            return 1
        try:
            return store.incr(key)
        except ValueError:  # expired between add() and incr()
            store.set(key, 1, timeout=window_seconds * 2)
            return 1
    except Exception as exc:  # any failure of the store
        raise CounterUnavailable(str(exc)) from exc
