"""What a partner's health staff measure, in which unit, and which values are plausible.

One table: the page's fields, the API's `GET /health-checks/measures/`, the service's checks and
the chart's scale all read it. A value outside its range is refused, never clipped: a reading of
120 for blood sugar is almost always mg/dL typed where mmol/L belongs, and storing it would show
the resident a false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WHOLE = Decimal("1")
TENTHS = Decimal("0.1")


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    unit: str
    low: Decimal
    high: Decimal
    places: Decimal
    # Spellings of the unit that mean the same (the micro sign typed as µ, μ or u).
    aliases: frozenset[str] = frozenset()

    def accepts_unit(self, unit: str) -> bool:
        spelled = unit.strip()
        return spelled == self.unit or spelled in self.aliases


MEASURES: tuple[Measure, ...] = (
    Measure("systolic", gettext_lazy("Blood pressure, systolic"), "mmHg", Decimal(60), Decimal(260), WHOLE),
    Measure("diastolic", gettext_lazy("Blood pressure, diastolic"), "mmHg", Decimal(30), Decimal(160), WHOLE),
    Measure("glucose", gettext_lazy("Blood sugar"), "mmol/L", Decimal("1.0"), Decimal("35.0"), TENTHS),
    Measure(
        "uric_acid",
        gettext_lazy("Uric acid"),
        "µmol/L",
        Decimal(60),
        Decimal(1200),
        WHOLE,
        aliases=frozenset({"μmol/L", "umol/L"}),
    ),
    Measure("bone_density", gettext_lazy("Bone density"), "T-score", Decimal("-6.0"), Decimal("4.0"), TENTHS),
)
BY_CODE: dict[str, Measure] = {measure.code: measure for measure in MEASURES}


def measurements_clean(entries: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The readings `[{"measure", "value", "unit"}, …]` as `{code: value}`, each in its unit and
    range; refused (ValidationError keyed by the measure's code) otherwise. Blood pressure comes
    as a pair, the diastolic below the systolic."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Decimal] = {}
    for entry in entries:
        code = str(entry.get("measure") or "")
        measure = BY_CODE.get(code)
        if measure is None:
            errors.setdefault("measurements", []).append(_("Unknown measure “%(code)s”.") % {"code": code[:40]})
            continue
        if code in values or code in errors:
            errors.setdefault(code, []).append(_("Give each measure once."))
            continue
        unit = str(entry.get("unit") or "")
        if not measure.accepts_unit(unit):
            errors[code] = [
                _("%(measure)s is recorded in %(unit)s, not “%(given)s”.")
                % {"measure": measure.label, "unit": measure.unit, "given": unit[:20]}
            ]
            continue
        try:
            number = Decimal(str(entry.get("value")).strip())
        except (InvalidOperation, ValueError):
            errors[code] = [_("Enter a number.")]
            continue
        if not number.is_finite() or number < measure.low or number > measure.high:
            errors[code] = [
                _("%(measure)s must be from %(low)s to %(high)s %(unit)s. Check the reading and its unit.")
                % {"measure": measure.label, "low": measure.low, "high": measure.high, "unit": measure.unit}
            ]
            continue
        values[code] = number.quantize(measure.places)
    if not errors:
        if not values:
            errors["measurements"] = [_("Enter at least one reading.")]
        elif ("systolic" in values) != ("diastolic" in values):
            missing = "diastolic" if "systolic" in values else "systolic"
            errors[missing] = [_("Blood pressure needs both the systolic and the diastolic reading.")]
        elif "systolic" in values and values["diastolic"] >= values["systolic"]:
            errors["diastolic"] = [_("The diastolic reading must be lower than the systolic one.")]
    if errors:
        raise ValidationError(errors)
    return values
