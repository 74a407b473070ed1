"""Form shapes for the roundtable pages. Forms check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.forms import MultiplePhotoField
from mulin.roundtable.models import (
    ATTENDEES_MAX,
    ITEM_MAX,
    NOTE_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    Level,
    Participant,
    Party,
    ResponsibilityItem,
    Topic,
)

SHOW_GROUPS: dict[str, tuple[str, ...]] = {
    "open": (Topic.Status.OPEN, Topic.Status.SCHEDULED, Topic.Status.DECIDED, Topic.Status.IN_PROGRESS),
    "rating": (Topic.Status.RATING,),
    "closed": (Topic.Status.CLOSED,),
    "all": (),
}


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open")), ("rating", _("To rate")), ("closed", _("Closed")), ("all", _("All"))],
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All")), *Level.choices])


class RaiseForm(forms.Form):
    place = forms.TypedChoiceField(label=_("Where"), coerce=int)
    title = forms.CharField(label=_("The problem in a few words"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("More detail (optional)"), max_length=TEXT_MAX, required=False, widget=forms.Textarea
    )
    photos = MultiplePhotoField(label=_("Photos (up to 3, JPEG or PNG, up to 5 MB each)"), required=False)
    anonymous = forms.BooleanField(label=_("Do not show my name on the board"), required=False)

    def __init__(self, *args: Any, places: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places  # type: ignore[attr-defined]
        # While the resident types, similar open topics are fetched and shown under the field
        # (htmx; no inline script).
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("roundtable:similar"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#similar-topics",
                "hx-include": "[name=text]",
                "aria-describedby": "similar-topics",
            }
        )


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Why it needs a higher level"), max_length=REASON_MAX, widget=forms.Textarea)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the topic to merge this one into"), min_value=1)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    starts_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), input_formats=["%Y-%m-%dT%H:%M"]
    )
    location = forms.CharField(label=_("Where"), max_length=120)
    topics = forms.TypedMultipleChoiceField(label=_("Agenda"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topics  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Who came"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = participants  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=8000, widget=forms.Textarea)
    capacity = forms.ChoiceField(
        label=_("A position heard: who"), choices=[("", "—"), *Participant.Capacity.choices], required=False
    )
    said = forms.CharField(
        label=_("What they said"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int)
    method = forms.ChoiceField(
        label=_("How"), choices=Decision.Method.choices, widget=forms.RadioSelect, initial="vote"
    )
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Options (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ballot = forms.ChoiceField(
        label=_("Ballot"), choices=Decision.Ballot.choices, initial="open", widget=forms.RadioSelect
    )
    outcome = forms.CharField(label=_("What was agreed (consensus)"), max_length=TEXT_MAX, required=False)

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topics  # type: ignore[attr-defined]


class VoteForm(forms.Form):
    option = forms.TypedChoiceField(label=_("Your vote"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, options: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = options  # type: ignore[attr-defined]


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=TITLE_MAX)
    owner = forms.TypedChoiceField(label=_("Who does it"), coerce=int)
    supervisors = forms.CharField(
        label=_("Resident supervisors (numbers of people who joined, comma separated)"), required=False
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("How it is going"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos (up to 3)"), required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=REASON_MAX, required=False)


# --- three-party co-governance -------------------------------------------------------------------

_DATE = forms.DateInput(attrs={"type": "date"})


class JointMeetingForm(forms.Form):
    compound = forms.TypedChoiceField(label=_("Compound"), coerce=int)
    held_on = forms.DateField(label=_("Held on"), widget=_DATE)
    residents_committee_attendees = forms.CharField(
        label=_("Who came for the residents' committee (居委会)"), max_length=ATTENDEES_MAX
    )
    owners_committee_attendees = forms.CharField(
        label=_("Who came for the owners' committee (业委会)"), max_length=ATTENDEES_MAX
    )
    property_attendees = forms.CharField(
        label=_("Who came for the property management (物业)"), max_length=ATTENDEES_MAX
    )
    discussed = forms.CharField(label=_("What was discussed"), max_length=TEXT_MAX, widget=forms.Textarea)

    def __init__(self, *args: Any, compounds: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = compounds  # type: ignore[attr-defined]


class ResponsibilityForm(forms.Form):
    text = forms.CharField(label=_("Item"), max_length=ITEM_MAX)
    party = forms.ChoiceField(label=_("Responsible party"), choices=Party.choices)
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)


class ResponsibilityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResponsibilityItem.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


_SCORES = [(n, str(n)) for n in range(5, 0, -1)]


class PropertyEvaluationForm(forms.Form):
    cleaning = forms.TypedChoiceField(label=_("Cleaning"), choices=_SCORES, coerce=int, widget=forms.RadioSelect)
    security = forms.TypedChoiceField(
        label=_("Security and order"), choices=_SCORES, coerce=int, widget=forms.RadioSelect
    )
    repairs = forms.TypedChoiceField(label=_("Repairs"), choices=_SCORES, coerce=int, widget=forms.RadioSelect)
    greenery = forms.TypedChoiceField(label=_("Greenery"), choices=_SCORES, coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(
        label=_("Service attitude"), choices=_SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=NOTE_MAX, required=False)
