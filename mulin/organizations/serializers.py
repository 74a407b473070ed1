"""API shapes for the tree and people. Personal data leaves only masked, except through the
audited reveal endpoint."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.core.masking import mask_address, mask_id_number, mask_phone
from mulin.organizations.models import OrgUnit, Person, RoleAssignment


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
        fields = ["role", "role_label", "unit"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """A person with personal data masked."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    home_unit = OrgUnitRefSerializer(read_only=True)
    party_branch = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
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
