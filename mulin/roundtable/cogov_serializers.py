"""API shapes of the three-party co-governance. Officers appear by name only (as the record
names them); nothing else about a person leaves. One request serializer per action; field names
are the services' argument names."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mulin.core.middleware import MAX_ID
from mulin.organizations.models import OrgUnit
from mulin.roundtable.models import ATTENDEES_MAX, ITEM_MAX, NOTE_MAX, TEXT_MAX, JointMeeting, Party, ResponsibilityItem
from mulin.roundtable.selectors import joint_meeting_followups, joint_meeting_items


class CompoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name"]
        read_only_fields = fields


class CogovPartySerializer(serializers.Serializer):
    value = serializers.CharField()
    name = serializers.CharField()


class ResponsibilityItemSerializer(serializers.ModelSerializer):
    party_label = serializers.CharField(source="get_party_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ResponsibilityItem
        fields = [
            "id",
            "meeting",
            "text",
            "party",
            "party_label",
            "due_on",
            "status",
            "status_label",
            "note",
            "done_on",
        ]
        read_only_fields = fields


class JointMeetingSerializer(serializers.ModelSerializer):
    compound = CompoundSerializer(read_only=True)
    open_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "compound",
            "held_on",
            "residents_committee_attendees",
            "owners_committee_attendees",
            "property_attendees",
            "discussed",
            "open_count",
        ]
        read_only_fields = fields


class JointMeetingDetailSerializer(JointMeetingSerializer):
    items = serializers.SerializerMethodField(help_text="The responsibility list agreed at this meeting.")
    followups = serializers.SerializerMethodField(
        help_text="Items of earlier meetings still open when this one met (open now, or done since)."
    )

    class Meta(JointMeetingSerializer.Meta):
        fields = [*JointMeetingSerializer.Meta.fields, "items", "followups"]
        read_only_fields = fields

    def get_items(self, meeting: JointMeeting) -> list[dict[str, Any]]:
        return list(ResponsibilityItemSerializer(joint_meeting_items(meeting), many=True).data)

    def get_followups(self, meeting: JointMeeting) -> list[dict[str, Any]]:
        return list(ResponsibilityItemSerializer(joint_meeting_followups(meeting), many=True).data)


class JointMeetingRecordSerializer(serializers.Serializer):
    compound = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_on = serializers.DateField()
    residents_committee_attendees = serializers.CharField(max_length=ATTENDEES_MAX)
    owners_committee_attendees = serializers.CharField(max_length=ATTENDEES_MAX)
    property_attendees = serializers.CharField(max_length=ATTENDEES_MAX)
    discussed = serializers.CharField(max_length=TEXT_MAX)


class ResponsibilityAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=ITEM_MAX)
    party = serializers.ChoiceField(choices=Party.choices)
    due_on = serializers.DateField()


class ResponsibilityStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ResponsibilityItem.Status.choices)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class EvaluationYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    average = serializers.FloatField()
    aspects = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text="Average per aspect; only for the compound's three parties and community staff.",
    )


class EvaluationResultSerializer(serializers.Serializer):
    compound = CompoundSerializer()
    full = serializers.BooleanField(help_text="Whether the caller sees the results by aspect and the comments.")
    years = EvaluationYearSerializer(many=True)
    comments = serializers.ListField(child=serializers.CharField(), help_text="This year's comments, without names.")


class PropertyEvaluationSerializer(serializers.Serializer):
    cleaning = serializers.IntegerField(min_value=1, max_value=5)
    security = serializers.IntegerField(min_value=1, max_value=5)
    repairs = serializers.IntegerField(min_value=1, max_value=5)
    greenery = serializers.IntegerField(min_value=1, max_value=5)
    attitude = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
