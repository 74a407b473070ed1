"""Cheap formatting for rows in lists: what a card shows 25 times a page.

Django's own helpers are correct but slow in a loop (measured per call on this machine:
`get_status_display` ~40 µs, because it rebuilds the field's choice dict on every call; the
`date` filter ~40 µs; `{% url %}` ~40 µs). A wall page of 25 cards paid several milliseconds for
them (docs/benchmarks.md). These do the same work once per process and a dictionary lookup per
row:

    {% load mulin_format %}
    {{ wish|label:"status" }}                 the choice label, translated when rendered
    {{ wish.created_at|strftime:"%m-%d" }}    numeric date/time in the current time zone
    {% pk_url "wishes:detail" wish.pk %}      reverse() of a route with one integer argument
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _choice_labels(model: type[Model], field_name: str) -> dict[Any, Any]:
    # The labels stay lazy: each render translates them into the request's language.
    return dict(model._meta.get_field(field_name).flatchoices)  # type: ignore[union-attr]


@register.filter
def label(instance: Model, field_name: str) -> Any:
    """`instance.get_<field>_display()` without rebuilding the choices each time."""
    value = getattr(instance, field_name)
    return _choice_labels(type(instance), field_name).get(value, value)


@register.filter(expects_localtime=True)
def strftime(value: dt.date | dt.datetime | None, pattern: str) -> str:
    """A numeric date or time (`%Y-%m-%d %H:%M`), already in the current time zone (the template
    engine converts an aware datetime before calling a filter that expects local time). Only
    numeric fields: month and day names would come out in the server's locale, not the reader's."""
    return value.strftime(pattern) if value is not None else ""


@register.filter
def plural_count(value: Any) -> int:
    """1 for exactly one, else 2: the count for `{% blocktranslate count %}` of a decimal amount
    ("1 hour", "1.5 hours"), which ngettext cannot take itself."""
    try:
        return 1 if Decimal(str(value)) == 1 else 2
    except (InvalidOperation, ValueError):
        return 2


# An integer no real row has; its decimal form must occur once in the reversed URL.
_MARKER = 9_876_543_210_123


@cache
def _pk_url_parts(name: str, urlconf: str | None, script_prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_MARKER], urlconf=urlconf)
    before, found, after = url.partition(str(_MARKER))
    if not found or str(_MARKER) in after:
        raise ValueError(f"{name} does not take one integer argument")
    return before, after


def pk_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a route whose only argument is an `<int:…>`: the reversed URL
    is computed once per URL configuration and script prefix, then only the number changes."""
    before, after = _pk_url_parts(name, get_urlconf(), get_script_prefix())
    return f"{before}{int(pk)}{after}"


register.simple_tag(pk_url, name="pk_url")


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    # Tests switch URL configurations; nothing changes them in a running server.
    if setting == "ROOT_URLCONF":
        _pk_url_parts.cache_clear()
