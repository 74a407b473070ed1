"""Kinds of notification. Each app declares its own kinds (title and body templates with named
placeholders, and which outside channels are on by default) in its `kinds.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from mulin.core.types import ActorLike


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str | Promise
    title: str | Promise
    body: str | Promise = ""
    default_channels: frozenset[str] = field(default_factory=frozenset)  # "email", "sms"
    # Security messages cannot be switched off.
    mandatory: bool = False
    # Who can receive it: people holding any of these capabilities somewhere (e.g. "wishes.moderate");
    # empty = everyone. The preferences show each person only the kinds meant for them.
    audience: frozenset[str] = field(default_factory=frozenset)

    def reaches(self, actor: ActorLike) -> bool:
        return not self.audience or any(actor.can_anywhere(capability) for capability in self.audience)

    def render_title(self, params: dict[str, Any]) -> str:
        return _safe_format(self.title, params)

    def render_body(self, params: dict[str, Any]) -> str:
        return _safe_format(self.body, params)


def _safe_format(template: str | Promise, params: dict[str, Any]) -> str:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> NotificationKind:
    """The kind registered under `key`; a neutral stand-in for rows of a kind since removed."""
    try:
        return _KINDS[key]
    except KeyError:
        return NotificationKind(key=key, label=key, title=_("Notification"))


def is_registered(key: str) -> bool:
    return key in _KINDS


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def kinds_for(actor: ActorLike) -> list[NotificationKind]:
    """The kinds a person's roles can receive, for their preferences."""
    return [kind for kind in all_kinds() if kind.reaches(actor)]
