from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    points = forms.DecimalField(label=_("Points (+ or −)"), max_digits=7, decimal_places=1, initial=Decimal(0))
    hours = forms.DecimalField(label=_("Hours (+ or −)"), max_digits=5, decimal_places=1, initial=Decimal(0))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RuleForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=1, min_value=Decimal(0))
    hours = forms.DecimalField(label=_("Fixed hours"), max_digits=5, decimal_places=1, min_value=Decimal(0))
    max_hours = forms.DecimalField(label=_("At most hours"), max_digits=5, decimal_places=1, min_value=Decimal(0))
    is_active = forms.BooleanField(label=_("Active"), required=False)
    # The rule as the page showed it (core/concurrency.py): a save over someone else's is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=32)
