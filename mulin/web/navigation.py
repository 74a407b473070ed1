"""The main menu. Each app registers its entries in its own `navigation.py` (imported from its
AppConfig.ready), with the predicate that decides who sees them; the shell only renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from mulin.organizations.scoping import Actor


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    visible_to: Callable[[Actor], bool]
    order: int = 100
    icon: str = "dot"  # a symbol of frontend/src/img/icons.svg

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items_for(actor: Actor) -> list[NavItem]:
    return sorted((item for item in _ITEMS.values() if item.visible_to(actor)), key=lambda item: item.order)
