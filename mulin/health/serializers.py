"""API shapes of health checks; one request serializer per action that takes input."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.health.measures import MEASURES
from mulin.health.models import FORM_REFERENCE_MAX, HealthCheck, HealthConsent


class HealthMeasureSerializer(serializers.Serializer):
    """A measure: send its `code` as `measure`, with a value from `low` to `high` in `unit`."""

    code = serializers.CharField()
    name = serializers.CharField(source="label")
    unit = serializers.CharField()
    low = serializers.DecimalField(max_digits=6, decimal_places=1)
    high = serializers.DecimalField(max_digits=6, decimal_places=1)


class HealthUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReadingSerializer(serializers.Serializer):
    measure = serializers.CharField()
    value = serializers.DecimalField(max_digits=6, decimal_places=1)
    unit = serializers.CharField()


class HealthCheckSerializer(serializers.ModelSerializer):
    """One health check with its readings (only ever sent to the resident or the partner's staff)."""

    partner = HealthUnitRefSerializer(read_only=True)
    readings = serializers.SerializerMethodField()

    class Meta:
        model = HealthCheck
        fields = ["id", "activity", "partner", "measured_at", "readings"]
        read_only_fields = fields

    @extend_schema_field(ReadingSerializer(many=True))
    def get_readings(self, check: HealthCheck) -> Any:
        return ReadingSerializer(
            [{"measure": m.code, "value": value, "unit": m.unit} for m, value in check.readings()], many=True
        ).data


class ReadingInputSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=[m.code for m in MEASURES])
    value = serializers.CharField(max_length=12)
    unit = serializers.CharField(max_length=20)


class HealthCheckRecordSerializer(serializers.Serializer):
    """Readings of one resident at one health-check activity (`GET /health-checks/measures/`)."""

    activity = serializers.IntegerField(min_value=1)
    person = serializers.IntegerField(min_value=1)
    measurements = ReadingInputSerializer(many=True, allow_empty=False, max_length=len(MEASURES))  # type: ignore[call-arg]


class HealthConsentSerializer(serializers.ModelSerializer):
    partner = HealthUnitRefSerializer(read_only=True)
    standing = serializers.BooleanField(source="is_standing", read_only=True)

    class Meta:
        model = HealthConsent
        fields = ["id", "partner", "form_reference", "created_at", "withdrawn_at", "standing"]
        read_only_fields = fields


class HealthConsentRecordSerializer(serializers.Serializer):
    """A resident with a place at the activity signed the host's written consent form."""

    activity = serializers.IntegerField(min_value=1)
    person = serializers.IntegerField(min_value=1)
    form_reference = serializers.CharField(max_length=FORM_REFERENCE_MAX, required=False, allow_blank=True)


class HealthRosterEntrySerializer(serializers.Serializer):
    """Someone with a place at a health-check activity: consent and count of readings, no values."""

    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.full_name")
    has_consent = serializers.BooleanField()
    readings = serializers.IntegerField()


class HealthRosterSerializer(serializers.Serializer):
    person_times = serializers.IntegerField()
    people = HealthRosterEntrySerializer(many=True)
