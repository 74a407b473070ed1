"""The station types a street starts with (data migration 0003; the demo and tests call it too)."""

from __future__ import annotations

from typing import Any

DEFAULT_TYPES = (
    ("party-mass-centre", "党群服务中心", "Party-mass service centre", 10),
    ("canal-station", "运河城市驿站", "Canal city station", 20),
    ("partner-station", "共建驿站", "Partner station", 30),
    ("red-health-station", "红色健康驿站", "Red health station", 40),
    ("book-bar", "党建书吧", "Book bar", 50),
)


def ensure_default_types(model: Any) -> None:
    """Add the default types that are missing (idempotent; keeps any renaming)."""
    for code, zh, en, order in DEFAULT_TYPES:
        model.objects.get_or_create(code=code, defaults={"name_zh_hans": zh, "name_en": en, "order": order})
