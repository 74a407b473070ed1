"""Web shapes of the activity pages (no business rules: the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.activities.models import DESCRIPTION_MAX, TITLE_MAX, Activity, ActivitySeries, ActivityType
from mulin.organizations.models import OrgUnit
from mulin.stations.models import Room

LOCAL = "%Y-%m-%dT%H:%M"


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:  # type: ignore[override]
        return f"{obj.station.name} · {obj.name} ({obj.capacity})"


class ActivityForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Kind"), queryset=ActivityType.objects.all(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    host = forms.ModelChoiceField(label=_("Held by"), queryset=OrgUnit.objects.none(), empty_label=None)
    audience = forms.ChoiceField(label=_("Open to"), choices=Activity.Audience.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    )
    room = RoomChoiceField(
        label=_("Station room"), queryset=Room.objects.none(), required=False, empty_label=_("Not in a station room")
    )
    address = forms.CharField(label=_("Or an address"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000)
    description = forms.CharField(
        label=_("What happens"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"), choices=[("", _("Does not repeat")), *ActivitySeries.Repeat.choices], required=False
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"), min_value=1, max_value=12, initial=1, required=False
    )
    count = forms.IntegerField(label=_("How many times in all"), min_value=2, max_value=24, initial=12, required=False)

    def __init__(self, *args: Any, hosts: list[OrgUnit], rooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = OrgUnit.objects.filter(pk__in=[h.pk for h in hosts]).order_by("path")  # type: ignore[attr-defined]
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]


def split_repeat(data: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The form's (or the API body's) repeat fields apart from the activity's: None when it does
    not repeat."""
    data = dict(data)
    repeat = data.pop("repeat", "") or ""
    interval, count = data.pop("interval", None), data.pop("count", None)
    if not repeat:
        return None, data
    return {"repeat": repeat, "interval": interval or 1, "count": count or 12}, data
