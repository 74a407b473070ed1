"""What needs this person's attention, shown on their home page.

Apps register providers: `provider(actor) -> list[AttentionItem]`. Each provider must cost a
constant number of queries (counts, not lists), because the home page calls every one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from mulin.organizations.scoping import Actor


@dataclass(frozen=True)
class AttentionItem:
    title: str | Promise
    count: int
    url: str
    hint: str | Promise = ""
    level: str = "info"  # info | warning | urgent


Provider = Callable[[Actor], list[AttentionItem]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    _PROVIDERS.append(provider)
    return provider


def items_for(actor: Actor) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(actor))
    return items
