"""Form shapes for the wish pages. Forms check shape only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.core.forms import MultiplePhotoField
from mulin.organizations.models import Skill, TimeSlot
from mulin.wishes.models import DESCRIPTION_MAX, TITLE_MAX, Wish, WishCategory

STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": (Wish.Status.PUBLISHED,),
    "claimed": (Wish.Status.CLAIMED,),
    "done": (Wish.Status.FULFILLED, Wish.Status.CLOSED),
    "all": (Wish.Status.PUBLISHED, Wish.Status.CLAIMED, Wish.Status.FULFILLED, Wish.Status.CLOSED),
}


class WallFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Waiting for a helper")),
            ("claimed", _("Being helped")),
            ("done", _("Fulfilled")),
            ("all", _("All")),
        ],
    )
    community = forms.TypedChoiceField(label=_("Community"), coerce=int, required=False, empty_value=None)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: Any, communities: list[tuple[int, str]], categories: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All")), *communities]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("All")), *categories]  # type: ignore[attr-defined]


class WishForm(forms.Form):
    title = forms.CharField(
        label=_("What do you wish for?"),
        max_length=TITLE_MAX,
        help_text=_("A short title, e.g. “Help to fix a dripping tap”."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=WishCategory.objects.none())
    description = forms.CharField(
        label=_("Details"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Do not write your phone number or address here: the helper gets them after claiming."),
    )
    preferred_time = forms.ChoiceField(
        label=_("Best time"), required=False, choices=[("", _("Any time")), *TimeSlot.choices]
    )
    estimated_hours = forms.DecimalField(
        label=_("About how many hours?"), required=False, min_value=Decimal(0), max_value=Decimal(99), decimal_places=1
    )
    estimated_value = forms.DecimalField(
        label=_("Value of any goods (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100000),
        decimal_places=2,
    )
    shows_full_name = forms.BooleanField(
        label=_("Show my full name on the wall"),
        required=False,
        help_text=_("Otherwise neighbours see only your family name, like “王**”."),
    )
    photos = MultiplePhotoField(
        label=_("Photos (up to 3, JPEG or PNG, up to 5 MB each)"),
        required=False,
        help_text=_("Optional. Photos are seen only by you, your helper and the community's staff."),
    )

    def __init__(self, *args: Any, categories: Any, on_behalf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        if on_behalf:
            # Staff entering a wish for a resident read about the resident, not about themselves.
            self.fields["title"].label = _("What does the resident wish for?")
            self.fields["description"].help_text = _(
                "Do not write the resident's phone number or address here: the helper gets them after claiming."
            )
            self.fields["shows_full_name"].label = _("Show the resident's full name on the wall")
            self.fields["shows_full_name"].help_text = _(
                "Otherwise neighbours see only the resident's family name, like “王**”."
            )
            self.fields["photos"].help_text = _(
                "Optional. Photos are seen only by the resident, the helper and the community's staff."
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it not published?"), max_length=200)


class FulfilForm(forms.Form):
    note = forms.CharField(label=_("What was done?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(
        label=_("Hours you gave"), required=False, min_value=Decimal("0.1"), max_value=Decimal(24), decimal_places=1
    )
    photos = MultiplePhotoField(
        label=_("Photos (1 to 3, JPEG or PNG, up to 5 MB each)"),
        help_text=_("Photos are seen only by the wisher, you and the community's staff."),
    )


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the help?"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        widget=forms.RadioSelect,
        initial=5,
    )
    thanks = forms.CharField(label=_("A word of thanks"), max_length=300, required=False)


class CategoryForm(forms.Form):
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=60)
    skills = forms.MultipleChoiceField(
        label=_("Skills that suit it"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    default_hours = forms.DecimalField(
        label=_("Usual hours"), min_value=Decimal(0), max_value=Decimal(99), decimal_places=1, initial=Decimal(2)
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=100)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    # The category as the page showed it (core/concurrency.py): a save over someone else's is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class NewCategoryForm(CategoryForm):
    version = None  # type: ignore[assignment]  # a new category has no earlier version
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=_("Letters, digits and hyphens, e.g. “pets”."))


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
