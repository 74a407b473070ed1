"""Web forms of river patrols: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.core.forms import MultiplePhotoField
from mulin.patrols.models import NOTES_MAX, PatrolLog, SegmentClaim
from mulin.workorders.models import DESCRIPTION_MAX, TITLE_MAX, WorkOrderCategory


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


class PatrolForm(forms.Form):
    """The phone-first patrol form (巡河日记): segment, times, the checklist, notes, photos, a GPX
    track, and a problem to report in the same step."""

    segment = forms.TypedChoiceField(label=_("Segment"), coerce=int)
    started_at = forms.DateTimeField(
        label=_("Started"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ended_at = forms.DateTimeField(
        label=_("Ended"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    water_colour = forms.ChoiceField(
        label=_("Water colour"), choices=PatrolLog.WaterColour.choices, widget=forms.RadioSelect
    )
    clarity_cm = forms.IntegerField(
        label=_("Clarity (cm)"),
        required=False,
        min_value=0,
        max_value=500,
        help_text=_("How deep you can see into the water."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    floating_litter = forms.TypedChoiceField(
        label=_("Floating litter"), coerce=int, choices=PatrolLog.Amount.choices, widget=forms.RadioSelect
    )
    smell = forms.TypedChoiceField(
        label=_("Smell"), coerce=int, choices=PatrolLog.Smell.choices, widget=forms.RadioSelect
    )
    outfall_discharge = forms.BooleanField(label=_("Discharge from an outfall"), required=False)
    bank_damage = forms.BooleanField(label=_("Bank or railing damage"), required=False)
    illegal_fishing = forms.BooleanField(label=_("Illegal fishing"), required=False)
    notes = forms.CharField(
        label=_("What I saw"), max_length=NOTES_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    distance_m = forms.IntegerField(
        label=_("Distance walked (m)"),
        required=False,
        min_value=1,
        max_value=50_000,
        help_text=_("Leave empty for the segment's length."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    photos = MultiplePhotoField(label=_("Photos (up to 6, JPEG or PNG)"), required=False)
    gpx = forms.FileField(
        label=_("GPS track (GPX file, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".gpx,application/gpx+xml"}),
    )
    problem_found = forms.BooleanField(label=_("I found a problem to report"), required=False)
    problem_category = forms.ModelChoiceField(
        label=_("What kind of problem?"), queryset=WorkOrderCategory.objects.none(), required=False
    )
    problem_title = forms.CharField(label=_("The problem in a few words"), max_length=TITLE_MAX, required=False)
    problem_description = forms.CharField(
        label=_("Details of the problem"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, segments: list[tuple[int, str]], categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments  # type: ignore[attr-defined]
        self.fields["problem_category"].queryset = categories  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    """Inspect a compound for a campaign: the checklist, notes, one hazard to fix."""

    compound = forms.TypedChoiceField(label=_("Compound"), coerce=int)
    found = forms.MultipleChoiceField(label=_("Hazards found"), required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(
        label=_("Notes"), max_length=NOTES_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hazard_found = forms.BooleanField(label=_("A hazard needs fixing"), required=False)
    hazard_category = forms.ModelChoiceField(
        label=_("What kind of problem?"), queryset=WorkOrderCategory.objects.none(), required=False
    )
    hazard_title = forms.CharField(label=_("The hazard in a few words"), max_length=TITLE_MAX, required=False)
    photos = MultiplePhotoField(label=_("Photos (up to 3, JPEG or PNG)"), required=False)

    def __init__(
        self,
        *args: Any,
        compounds: list[tuple[int, str]],
        hazards: list[tuple[str, str]],
        categories: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = compounds  # type: ignore[attr-defined]
        self.fields["found"].choices = hazards  # type: ignore[attr-defined]
        self.fields["hazard_category"].queryset = categories  # type: ignore[attr-defined]


class CampaignCloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"), max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
