"""API shapes of the points ledger."""

from __future__ import annotations

from rest_framework import serializers

from mulin.points.models import LedgerEntry


class LedgerEntrySerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True, allow_null=True, default=None)
    rule_name = serializers.CharField(source="rule.name", read_only=True, allow_null=True, default=None)
    corrects = serializers.IntegerField(source="corrects_id", read_only=True, allow_null=True)
    # Plain strings in the schema: "kind" and "account" enums would collide with other apps' names.
    account = serializers.CharField(read_only=True, help_text="service | assessment")
    kind = serializers.CharField(read_only=True, help_text="credit | correction")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "account",
            "kind",
            "points",
            "hours",
            "rule",
            "rule_name",
            "source_type",
            "source_id",
            "corrects",
            "label",
            "note",
            "occurred_at",
            "created_at",
        ]
        read_only_fields = fields


class BalanceSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=12, decimal_places=1, help_text="Spendable service points.")
    hours = serializers.DecimalField(max_digits=10, decimal_places=1, help_text="Volunteer service hours.")
    assessment = serializers.DecimalField(
        max_digits=12, decimal_places=1, help_text="Party member assessment score (kept apart, never spent)."
    )
    year = serializers.IntegerField()
    year_points = serializers.DecimalField(max_digits=12, decimal_places=1)
    year_hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    year_assessment = serializers.DecimalField(max_digits=12, decimal_places=1)


class PointsMeSerializer(serializers.Serializer):
    balance = BalanceSerializer()
    recent = LedgerEntrySerializer(many=True)
