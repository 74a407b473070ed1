"""Shared pieces of the REST API: the acting person for token-authenticated requests."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from mulin.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from mulin.organizations.scoping import Actor, actor_for_user


def request_actor(request: Request) -> Actor:
    """The actor behind a DRF request, loaded once per request.

    Token authentication happens inside DRF, after Django's middleware ran, so the
    middleware's `request.actor` would be anonymous; this one follows `request.user`.
    """
    cached: Any = getattr(request, "_mulin_actor", None)
    if cached is None or cached.user != request.user:
        cached = actor_for_user(request.user)
        request._mulin_actor = cached  # type: ignore[attr-defined]
    return cached


class ActorMixin:
    """For DRF views: `self.actor` is the caller, built from the token or session user."""

    @property
    def actor(self) -> Actor:
        return request_actor(self.request)  # type: ignore[attr-defined]


# Documents the optional Idempotency-Key header of POSTs that create something (ADR 0009).
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="16-64 letters, digits, - or _ (a UUID will do); a retry with the same key creates nothing new.",
    pattern=r"^[A-Za-z0-9_-]{16,64}$",
)
