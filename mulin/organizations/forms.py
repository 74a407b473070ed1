from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mulin.organizations.models import OrgUnit, Person


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    unit = forms.ModelChoiceField(label=_("Community or compound"), queryset=OrgUnit.objects.none(), required=False)
    missing_phone = forms.BooleanField(label=_("Only people without a mobile number"), required=False)

    def __init__(self, *args, units=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        if units is not None and isinstance(unit, forms.ModelChoiceField):
            unit.queryset = units


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile number"), max_length=32, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    address = forms.CharField(label=_("Address (building and room)"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    home_unit = forms.ModelChoiceField(label=_("Lives in"), queryset=OrgUnit.objects.none())
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices, required=False)

    def __init__(self, *args, units=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        home_unit = self.fields["home_unit"]
        if units is not None and isinstance(home_unit, forms.ModelChoiceField):
            home_unit.queryset = units
