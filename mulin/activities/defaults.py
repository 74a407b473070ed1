"""The activity types a street starts with (data migration; the demo and tests call it too)."""

from __future__ import annotations

from typing import Any

# (code, Chinese, English, branch organisational life 三会一课, order)
DEFAULT_TYPES = (
    ("theme-party-day", "主题党日", "Theme party day", True, 10),
    ("branch-study-day", "支部学习日", "Branch study day", True, 20),
    ("general-meeting", "党员大会", "General party meeting", True, 30),
    ("committee-meeting", "支委会", "Branch committee meeting", True, 40),
    ("group-meeting", "党小组会", "Party group meeting", True, 50),
    ("party-lesson", "党课", "Party lesson", True, 60),
    ("lecture", "讲座", "Lecture", False, 100),
    ("performance", "文艺演出", "Performance", False, 110),
    ("exhibition", "展览", "Exhibition", False, 120),
    ("health-check", "健康检测", "Health check", False, 130),
    ("training", "培训", "Training", False, 140),
    ("showcase", "风采展", "Monthly showcase", False, 150),
    ("volunteer-service", "志愿服务", "Volunteer service", False, 160),
    ("medicine-delivery", "送药上山进岛", "Medicine delivery", False, 170),
)


def ensure_default_types(model: Any) -> None:
    """Add the default types that are missing (idempotent; keeps any renaming)."""
    for code, zh, en, branch_life, order in DEFAULT_TYPES:
        model.objects.get_or_create(
            code=code, defaults={"name_zh_hans": zh, "name_en": en, "is_branch_life": branch_life, "order": order}
        )
