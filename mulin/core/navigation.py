"""The main menu. Each app registers its entries in its own `navigation.py` (imported when the app
is ready, see `core/modules.py`), with the predicate that decides who sees them; the web shell
only renders. It lives in core, below every app, so that apps never import the shell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from mulin.core.types import ActorLike


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    visible_to: Callable[[Any], bool]  # called with the request's organizations Actor
    order: int = 100
    icon: str = "dot"  # a symbol of frontend/src/img/icons.svg

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items_for(actor: ActorLike) -> list[NavItem]:
    return sorted((item for item in _ITEMS.values() if item.visible_to(actor)), key=lambda item: item.order)
