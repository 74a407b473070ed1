"""The starting work-order categories (each an Open311 service) with their deadlines. Plain data
plus one idempotent function taking the model class, shared by the data migration (historical
model), the demo and tests that empty the tables."""

from __future__ import annotations

from typing import Any

# code, group, Chinese name, English name, accept within hours, fix within days, Chinese and English description
CATEGORIES = [
    ("river-litter", "river", "河面漂浮物", "Floating litter on a river", 24, 3,
     "河面垃圾、水草、死鱼等漂浮物", "Rubbish, weed or dead fish floating on the water"),
    ("river-water", "river", "水体发黑发臭", "Dark or smelly water", 12, 7,
     "河水颜色异常、发黑、有异味", "The water has an odd colour, is dark or smells"),
    ("river-outfall", "river", "排口异常排放", "Outfall discharging", 12, 7,
     "雨污水排口晴天排水、排放污水", "A drain outlet discharging in dry weather or discharging sewage"),
    ("river-bank", "river", "护岸栏杆损坏", "Damaged river bank or railing", 24, 14,
     "河岸坍塌、护栏缺失或损坏", "A collapsed bank, a missing or broken railing"),
    ("river-fishing", "river", "违规垂钓捕捞", "Illegal fishing", 12, 3,
     "在禁钓河段垂钓、电鱼、网捕", "Angling where it is banned, electric fishing or netting"),
    ("fallen-tree", "safety", "树木倒伏断枝", "Fallen tree or broken branches", 4, 2,
     "树木倒伏、断枝悬挂，影响通行或安全", "A fallen tree or hanging branches blocking the way or dangerous"),
    ("loose-objects", "safety", "高空坠物隐患", "Loose objects at height", 4, 2,
     "阳台花盆、空调外机、广告等松动", "Flowerpots, air-conditioner units or signs that could fall"),
    ("hoarding", "safety", "广告牌围挡隐患", "Unsafe billboard or hoarding", 8, 3,
     "广告牌、工地围挡松动或倾斜", "A billboard or building-site hoarding that is loose or leaning"),
    ("basement-flooding", "safety", "地下室车库进水", "Basement or garage flooding", 4, 2,
     "地下室、地下车库进水或有进水风险", "Water in a basement or underground garage, or about to get in"),
    ("drain-blocked", "facilities", "排水堵塞积水", "Blocked drain or standing water", 8, 3,
     "雨水井、下水道堵塞，路面积水", "A blocked gully or sewer, water standing on the road"),
    ("facility-damage", "facilities", "公共设施损坏", "Damaged public facility", 24, 7,
     "路灯、井盖、座椅、健身器材等损坏", "A broken street light, manhole cover, bench or fitness equipment"),
    ("sanitation", "environment", "环境卫生", "Litter and sanitation", 24, 3,
     "垃圾堆放、乱扔垃圾、垃圾分类点脏乱", "Rubbish piled up or dropped, a dirty sorting point"),
    ("other", "other", "其他", "Other", 24, 7, "", ""),
]  # fmt: skip


def ensure_default_categories(model: Any) -> None:
    """Create the starting categories that are missing; never changes existing ones."""
    for order, (code, group, zh, en, accept_hours, fix_days, description_zh, description_en) in enumerate(CATEGORIES):
        model.objects.get_or_create(
            code=code,
            defaults={
                "group": group,
                "name_zh_hans": zh,
                "name_en": en,
                "accept_within_hours": accept_hours,
                "resolve_within_days": fix_days,
                "description_zh_hans": description_zh,
                "description_en": description_en,
                "order": (order + 1) * 10,
            },
        )
