"""API shapes of duty rosters. What leaves is what the roster page shows: points, hours, how full a
shift is; people only by the name they chose to show (the pledge wall's masked name); never a
phone or an address. One request serializer per action; field names are the services' arguments."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.rosters.models import (
    Assignment,
    AutofillJob,
    DutyAbsence,
    DutyAvailability,
    DutyPoint,
    DutyRequest,
    Pledge,
    PledgeSignature,
    RosterPeriod,
    Shift,
)
from mulin.rosters.services.availability import SLOTS


class DutyPointSerializer(serializers.ModelSerializer):
    compound = serializers.CharField(source="compound.name", read_only=True)
    community_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = DutyPoint
        fields = ["id", "name", "location", "compound", "community_id", "headcount", "is_active"]
        read_only_fields = fields


class ShiftPointSerializer(serializers.ModelSerializer):
    compound = serializers.CharField(source="compound.name", read_only=True)

    class Meta:
        model = DutyPoint
        fields = ["id", "name", "compound"]
        read_only_fields = fields


class ShiftSerializer(serializers.ModelSerializer):
    """A shift of the roster: when, where, how full, and whether the caller stands on it."""

    point = ShiftPointSerializer(read_only=True)
    part = serializers.CharField(read_only=True)
    gap = serializers.IntegerField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    on_duty = serializers.SerializerMethodField()

    class Meta:
        model = Shift
        fields = [
            "id",
            "point",
            "community_id",
            "period_id",
            "starts_at",
            "ends_at",
            "part",
            "headcount",
            "filled",
            "gap",
            "status",
            "status_label",
            "note",
            "on_duty",
        ]
        read_only_fields = fields

    def get_on_duty(self, shift: Shift) -> bool:
        return shift.pk in self.context.get("mine", set())


class AssignmentSerializer(serializers.ModelSerializer):
    """One duty of the caller (or, for organisers, of someone on their roster)."""

    shift = ShiftSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "shift",
            "status",
            "status_label",
            "source",
            "source_label",
            "checked_in_at",
            "checked_out_at",
            "late_minutes",
            "hours",
        ]
        read_only_fields = fields


class EmptySerializer(serializers.Serializer):
    """No body."""


class AssignSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, help_text="Id of a person of the shift's community")


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=200, help_text="The code scanned at the point (shown by the point leader's or organiser's phone)"
    )


class PledgeSerializer(serializers.ModelSerializer):
    community_id = serializers.IntegerField(read_only=True)
    signed_at = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = ["id", "community_id", "version", "title", "body", "created_at", "signed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_signed_at(self, pledge: Pledge) -> Any:
        signed = self.context.get("signed", {})
        value = signed.get(pledge.pk)
        return serializers.DateTimeField().to_representation(value) if value else None


class PledgePublishSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(max_length=5000, allow_blank=True)


class PledgeSignatureSerializer(serializers.ModelSerializer):
    """A line of the public pledge wall: the name the signer lets neighbours see."""

    version = serializers.IntegerField(source="pledge.version", read_only=True)

    class Meta:
        model = PledgeSignature
        fields = ["public_name", "is_party_member", "version", "signed_at"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.ModelSerializer):
    slots = serializers.ListField(
        child=serializers.ChoiceField(choices=SLOTS),
        allow_empty=True,
        help_text='Weekday (0 = Monday) and part of the day, e.g. "0-morning", "6-evening"; none means any time',
    )
    max_shifts_per_week = serializers.IntegerField(min_value=1, max_value=14)

    class Meta:
        model = DutyAvailability
        fields = ["slots", "max_shifts_per_week"]


class AbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyAbsence
        fields = ["id", "starts_on", "ends_on", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"note": {"required": False, "allow_blank": True}}


class DutyRequestSerializer(serializers.ModelSerializer):
    assignment = AssignmentSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    substitute_id = serializers.IntegerField(read_only=True)
    counterpart_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = DutyRequest
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "assignment",
            "substitute_id",
            "counterpart_id",
            "reason",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields


class DutyRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DutyRequest.Kind.choices)
    assignment = serializers.IntegerField(min_value=1, help_text="Id of one of the caller's duties")
    substitute = serializers.IntegerField(min_value=1, required=False, help_text="Swap: who takes the shift")
    counterpart = serializers.IntegerField(
        min_value=1, required=False, help_text="Swap (optional): which of the substitute's duties the caller takes"
    )
    reason = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class AutofillRequestSerializer(serializers.Serializer):
    seed = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, default=1)
    time_limit_seconds = serializers.IntegerField(min_value=1, max_value=120, required=False, default=20)


class AutofillJobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    period_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = AutofillJob
        fields = [
            "id",
            "period_id",
            "status",
            "status_label",
            "progress",
            "seed",
            "time_limit_seconds",
            "result",
            "error",
            "started_at",
            "finished_at",
            "applied_at",
        ]
        read_only_fields = fields


class RosterPeriodSerializer(serializers.ModelSerializer):
    community_id = serializers.IntegerField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RosterPeriod
        fields = ["id", "community_id", "kind", "kind_label", "starts_on", "ends_on"]
        read_only_fields = fields


class RosterGenerateSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=RosterPeriod.Kind.choices)
    starts_on = serializers.DateField(help_text="Any day of the week or month to generate")


class AutofillApplySerializer(serializers.Serializer):
    job = serializers.IntegerField(
        min_value=1, required=False, help_text="The run to apply (default: the period's latest finished run)"
    )


class AutofillOutcomeSerializer(serializers.Serializer):
    placed = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Proposed places that could no longer be taken")
    people = serializers.IntegerField(help_text="People placed (each was told once)")
    job = AutofillJobSerializer()
