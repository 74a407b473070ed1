"""Types core shares with the apps without importing them."""

from __future__ import annotations

from typing import Any, Protocol


class ActorLike(Protocol):
    """What core's registries need to know of the person acting (`organizations.scoping.Actor` is
    one): core passes it on to the predicates and providers the apps registered, which use the
    real Actor."""

    @property
    def person_id(self) -> int | None: ...

    @property
    def is_authenticated(self) -> bool: ...

    def can_anywhere(self, capability: Any) -> bool: ...
