"""Form shapes for the work-order pages. Forms check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.core.forms import MultiplePhotoField
from mulin.workorders.models import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    WorkOrder,
    WorkOrderCategory,
)

STATUS_GROUPS: dict[str, tuple[str, ...] | None] = {
    "open": tuple(s for s in WorkOrder.Status.values if s != WorkOrder.Status.CLOSED),
    "overdue": None,  # open and past the deadline: the selector's `overdue` filter
    "closed": (WorkOrder.Status.CLOSED,),
    "all": tuple(WorkOrder.Status.values),
}


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("closed", _("Closed")), ("all", _("All"))],
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *categories]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(label=_("What kind of problem?"), queryset=WorkOrderCategory.objects.none())
    title = forms.CharField(
        label=_("The problem in a few words"),
        max_length=TITLE_MAX,
        help_text=_("E.g. “Rubbish floating under 德胜桥”."),
    )
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    address = forms.CharField(
        label=_("Where exactly?"),
        max_length=ADDRESS_MAX,
        required=False,
        help_text=_("A landmark, not your home address."),
    )
    description = forms.CharField(
        label=_("Details"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(label=_("Photos (up to 3, JPEG or PNG, up to 5 MB each)"), required=False)

    def __init__(self, *args: Any, categories: Any, communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["community"].choices = communities  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class PartyForm(forms.Form):
    """Who is responsible: a unit of the street or an external department, as "unit:<id>" or
    "department:<id>" (the view resolves it within the order's street)."""

    party = forms.ChoiceField(label=_("Responsible party"))
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", _("Choose…")), *parties]  # type: ignore[attr-defined]


class ReassignForm(PartyForm):
    note = None  # type: ignore[assignment]
    reason = forms.CharField(label=_("Why another party?"), max_length=REASON_MAX)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done?"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos of the fix (1 to 3, JPEG or PNG, up to 5 MB each)"))


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX, required=False)
    photos = MultiplePhotoField(label=_("Photos (optional, up to 3)"), required=False)


class CloseUnfixedForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Why is it closed without a fix?"),
        choices=[
            (WorkOrder.Resolution.DUPLICATE, WorkOrder.Resolution.DUPLICATE.label),
            (WorkOrder.Resolution.NOT_A_PROBLEM, WorkOrder.Resolution.NOT_A_PROBLEM.label),
            (WorkOrder.Resolution.CANNOT_FIX, WorkOrder.Resolution.CANNOT_FIX.label),
        ],
    )
    reason = forms.CharField(label=_("Explain it to the reporter"), max_length=REASON_MAX)


class RateForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Is it really fixed?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not"))],
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        widget=forms.RadioSelect,
        initial=5,
    )
    comment = forms.CharField(label=_("Anything to add?"), max_length=REASON_MAX, required=False)


class Open311ClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the system"), max_length=80, help_text=_("E.g. “拱墅区12345热线”."))
    default_community = forms.TypedChoiceField(label=_("Community for reports without a location"), coerce=int)

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_community"].choices = communities  # type: ignore[attr-defined]


class DepartmentForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. “river-office”.")
    )
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=60)
    name_en = forms.CharField(label=_("Name (English)"), max_length=80, required=False)
    phone = forms.CharField(label=_("Office telephone"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
