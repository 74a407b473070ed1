"""A Redis cache that the application survives losing (SECURITY.md "faults").

Pages cache a few values (the street's name, a wall's reach, category choices). With Django's
own RedisCache a stopped Redis turns every one of those lookups into an exception, so every page
would answer 500. `FailSoftRedisCache` treats an unreachable Redis as an empty cache: reads miss,
writes are dropped, and a warning is logged at most once a minute. Pages get a little slower and
keep working; when Redis returns the cache fills again by itself.

Counters that protect something (the sign-in rate limit) must not silently pass while Redis is
down: they use the separate "ratelimit" alias with the plain RedisCache, and fail closed
(mulin/accounts/ratelimit.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


def _warn(operation: str, exc: BaseException) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Cache unavailable (%s: %s); serving without it.", operation, type(exc).__name__)


class FailSoftRedisCache(RedisCache):
    """RedisCache whose reads miss and writes do nothing while Redis cannot be reached."""

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except _unavailable_errors() as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except _unavailable_errors() as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return super().has_key(key, version)
        except _unavailable_errors() as exc:
            _warn("has_key", exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:  # type: ignore[override]
        try:
            super().set(key, value, timeout, version)
        except _unavailable_errors() as exc:
            _warn("set", exc)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:  # type: ignore[override]
        try:
            return super().add(key, value, timeout, version)
        except _unavailable_errors() as exc:
            _warn("add", exc)
            return False

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:  # type: ignore[override]
        try:
            return super().set_many(data, timeout, version)
        except _unavailable_errors() as exc:
            _warn("set_many", exc)
            return list(data)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:  # type: ignore[override]
        try:
            return super().touch(key, timeout, version)
        except _unavailable_errors() as exc:
            _warn("touch", exc)
            return False

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return super().delete(key, version)
        except _unavailable_errors() as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)
        except _unavailable_errors() as exc:
            _warn("delete_many", exc)

    def clear(self) -> None:
        try:
            super().clear()
        except _unavailable_errors() as exc:
            _warn("clear", exc)
