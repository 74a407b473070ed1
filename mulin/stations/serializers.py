"""API shapes of stations, rooms and bookings; one request serializer per action that takes input."""

from __future__ import annotations

from rest_framework import serializers

from mulin.stations.models import Room, RoomBooking, Station, StationType
from mulin.stations.services import REASON_MAX, TITLE_MAX


class StationTypeSerializer(serializers.ModelSerializer):
    """A station type: filter the station list with its `code`."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = StationType
        fields = ["code", "name"]
        read_only_fields = fields


class StationUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "floor", "name", "purpose", "capacity", "is_bookable"]
        read_only_fields = fields


class StationSerializer(serializers.ModelSerializer):
    type = StationTypeSerializer(read_only=True)
    community = StationUnitRefSerializer(read_only=True)
    partner = StationUnitRefSerializer(read_only=True, allow_null=True)
    room_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Station
        fields = [
            "id",
            "name",
            "type",
            "community",
            "partner",
            "address",
            "latitude",
            "longitude",
            "area_m2",
            "opening_hours",
            "brand",
            "description",
            "opened_on",
            "room_count",
        ]
        read_only_fields = fields


class StationDetailSerializer(StationSerializer):
    rooms = RoomSerializer(many=True, read_only=True)

    class Meta(StationSerializer.Meta):
        fields = [*StationSerializer.Meta.fields, "rooms"]
        read_only_fields = fields


class BookingRoomSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.name", read_only=True)

    class Meta:
        model = Room
        fields = ["id", "name", "station"]
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer):
    room = BookingRoomSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RoomBooking
        fields = ["id", "room", "title", "starts_at", "ends_at", "status", "status_label", "reason", "created_at"]
        read_only_fields = fields


class BookingRequestSerializer(serializers.Serializer):
    """Ask for a room: its id (GET /stations/{id}/rooms/), what for, from and until."""

    room = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BookingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True)
