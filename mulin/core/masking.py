"""Masked display of personal data (138****8000). Full values only via an audited reveal."""

from __future__ import annotations

MASK = "*"


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return MASK * len(value)
    if len(value) < 11:  # not a mobile number: 3 + 4 would show it whole (found by a Hypothesis property)
        return f"{value[:2]}{MASK * (len(value) - 4)}{value[-2:]}"
    return f"{value[:3]}{MASK * 4}{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return MASK * len(value)
    if len(value) < 14:  # 6 + 4 would show it (nearly) whole (found by a Hypothesis property)
        return f"{value[:2]}{MASK * (len(value) - 4)}{value[-2:]}"
    return f"{value[:6]}{MASK * (len(value) - 10)}{value[-4:]}"


def mask_name(value: str | None) -> str:
    """王小明 → 王**; Chinese names keep the family name, others their first letter."""
    if not value:
        return ""
    return value[0] + MASK * max(len(value) - 1, 1)


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    keep = min(6, max(len(value) // 3, 1))
    return value[:keep] + MASK * 4


MASKERS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "name": mask_name,
    "address": mask_address,
}
