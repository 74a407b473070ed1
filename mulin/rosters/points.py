"""Point events of the duty rosters (points/events.py): a shift served, with the rules it starts
with (defaults.py, also written by migration 0003)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from mulin.points.events import DefaultRule, PointEvent, register
from mulin.rosters.defaults import RULES, SERVED_EVENT


def _rule_fields(rule: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in rule.items() if name != "event"}


SHIFT_SERVED = register(
    PointEvent(
        key=SERVED_EVENT,
        label=_("Served a duty shift"),
        default_rules=tuple(DefaultRule(**_rule_fields(rule)) for rule in RULES),
    )
)
