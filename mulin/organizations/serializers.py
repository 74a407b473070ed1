"""API shapes for the tree and people. Personal data leaves only masked, except through the
audited reveal endpoint."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.core.concurrency import version_token
from mulin.core.masking import mask_address, mask_id_number, mask_phone
from mulin.organizations.models import OrgUnit, PartyMembership, Person, Role, RoleAssignment, Skill


class OrgUnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]


class OrgUnitSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "kind",
            "parent_id",
            "depth",
            "path",
            "team_category",
            "address",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    unit = OrgUnitRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_label", "unit"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person with personal data masked."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    home_unit = OrgUnitRefSerializer(read_only=True)
    party_branch = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "version",
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "id_number",
            "address",
            "home_unit",
            "party_branch",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_version(self, person: Person) -> str:
        return version_token(person)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, person: Person) -> str:
        return mask_phone(person.phone)

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, person: Person) -> str:
        return mask_id_number(person.id_number)

    @extend_schema_field(serializers.CharField())
    def get_address(self, person: Person) -> str:
        return mask_address(person.address)

    @extend_schema_field(OrgUnitRefSerializer(allow_null=True))
    def get_party_branch(self, person: Person) -> dict[str, Any] | None:
        membership = getattr(person, "party_membership", None)
        return OrgUnitRefSerializer(membership.branch).data if membership else None


class PersonCreateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=50)
    home_unit = serializers.IntegerField(help_text=_("Id of the community, compound or building."))
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    gender = serializers.ChoiceField(choices=Person.Gender.choices, required=False, default="")


class RevealRequestSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["phone", "id_number", "address"])


class RevealResponseSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    capability = serializers.CharField()
    unit_paths = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    person = PersonSerializer(allow_null=True)
    roles = RoleSerializer(many=True)
    scopes = ScopeSerializer(many=True)
    needs_second_factor = serializers.BooleanField()
    demo_account = serializers.BooleanField()


class PersonUpdateRequestSerializer(serializers.Serializer):
    """Fields to change; a field left out keeps its value, an empty phone or ID number removes it."""

    version = serializers.CharField(
        help_text=_("The person's `version` as last read; if someone saved since, the answer is 409.")
    )
    full_name = serializers.CharField(max_length=50, required=False)
    home_unit = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Id of the community, compound or building.")
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Person.Gender.choices, required=False)
    shows_full_name = serializers.BooleanField(required=False)


class VersionRequestSerializer(serializers.Serializer):
    version = serializers.CharField(
        required=False, help_text=_("The person's `version` as last read; if someone saved since, the answer is 409.")
    )


class PartyMembershipRequestSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, help_text=_("Id of the party branch or group."))
    status = serializers.ChoiceField(choices=PartyMembership.Status.choices)
    joined_on = serializers.DateField(required=False, allow_null=True)


class VolunteerProfileRequestSerializer(serializers.Serializer):
    skills = serializers.ListField(child=serializers.ChoiceField(choices=Skill.choices), max_length=20)
    # Codes of GET /wishes/time-slots/ (one choice set, one schema name: checked by the service).
    availability = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20)


class RoleAppointRequestSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    unit = serializers.IntegerField(min_value=1, help_text=_("Id of the unit where the role is held."))


class RoleRemoveRequestSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, help_text=_("The `id` of the role, from the person's roles."))


class RoleChoiceSerializer(serializers.Serializer):
    """A role: send `code`; `name` is for people, in the caller's language."""

    code = serializers.CharField(help_text=_("A role, as `role` of a role assignment takes it."))
    name = serializers.CharField()
    unit_kinds = serializers.ListField(
        child=serializers.CharField(), help_text=_("The kinds of unit (as `kind` of a unit) the role is held at.")
    )
    grantable = serializers.BooleanField(help_text=_("Whether you may appoint people to this role somewhere."))


class OneTimeCodeSerializer(serializers.Serializer):
    """A one-time sign-in code: answered once, never shown again."""

    code = serializers.CharField()
    valid_until = serializers.DateTimeField()
    texted = serializers.BooleanField(help_text=_("Whether it was also texted to the registered mobile number."))
