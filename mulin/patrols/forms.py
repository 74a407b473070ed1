"""Web forms of river patrols: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.patrols.models import SegmentClaim


class ClaimForm(forms.Form):
    role = forms.ChoiceField(label=_("As"), choices=SegmentClaim.Role.choices, widget=forms.RadioSelect)
    branch = forms.TypedChoiceField(label=_("For"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, branches: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = branches or []
        field = self.fields["branch"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Myself")), *branches]
        if not branches:
            self.fields["branch"].widget = forms.HiddenInput()
