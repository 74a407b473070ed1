from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from mulin.organizations.models import OrgUnit, PartyMembership, Person, Role, Skill, TimeSlot


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    unit = forms.ModelChoiceField(label=_("Community or compound"), queryset=OrgUnit.objects.none(), required=False)
    missing_phone = forms.BooleanField(label=_("Only people without a mobile number"), required=False)
    include_inactive = forms.BooleanField(label=_("Include deactivated people"), required=False)

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


class PersonEditForm(forms.Form):
    """Correct a person's record. Phone, ID number and address are shown masked, so an empty
    box keeps the stored value; a new value replaces it, and the boxes below remove it."""

    full_name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=32, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    clear_phone = forms.BooleanField(label=_("Remove the mobile number"), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    clear_id_number = forms.BooleanField(label=_("Remove the ID number"), required=False)
    address = forms.CharField(label=_("Address (building and room)"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    home_unit = forms.ModelChoiceField(label=_("Lives in"), queryset=OrgUnit.objects.none())
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices, required=False)
    shows_full_name = forms.BooleanField(label=_("Neighbours may see the full name"), required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=None, masked=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        home_unit = self.fields["home_unit"]
        if units is not None and isinstance(home_unit, forms.ModelChoiceField):
            home_unit.queryset = units
        for name, value in (masked or {}).items():
            if value:
                self.fields[name].help_text = _("Now %(value)s. Leave empty to keep it.") % {"value": value}

    def changes(self) -> dict:  # type: ignore[type-arg]
        """The service's keyword arguments: only what the editor touched among the masked values."""
        data = self.cleaned_data
        changes = {name: data[name] for name in ("full_name", "email", "home_unit", "gender", "shows_full_name")}
        for name in ("phone", "id_number"):
            if data.get(f"clear_{name}"):
                changes[name] = ""
            elif data.get(name, "").strip():
                changes[name] = data[name]
        if data.get("address", "").strip():
            changes["address"] = data["address"]
        return changes


class VersionForm(forms.Form):
    """A button's form that carries only the record's version (deactivate, reactivate)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class PartyMembershipForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Party branch"), queryset=OrgUnit.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=PartyMembership.Status.choices)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, branches=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        if branches is not None and isinstance(branch, forms.ModelChoiceField):
            branch.queryset = branches


class VolunteerProfileForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("Volunteer skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.MultipleChoiceField(
        label=_("Available"), choices=TimeSlot.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class RoleChoiceField(forms.ChoiceField):
    """Offers the roles the actor may appoint, but accepts any known role: one the actor may not
    grant is refused by the service (403), not passed off as a typo."""

    def valid_value(self, value: object) -> bool:
        return value in Role.values


class RoleAppointForm(forms.Form):
    role = RoleChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(label=_("At"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, roles=(), units=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.grantable = list(roles)
        labels = dict(Role.choices)
        role = self.fields["role"]
        if isinstance(role, forms.ChoiceField):
            role.choices = [(value, labels[value]) for value in roles]
        unit = self.fields["unit"]
        if units is not None and isinstance(unit, forms.ModelChoiceField):
            unit.queryset = units

    def clean_role(self) -> str:
        role = str(self.cleaned_data["role"])
        if role not in self.grantable:
            # Not a typo to correct but a power the person lacks: a 403 page, as the API answers.
            raise PermissionDenied(_("You may not grant this role."))
        return role
