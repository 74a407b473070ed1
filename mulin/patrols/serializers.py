"""API shapes of rivers, segments and claims. People are named as the page names them: the folk
river chief and claimants by their public name (masked unless they chose to show it)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.organizations.models import OrgUnit
from mulin.patrols.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTES_MAX,
    Campaign,
    Inspection,
    PatrolLog,
    PatrolPhoto,
    River,
    Segment,
    SegmentClaim,
)
from mulin.workorders.models import DESCRIPTION_MAX as PROBLEM_DESCRIPTION_MAX
from mulin.workorders.models import TITLE_MAX


class PatrolUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class RiverSerializer(serializers.ModelSerializer):
    street = PatrolUnitSerializer(read_only=True)
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
    claimant_type = serializers.SerializerMethodField()
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = SegmentClaim
        fields = ["id", "role", "role_label", "claimant_type", "claimant", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["person", "branch"]))
    def get_claimant_type(self, claim: SegmentClaim) -> str:
        return "branch" if claim.branch_id is not None else "person"


class SegmentSerializer(serializers.ModelSerializer):
    river = serializers.SerializerMethodField()
    community = PatrolUnitSerializer(read_only=True)
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


class PatrolPhotoSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = PatrolPhoto
        fields = ["uuid", "url", "width", "height"]
        read_only_fields = fields


class PatrolLogSerializer(serializers.ModelSerializer):
    """One patrol of the diary, with its photos and the work orders it raised (ids)."""

    segment = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    work_orders = serializers.SerializerMethodField()
    water_colour_label = serializers.CharField(source="get_water_colour_display", read_only=True)

    class Meta:
        model = PatrolLog
        fields = [
            "id",
            "segment",
            "patroller_name",
            "started_at",
            "ended_at",
            "distance_m",
            "water_colour",
            "water_colour_label",
            "clarity_cm",
            "floating_litter",
            "smell",
            "outfall_discharge",
            "bank_damage",
            "illegal_fishing",
            "notes",
            "track",
            "photos",
            "work_orders",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "river": {"type": "string"}},
        }
    )
    def get_segment(self, log: PatrolLog) -> dict[str, Any]:
        return {"id": log.segment_id, "name": log.segment.name, "river": log.segment.river.name}

    @extend_schema_field(PatrolPhotoSerializer(many=True))
    def get_photos(self, log: PatrolLog) -> Any:
        photos = self.context.get("photos", {}).get(log.pk, [])
        return PatrolPhotoSerializer(photos, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_work_orders(self, log: PatrolLog) -> list[int]:
        return list(self.context.get("orders", {}).get(log.pk, []))


class PatrolCreateSerializer(serializers.Serializer):
    """Log a patrol. JSON, or multipart with `photos` (up to 6) and a `gpx` file. Give
    `problem_category` and `problem_title` to report a problem found as a work order."""

    segment = serializers.IntegerField(min_value=1)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    water_colour = serializers.ChoiceField(choices=PatrolLog.WaterColour.choices, default="clear")
    clarity_cm = serializers.IntegerField(min_value=0, max_value=500, required=False, allow_null=True, default=None)
    floating_litter = serializers.ChoiceField(choices=PatrolLog.Amount.choices, default=0)
    smell = serializers.ChoiceField(choices=PatrolLog.Smell.choices, default=0)
    outfall_discharge = serializers.BooleanField(default=False)
    bank_damage = serializers.BooleanField(default=False)
    illegal_fishing = serializers.BooleanField(default=False)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True, default="")
    distance_m = serializers.IntegerField(min_value=1, max_value=50_000, required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=6, default=list)
    gpx = serializers.FileField(required=False, allow_null=True, default=None)
    problem_category = serializers.SlugField(required=False, allow_blank=True, default="")
    problem_title = serializers.CharField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    problem_description = serializers.CharField(
        max_length=PROBLEM_DESCRIPTION_MAX, required=False, allow_blank=True, default=""
    )


class HazardItemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=80)  # type: ignore[assignment]  # a field, popped by the metaclass


class CompoundProgressSerializer(serializers.Serializer):
    compound = PatrolUnitSerializer()
    inspections = serializers.IntegerField()
    hazards_found = serializers.IntegerField()
    orders = serializers.IntegerField()
    orders_closed = serializers.IntegerField()


class CampaignSerializer(serializers.ModelSerializer):
    unit = PatrolUnitSerializer(read_only=True)
    hazards = HazardItemSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "description", "unit", "hazards", "starts_on", "ends_on", "status", "status_label"]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    """A campaign with its progress by compound and (once closed) its summary."""

    progress = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "summary", "closed_at", "progress"]
        read_only_fields = fields

    @extend_schema_field(CompoundProgressSerializer(many=True))
    def get_progress(self, campaign: Campaign) -> Any:
        return CompoundProgressSerializer(self.context.get("progress", []), many=True).data


class CampaignCreateSerializer(serializers.Serializer):
    """Start a campaign run by `unit` (a community or street id) over `compounds` (ids). Without
    `hazards` it checks the typhoon list (抗台防汛)."""

    unit = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=80, allow_blank=True)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    compounds = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    hazards = HazardItemSerializer(many=True, required=False, default=list)


class CampaignCloseSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=NOTES_MAX, allow_blank=True)


class InspectionSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id", read_only=True)
    compound = PatrolUnitSerializer(read_only=True)
    found = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "campaign", "compound", "inspector_name", "inspected_at", "found", "notes"]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    """Inspect a compound for a campaign: the checklist codes `found`, notes, and optionally one
    hazard to fix (`hazard_category` + `hazard_title`), filed as a work order for the compound."""

    campaign = serializers.IntegerField(min_value=1)
    compound = serializers.IntegerField(min_value=1)
    found = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True, default="")
    hazard_category = serializers.SlugField(required=False, allow_blank=True, default="")
    hazard_title = serializers.CharField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    hazard_description = serializers.CharField(
        max_length=PROBLEM_DESCRIPTION_MAX, required=False, allow_blank=True, default=""
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=3, default=list)
