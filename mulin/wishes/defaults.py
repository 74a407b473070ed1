"""The starting wish categories (reference/volunteer_cn.md §3.1 分类登记). Plain data plus one
idempotent function that takes the model class, so the data migration (historical model), the
demo and tests that empty the tables all use the same list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# code, Chinese name, English name, matching volunteer skills, usual hours, order
CATEGORIES = [
    ("daily-life", "生活帮扶", "Daily-life help", ["cleaning", "driving", "elderly_care"], Decimal(2), 10),
    ("elderly", "助老", "Help for older people", ["elderly_care", "counselling"], Decimal(2), 20),
    ("study", "助学", "Help with study", ["tutoring", "it"], Decimal(2), 30),
    ("health", "医疗健康", "Health and medical care", ["medical", "elderly_care"], Decimal("1.5"), 40),
    ("repair", "维修", "Repairs", ["repair"], Decimal("1.5"), 50),
    ("culture", "文化", "Culture", ["arts"], Decimal(2), 60),
    ("other", "其他", "Other", [], Decimal(2), 90),
]


def ensure_default_categories(model: Any) -> None:
    """Create the starting categories that are missing; never changes existing ones."""
    for code, zh, en, skills, hours, order in CATEGORIES:
        model.objects.get_or_create(
            code=code,
            defaults={"name_zh_hans": zh, "name_en": en, "skills": skills, "default_hours": hours, "order": order},
        )
