"""Page forms of health checks: shapes only; the service checks ranges and units (measures.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.health.measures import MEASURES
from mulin.health.models import FORM_REFERENCE_MAX


class ConsentForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Resident"), coerce=int)
    form_reference = forms.CharField(label=_("Consent form number"), max_length=FORM_REFERENCE_MAX, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]


class ReadingsForm(forms.Form):
    """One field per measure, its unit beside it; empty fields are measures not taken."""

    person = forms.TypedChoiceField(label=_("Resident"), coerce=int)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        for measure in MEASURES:
            self.fields[measure.code] = forms.CharField(
                label=f"{measure.label} ({measure.unit})",
                required=False,
                max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def measurements(self) -> list[dict[str, Any]]:
        """The filled-in fields as the service's readings, each in its measure's unit."""
        return [
            {"measure": m.code, "value": self.cleaned_data[m.code], "unit": m.unit}
            for m in MEASURES
            if (self.cleaned_data.get(m.code) or "").strip()
        ]
