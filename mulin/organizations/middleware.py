"""The person acting behind a request: built once, only when used.

Pages read it with `request_actor(request)` (ActorMiddleware attaches it lazily); DRF views with
`self.actor` (ActorMixin), because token authentication happens inside DRF, after the middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from rest_framework.request import Request

from mulin.organizations.scoping import Actor, actor_for_user


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for_user(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


def request_actor(request: HttpRequest | Request) -> Actor:
    """The actor behind a page request or a DRF request, loaded once per request.

    For DRF the middleware's `request.actor` would be anonymous under token authentication, so
    the actor follows the DRF request's own `user`.
    """
    if isinstance(request, HttpRequest):
        return request.actor  # type: ignore[attr-defined,no-any-return]
    cached: Any = getattr(request, "_mulin_actor", None)
    if cached is None or cached.user != request.user:
        cached = actor_for_user(request.user)
        setattr(request, "_mulin_actor", cached)  # noqa: B010  (DRF's Request has no such attribute declared)
    return cached  # type: ignore[no-any-return]


class ActorMixin:
    """For DRF views: `self.actor` is the caller, built from the token or session user."""

    @property
    def actor(self) -> Actor:
        return request_actor(self.request)  # type: ignore[attr-defined]
