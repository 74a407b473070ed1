"""`{% fragment … %}…{% endfragment %}`: markup that is the same for every viewer, rendered once.

A wall page's 25 cards cost ~8 ms of template work and its filter form's widgets ~2 ms, though
every viewer who sees the same wishes gets the same markup (docs/benchmarks.md, "Rendering
lists"). The tag keeps what its body rendered, per process, under a key made of:

- the values given to the tag — *everything the body shows*; for a list of model rows,
  `rows|fragment_rows`: every value loaded into each row and the related rows loaded with it
  (a field not loaded cannot be shown without a query per row, which the query-count tests
  catch);
- the language, the time zone, the URL prefix and configuration (added by the tag itself);
- the tag's place in its template.

So the key is the content: a write that changes a row changes the key (nothing to invalidate,
nothing stale, no cross-process signal), and a viewer who may see other rows gets another key.
The body must not show anything that is not in the key: no `{% csrf_token %}`, nothing about
the viewer (`actor`, `user`, `request`) unless it is given to the tag. A bounded LRU per process
(`FRAGMENT_ENTRIES`) bounds the memory: a wall page's entry (key and markup) is ~80 KB, a wish
page's parts a few KB, so at most ~20 MB per worker.

With MULIN_FRAGMENTS_CHECK (the test settings) every body is rendered again and compared with
what its key found: a key that misses something fails the test that shows it, and the queries of
a row loaded lazily in the body are counted by the query-count tests as without the cache.

    {% load mulin_fragments %}
    {% fragment wishes|fragment_rows next_url %}{% for wish in wishes %}…{% endfor %}{% endfragment %}
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.http import QueryDict
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

FRAGMENT_ENTRIES = 256
_fragments: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()
_node_ids = itertools.count()  # a node's place in a template, never reused (id() could be)


_PLAIN = frozenset({str, int, bool, float, type(None), dt.datetime, dt.date, Decimal})


class Frozen(tuple[Any, ...]):
    """A key part already made of hashable values (`fragment_rows`): not walked again."""

    __slots__ = ()


class FragmentKeyError(AssertionError):
    """Under MULIN_FRAGMENTS_CHECK (the tests): a body showed what its key does not hold."""


def freeze(value: Any) -> Any:
    """A hashable, comparable form of a key part (a QueryDict, lists, lazy text)."""
    if value is None or isinstance(value, str | int | float | bool | Frozen):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, QueryDict):
        return tuple(sorted((key, tuple(values)) for key, values in value.lists()))
    if isinstance(value, Mapping):
        return tuple(sorted((key, freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple | Sequence):
        return tuple(freeze(item) for item in value)
    hash(value)  # a date, a Decimal: hashable values are fine; anything else is refused here
    return value


@register.filter
def fragment_rows(rows: Iterable[Model]) -> Frozen:
    """The rows' content as a key part: every value loaded into each row — its fields, its
    annotations and the related rows loaded with it (`select_related`, `prefetch_related`). More
    than the body shows, never less: a field that was not loaded is not shown without a query."""
    return Frozen(_loaded(row, depth=0) for row in rows)


@register.filter
def fragment_row(row: Model) -> Frozen:
    """One row's content as a key part (see `fragment_rows`)."""
    return Frozen((_loaded(row, depth=0),))


def _loaded(row: Model, *, depth: int) -> tuple[Any, ...]:
    values: list[Any] = [row._meta.label]
    values += [
        (name, value if type(value) in _PLAIN else freeze(value))
        for name, value in row.__dict__.items()
        if name[0] != "_"
    ]
    for name, related in row._state.fields_cache.items():
        # A reverse one-to-one loaded both ways points back: two levels are all a list shows.
        if depth < 2:
            values.append((name, _loaded(related, depth=depth + 1) if related is not None else None))
        else:
            values.append((name, getattr(related, "pk", None)))
    for name, prefetched in getattr(row, "_prefetched_objects_cache", {}).items():
        values.append((name, tuple(_loaded(item, depth=depth + 1) for item in prefetched)))
    return tuple(values)


class FragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, parts: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.parts = parts
        self.uid = next(_node_ids)

    def render(self, context: template.Context) -> str:
        key = (
            self.uid,
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            get_urlconf(),
            *(freeze(part.resolve(context)) for part in self.parts),
        )
        check = settings.MULIN_FRAGMENTS_CHECK
        with _lock:
            cached = _fragments.get(key)
            if cached is not None and not check:
                _fragments.move_to_end(key)
                return cached
        rendered = self.nodelist.render(context)  # already SafeString: the body escaped its own output
        if cached is not None and rendered != cached:
            where = getattr(getattr(self, "origin", None), "name", "?")
            raise FragmentKeyError(
                f"{where}: a {{% fragment %}} rendered differently under the same key; its key misses "
                "something the body shows (a value, a row loaded lazily, a CSRF token)"
            )
        with _lock:
            _fragments[key] = rendered
            while len(_fragments) > FRAGMENT_ENTRIES:
                _fragments.popitem(last=False)
        return rendered


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    """{% fragment part … %}body{% endfragment %}: the body rendered once per distinct key."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs the values its body shows")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits])


def fragments_clear() -> None:
    with _lock:
        _fragments.clear()


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    # Tests change static storage or languages; nothing changes them in a running server.
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "LANGUAGES", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ"}:
        fragments_clear()
