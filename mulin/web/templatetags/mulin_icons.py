"""`{% icon "home" %}`: an icon from Mulin's own SVG sprite (frontend/src/img/icons.svg).

Emoji were tried first; many office PCs and the CI browser have no colour-emoji font and showed
empty boxes, so the shell draws its own icons.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> str:
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class,
        static("mulin/img/icons.svg"),
        name or "dot",
    )
