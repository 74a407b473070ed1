"""The starting points rules. Plain data plus one idempotent function that takes the model class,
shared by the data migration (historical model), the demo and tests that empty the tables.
Later modules (rosters, patrols, activities) add their rules in their own migrations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

RULES = [
    {
        "code": "wish-fulfilled",
        "event": "wish.closed",
        "account": "service",
        "name_zh_hans": "圆梦微心愿",
        "name_en": "Fulfilled a micro-wish",
        "points": Decimal(10),
        "hours_mode": "from_source",
        "max_hours": Decimal(8),
        "applies_to": "everyone",
    },
    {
        "code": "wish-fulfilled-assessment",
        "event": "wish.closed",
        "account": "assessment",
        "name_zh_hans": "党员认领并圆梦微心愿",
        "name_en": "Party member fulfilled a micro-wish",
        "points": Decimal(2),
        "hours_mode": "none",
        "max_hours": Decimal(0),
        "applies_to": "party_members",
    },
]


def ensure_default_rules(model: Any) -> None:
    """Create the starting rules that are missing; never changes amounts set by administrators."""
    for rule in RULES:
        model.objects.get_or_create(code=rule["code"], defaults=rule)
