"""API shapes of rivers, segments and claims. People are named as the page names them: the folk
river chief and claimants by their public name (masked unless they chose to show it)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.organizations.models import OrgUnit
from mulin.patrols.models import DESCRIPTION_MAX, NAME_MAX, River, Segment, SegmentClaim


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class RiverSerializer(serializers.ModelSerializer):
    street = UnitRefSerializer(read_only=True)
    folk_chief_name = serializers.CharField(read_only=True)

    class Meta:
        model = River
        fields = ["id", "name", "description", "street", "folk_chief_name"]
        read_only_fields = fields


class RiverCreateSerializer(serializers.Serializer):
    """A new river of the caller's street (street staff)."""

    street = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=NAME_MAX, allow_blank=True)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")


class ClaimSerializer(serializers.ModelSerializer):
    claimant = serializers.CharField(source="claimant_name", read_only=True)
    kind = serializers.SerializerMethodField()
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = SegmentClaim
        fields = ["id", "role", "role_label", "kind", "claimant", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["person", "branch"]))
    def get_kind(self, claim: SegmentClaim) -> str:
        return "branch" if claim.branch_id is not None else "person"


class SegmentSerializer(serializers.ModelSerializer):
    river = serializers.SerializerMethodField()
    community = UnitRefSerializer(read_only=True)
    claims = serializers.SerializerMethodField()
    coordinates = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2), read_only=True
    )

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "river",
            "community",
            "coordinates",
            "length_m",
            "patrol_every_days",
            "last_patrolled_at",
            "claims",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_river(self, segment: Segment) -> dict[str, Any]:
        return {"id": segment.river_id, "name": segment.river.name}

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, segment: Segment) -> Any:
        claims = getattr(segment, "active_claims", None)
        if claims is None:
            claims = list(segment.claims.filter(released_at__isnull=True).select_related("person", "branch"))
        return ClaimSerializer(claims, many=True).data


class SegmentCreateSerializer(serializers.Serializer):
    """A new responsibility segment (the community's staff). `coordinates`: 2–500
    [latitude, longitude] pairs (WGS84)."""

    river = serializers.IntegerField(min_value=1)
    community = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=NAME_MAX, allow_blank=True)
    coordinates = serializers.JSONField()
    patrol_every_days = serializers.IntegerField(min_value=1, max_value=30, default=1)


class SegmentClaimSerializer(serializers.Serializer):
    """Claim a segment as its primary or a backup, for yourself or (a branch secretary) for
    your `branch`."""

    role = serializers.ChoiceField(choices=SegmentClaim.Role.choices)
    branch = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
