"""Web shapes of the station pages (no business rules: the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.stations.services import REASON_MAX, TITLE_MAX


class BookingForm(forms.Form):
    title = forms.CharField(label=_("What for"), max_length=TITLE_MAX)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=REASON_MAX)
