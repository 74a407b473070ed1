"""What needs this person's attention, shown on their home page.

Apps register providers in their `attention.py`: `provider(actor) -> list[AttentionItem]`. Each
provider must cost a constant number of queries (counts, not lists), because the home page calls
every one. It lives in core, below every app, so that apps never import the web shell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from mulin.core.types import ActorLike


@dataclass(frozen=True)
class AttentionItem:
    title: str | Promise
    count: int
    url: str
    hint: str | Promise = ""
    level: str = "info"  # info | warning | urgent


Provider = Callable[[Any], list[AttentionItem]]  # called with the request's organizations Actor
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    _PROVIDERS.append(provider)
    return provider


def items_for(actor: ActorLike) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(actor))
    return items
