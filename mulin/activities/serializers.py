"""API shapes of activities; one request serializer per action that takes input."""

from __future__ import annotations

from rest_framework import serializers

from mulin.activities.models import DESCRIPTION_MAX, TITLE_MAX, Activity, ActivitySeries, ActivityType, Signup


class ActivityTypeSerializer(serializers.ModelSerializer):
    """An activity type: send its `code` as `type`."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = ActivityType
        fields = ["code", "name", "is_branch_life"]
        read_only_fields = fields


class ActivityUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ActivitySerializer(serializers.ModelSerializer):
    """An activity of the list, with the places left and the caller's own sign-up."""

    type = ActivityTypeSerializer(read_only=True)
    host = ActivityUnitRefSerializer(read_only=True)
    place = serializers.CharField(source="place_name", read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    my_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "type",
            "host",
            "audience",
            "place",
            "room",
            "starts_at",
            "ends_at",
            "capacity",
            "places_left",
            "status",
            "my_status",
            "series",
        ]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    """A new activity: `type` a code from GET /activities/types/, `host` a unit id you organise
    for, `room` a room id from GET /stations/{id}/rooms/ (or an `address`)."""

    type = serializers.SlugField(max_length=32)
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True)
    host = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    audience = serializers.ChoiceField(choices=Activity.Audience.choices, default=Activity.Audience.EVERYONE)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=100000)
    room = serializers.IntegerField(min_value=1, max_value=2_147_483_647, required=False, allow_null=True)
    address = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    repeat = serializers.ChoiceField(
        choices=ActivitySeries.Repeat.choices,
        required=False,
        help_text="Make a series: every week, every month on the same date, or on the same weekday.",
    )
    interval = serializers.IntegerField(min_value=1, max_value=12, required=False, help_text="Every how many.")
    count = serializers.IntegerField(min_value=2, max_value=24, required=False, help_text="How many in all.")


class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signup
        fields = ["id", "status", "position", "checked_in_at"]
        read_only_fields = fields


class CheckInSerializer(serializers.Serializer):
    """The code scanned from the organiser's phone (it rotates every 30 seconds)."""

    code = serializers.CharField(max_length=200)


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Signup
        fields = ["id", "name", "status", "position", "checked_in_at", "check_in_method"]
        read_only_fields = fields


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    people = AttendeeSerializer(many=True)


class ActivitySeriesSerializer(serializers.ModelSerializer):
    """A repeating activity, with its `rule` (RFC 5545 RRULE) and the activities the caller sees."""

    activities = ActivitySerializer(many=True, read_only=True, source="activities_seen")

    class Meta:
        model = ActivitySeries
        fields = ["id", "title", "repeat", "interval", "count", "rule", "cancelled_at", "activities"]
        read_only_fields = fields


class CalendarAddressSerializer(serializers.Serializer):
    """The secret address a phone calendar subscribes to (anyone holding it reads the feed)."""

    url = serializers.URLField(allow_null=True)
