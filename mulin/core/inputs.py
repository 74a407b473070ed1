"""Checks of plain input values inside services, where the web form, the API serializer, an import
or a command may have sent them. Each raises a ValidationError keyed by the field's name, with a
message in the user's language, so every interface shows it beside the right field."""

from __future__ import annotations

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
