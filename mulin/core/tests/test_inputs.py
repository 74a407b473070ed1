"""Service-side input checks: errors keyed by the field, numbers as Decimals in range."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mulin.core.inputs import TENTHS, clean_decimal, clean_text


def test_text_is_stripped_and_refused_when_required_and_empty_or_too_long(english):
    assert clean_text("  修水龙头 ", field="title", max_length=10) == "修水龙头"
    assert clean_text(None, field="note", max_length=10) == ""

    with pytest.raises(ValidationError) as empty:
        clean_text("   ", field="title", max_length=10, required=True, message="Give it a title.")
    assert empty.value.message_dict == {"title": ["Give it a title."]}

    with pytest.raises(ValidationError) as long:
        clean_text("x" * 11, field="title", max_length=10)
    assert long.value.message_dict == {"title": ["Use at most 10 characters (this has 11)."]}


def test_decimals_are_rounded_to_the_places_asked_and_refused_out_of_range(english):
    assert clean_decimal("", field="hours", low=Decimal(0), high=Decimal(24)) is None
    assert clean_decimal("1.25", field="hours", low=Decimal(0), high=Decimal(24), places=TENTHS) == Decimal("1.2")
    assert clean_decimal(0.1 + 0.2, field="value", low=Decimal(0), high=Decimal(1)) == Decimal("0.30")

    for bad, message in [("abc", "Enter a number."), ("25", "Enter a number from 0 to 24."), ("NaN", None)]:
        with pytest.raises(ValidationError) as refused:
            clean_decimal(bad, field="hours", low=Decimal(0), high=Decimal(24))
        assert list(refused.value.message_dict) == ["hours"]
        if message:
            assert refused.value.message_dict["hours"] == [message]
