"""The page frame's menu links, built once per set of entries and language.

Every page pays for the menu; a community worker's has eight entries, each a reverse() and an
icon, about 1 ms of template work a page (docs/benchmarks.md). What a menu looks like depends
only on which entries the actor sees (their predicates run on every request, in
`navigation.items_for`), the language and the URL configuration, so the markup is kept per
process for each such combination: a few dozen at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from mulin.web.templatetags.mulin_icons import icon

register = template.Library()

_LINKS: dict[tuple[Any, ...], SafeString] = {}


@register.simple_tag
def nav_links(items: Sequence[Any]) -> SafeString:
    """`<li>` links of the menu entries (NavItem: key, label, url, icon), in their order."""
    key = (tuple(item.key for item in items), get_language(), get_script_prefix(), get_urlconf())
    links = _LINKS.get(key)
    if links is None:
        links = format_html_join(
            "",
            '<li><a href="{}" data-nav="{}">{} {}</a></li>',
            ((item.url, item.key, icon(item.icon), item.label) for item in items),
        )
        _LINKS[key] = links
    return links


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "LANGUAGES"}:
        _LINKS.clear()
