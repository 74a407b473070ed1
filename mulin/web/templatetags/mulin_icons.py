"""`{% icon "home" %}`: an icon from Mulin's own SVG sprite (frontend/src/img/icons.svg).

Emoji were tried first; many office PCs and the CI browser have no colour-emoji font and showed
empty boxes, so the shell draws its own icons.

The markup of each icon is built once per process: every page draws a dozen (the menu, the
cards), and the sprite's hashed name and the escaping cost ~30 µs a time. The static files do
not change under a running server; a test that changes their storage or URL clears it.
"""

from functools import cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
@cache
def icon(name: str, css_class: str = "icon") -> SafeString:
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class,
        static("mulin/img/icons.svg"),
        name or "dot",
    )


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STORAGES"}:
        icon.cache_clear()
