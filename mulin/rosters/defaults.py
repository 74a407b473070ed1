"""The points rules this module owns: one shift served earns service points with the hours
served, and party members an assessment point (以红引绿). Plain data plus one idempotent function
that takes the model class, shared by the data migration, the demo and tests that empty tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SERVED_EVENT = "roster.shift_served"

RULES = [
    {
        "code": "duty-served",
        "event": SERVED_EVENT,
        "account": "service",
        "name_zh_hans": "垃圾分类督导值班",
        "name_en": "Stood garbage-sorting duty",
        "points": Decimal(5),
        "hours_mode": "from_source",
        "max_hours": Decimal(4),
        "applies_to": "everyone",
    },
    {
        "code": "duty-served-assessment",
        "event": SERVED_EVENT,
        "account": "assessment",
        "name_zh_hans": "党员参加垃圾分类督导值班",
        "name_en": "Party member stood garbage-sorting duty",
        "points": Decimal(1),
        "hours_mode": "none",
        "max_hours": Decimal(0),
        "applies_to": "party_members",
    },
]


def ensure_default_rules(model: Any) -> None:
    """Create the rules that are missing; never changes amounts set by administrators."""
    for rule in RULES:
        model.objects.get_or_create(code=rule["code"], defaults=rule)
