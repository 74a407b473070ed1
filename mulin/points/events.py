"""Point events: what other apps report to the ledger. Each app declares its own in its
`points.py` — the key, a label, and the rules it starts with — and `points_award` refuses a key
nobody declared, as `notification_send` refuses an unknown kind.

Keys are named `<app>.<past verb>` (e.g. `wishes.closed`), the same name the app's notification
kind and audit row use for the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class DefaultRule:
    """A rule an event starts with; administrators change amounts later on the rules page."""

    code: str
    account: str  # "service" or "assessment" (models.Account)
    name_zh_hans: str
    name_en: str
    points: Decimal
    hours_mode: str = "none"  # models.PointRule.Hours
    max_hours: Decimal = Decimal(0)
    applies_to: str = "everyone"  # models.PointRule.AppliesTo

    def as_fields(self, event: str) -> dict[str, Any]:
        return {
            "code": self.code,
            "event": event,
            "account": self.account,
            "name_zh_hans": self.name_zh_hans,
            "name_en": self.name_en,
            "points": self.points,
            "hours_mode": self.hours_mode,
            "max_hours": self.max_hours,
            "applies_to": self.applies_to,
        }


@dataclass(frozen=True)
class PointEvent:
    key: str
    label: str | Promise
    default_rules: tuple[DefaultRule, ...] = field(default_factory=tuple)


_EVENTS: dict[str, PointEvent] = {}


def register(event: PointEvent) -> PointEvent:
    codes = {rule.code for known in _EVENTS.values() if known.key != event.key for rule in known.default_rules}
    clash = codes & {rule.code for rule in event.default_rules}
    if clash:
        raise ValueError(f"Point rule codes {sorted(clash)} are already used by another event.")
    _EVENTS[event.key] = event
    return event


def is_registered(key: str) -> bool:
    return key in _EVENTS


def get(key: str) -> PointEvent:
    return _EVENTS[key]


def all_events() -> list[PointEvent]:
    return sorted(_EVENTS.values(), key=lambda event: event.key)
