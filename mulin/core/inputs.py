"""Checks of plain input values inside services, where the web form, the API serializer, an import
or a command may have sent them. Each raises a ValidationError keyed by the field's name, with a
message in the user's language, so every interface shows it beside the right field."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TENTHS = Decimal("0.1")
CENTS = Decimal("0.01")


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False, message: str = "") -> str:
    """`value` stripped; refused with `message` when it is required and empty, and with a length
    message when it is too long."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [message]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("Use at most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(text)}]}
        )
    return text


def clean_decimal(value: Any, *, field: str, low: Decimal, high: Decimal, places: Decimal = CENTS) -> Decimal | None:
    """`value` as a Decimal from `low` to `high`, rounded to `places` (TENTHS for hours); None when
    empty. Goes through str() so that a float such as 0.1 + 0.2 becomes 0.3, not 0.30000000000000004."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not number.is_finite() or number < low or number > high:
        raise ValidationError({field: [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]})
    return number.quantize(places)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}\d{7,8}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dxX](?![\dxX])")


def personal_numbers_in(*texts: str) -> list[str]:
    """Which kinds of personal number free text seems to hold: "phone" (a mobile or landline
    number) and/or "id_number" (an 18-character resident ID), however typed — full-width digits,
    spaces or dashes between digits. Used to flag text before it is shown to others."""
    found: list[str] = []
    for text in texts:
        compact = re.sub(r"(?<=\d)[\s\-‐－—]+(?=[\dxX])", "", (text or "").translate(_FULL_WIDTH_DIGITS))
        if _ID_NUMBER.search(compact) and "id_number" not in found:
            found.append("id_number")
        without_ids = _ID_NUMBER.sub("", compact)
        if (_MOBILE.search(without_ids) or _LANDLINE.search(without_ids)) and "phone" not in found:
            found.append("phone")
    return sorted(found)
