"""REST endpoints of stations, rooms and bookings (/api/v1/stations/…, /api/v1/bookings/…). Thin:
validate, call one selector or service, serialise. Errors: 400 bad input (nothing changed), 403/404
not allowed, 409 the room is taken or the booking has moved on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.organizations.middleware import ActorMixin
from mulin.stations.models import RoomBooking
from mulin.stations.permissions import access_booking_by_id, access_room_by_id, access_station_by_id
from mulin.stations.selectors import booking_list_visible_to, room_list, station_list_visible_to, station_type_list
from mulin.stations.serializers import (
    BookingDeclineSerializer,
    BookingRequestSerializer,
    BookingSerializer,
    RoomSerializer,
    StationDetailSerializer,
    StationSerializer,
    StationTypeSerializer,
)
from mulin.stations.services import booking_approve, booking_cancel, booking_decline, booking_request

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such station, room or booking, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(description="The room is taken at that time, or the booking has moved on.")}


class StationListApi(ActorMixin, generics.ListAPIView):
    serializer_class = StationSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        code = self.request.query_params.get("type") or None
        if code is not None and not station_type_list().filter(code=code).exists():
            raise ValidationError({"type": [_("Unknown station type.")]})
        return station_list_visible_to(self.actor, type_code=code)

    @extend_schema(
        operation_id="stations_list",
        summary="The stations of my street, with their type, host and map position",
        parameters=[OpenApiParameter("type", str, description="Station type code (GET /stations/types/)")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class StationTypeListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="stations_types",
        summary="The types of station (filter the list with `type=<code>`)",
        responses={200: StationTypeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(StationTypeSerializer(station_type_list(), many=True).data)


class StationDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="stations_get",
        summary="One station with its rooms",
        responses={200: StationDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, station_id: int) -> Response:
        station = access_station_by_id(self.actor, station_id)
        data = dict(StationSerializer(station).data)
        data["rooms"] = RoomSerializer(room_list(station), many=True).data
        return Response(data)


class StationRoomListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="stations_rooms",
        summary="The rooms of a station by floor (book one with POST /bookings/)",
        responses={200: RoomSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, station_id: int) -> Response:
        station = access_station_by_id(self.actor, station_id)
        return Response(RoomSerializer(room_list(station), many=True).data)


class BookingListApi(ActorMixin, generics.ListAPIView):
    serializer_class = BookingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in RoomBooking.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        return booking_list_visible_to(self.actor, status=wanted)

    @extend_schema(
        operation_id="bookings_list",
        summary="Bookings I asked for and bookings of stations I keep",
        parameters=[OpenApiParameter("status", str, enum=RoomBooking.Status.values)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="bookings_request",
        summary="Ask for a room (confirmed at once for the station's own staff); 409 if it is taken",
        request=BookingRequestSerializer,
        responses={201: BookingSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        serializer = BookingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        room = access_room_by_id(self.actor, data.pop("room"))
        booking = booking_request(actor=self.actor, room=room, **data)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingApproveApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="bookings_approve",
        summary="Confirm a requested booking (the station's staff); 409 if the room is taken by then",
        request=None,
        responses={200: BookingSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = booking_approve(actor=self.actor, booking=access_booking_by_id(self.actor, booking_id))
        return Response(BookingSerializer(booking).data)


class BookingDeclineApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="bookings_decline",
        summary="Decline a requested booking with a reason (the station's staff)",
        request=BookingDeclineSerializer,
        responses={200: BookingSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = access_booking_by_id(self.actor, booking_id)
        serializer = BookingDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = booking_decline(actor=self.actor, booking=booking, **serializer.validated_data)
        return Response(BookingSerializer(booking).data)


class BookingCancelApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking (whoever asked, or the station's staff)",
        request=None,
        responses={200: BookingSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = booking_cancel(actor=self.actor, booking=access_booking_by_id(self.actor, booking_id))
        return Response(BookingSerializer(booking).data)
