"""Properties of the ranges and units (security reference §5 V1, §10.2): any value inside a
measure's range in its unit is kept exactly (to its places); any value outside it, or in any
other unit, is refused under the measure's code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from mulin.health.measures import MEASURES, measurements_clean

PROPERTY = settings(max_examples=120, deadline=None)
SINGLE = [m for m in MEASURES if m.code not in ("systolic", "diastolic")]


@PROPERTY
@given(data=st.data(), measure=st.sampled_from(SINGLE))
def test_a_value_inside_the_range_in_its_unit_is_kept(data, measure):
    value = data.draw(st.decimals(min_value=measure.low, max_value=measure.high, places=1, allow_nan=False))

    kept = measurements_clean([{"measure": measure.code, "value": str(value), "unit": measure.unit}])

    assert kept == {measure.code: value.quantize(measure.places)}
    assert measure.low <= kept[measure.code] <= measure.high


@PROPERTY
@given(data=st.data(), measure=st.sampled_from(SINGLE))
def test_a_value_outside_the_range_is_refused(data, measure):
    below = st.decimals(max_value=measure.low - Decimal("0.1"), min_value=Decimal(-100000), places=1)
    above = st.decimals(min_value=measure.high + Decimal("0.1"), max_value=Decimal(100000), places=1)
    value = data.draw(below | above)

    with pytest.raises(ValidationError) as refused:
        measurements_clean([{"measure": measure.code, "value": str(value), "unit": measure.unit}])

    assert list(refused.value.message_dict) == [measure.code]


@PROPERTY
@given(measure=st.sampled_from(SINGLE), unit=st.text(max_size=12))
def test_any_other_unit_is_refused(measure, unit):
    if measure.accepts_unit(unit):
        return
    with pytest.raises(ValidationError) as refused:
        measurements_clean([{"measure": measure.code, "value": str(measure.low), "unit": unit}])

    assert list(refused.value.message_dict) == [measure.code]


@PROPERTY
@given(systolic=st.integers(60, 260), diastolic=st.integers(30, 160))
def test_blood_pressure_is_kept_only_with_the_diastolic_below_the_systolic(systolic, diastolic):
    readings = [
        {"measure": "systolic", "value": systolic, "unit": "mmHg"},
        {"measure": "diastolic", "value": diastolic, "unit": "mmHg"},
    ]
    if diastolic < systolic:
        assert measurements_clean(readings) == {"systolic": systolic, "diastolic": diastolic}
    else:
        with pytest.raises(ValidationError):
            measurements_clean(readings)
