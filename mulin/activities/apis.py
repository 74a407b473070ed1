"""REST endpoints of activities (/api/v1/activities/…). Thin: validate, call one selector or
service, serialise. Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 a sign-up
or check-in that cannot be taken (full details in `code`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.activities.forms import split_repeat
from mulin.activities.models import Activity, ActivityType
from mulin.activities.permissions import access_activity_by_id, access_series_by_id, ensure_can_manage_activity
from mulin.activities.selectors import (
    activity_list_visible_to,
    activity_type_list,
    attendance_of,
    calendar_feed_of,
    series_activity_list,
    signup_list,
)
from mulin.activities.serializers import (
    ActivityCreateSerializer,
    ActivitySerializer,
    ActivitySeriesSerializer,
    ActivityTypeSerializer,
    AttendanceSerializer,
    CalendarAddressSerializer,
    CheckInSerializer,
    SignupSerializer,
)
from mulin.activities.services import (
    activity_check_in,
    activity_create,
    activity_series_cancel,
    activity_series_create,
    activity_sign_up,
    activity_sign_up_cancel,
    calendar_feed_reset,
)
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit
from mulin.stations.permissions import access_room_by_id

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such activity, or not open to you."),
}
CONFLICT = {409: OpenApiResponse(description="Cannot be done now (already signed up, started, cancelled, full).")}


def _reloaded(actor: Any, activity: Activity) -> Activity:
    return access_activity_by_id(actor, activity.pk)


class ActivityListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ActivitySerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        code = self.request.query_params.get("type") or None
        if code is not None and not activity_type_list().filter(code=code).exists():
            raise ValidationError({"type": [_("Unknown activity type.")]})
        return activity_list_visible_to(self.actor, upcoming_from=timezone.now(), type_code=code)

    @extend_schema(
        operation_id="activities_list",
        summary="Upcoming activities open to me, with places left and my sign-up",
        parameters=[OpenApiParameter("type", str, description="Activity type code (GET /activities/types/)")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="activities_create",
        summary="Create an activity (or, with `repeat`, a series: the first one is returned) for a unit I organise for",
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, **ERRORS, 409: OpenApiResponse(description="The room is taken.")},
    )
    def post(self, request: Request) -> Response:
        serializer = ActivityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity_type = ActivityType.objects.filter(code=data.pop("type")).first()
        if activity_type is None:
            raise ValidationError({"type": [_("Unknown activity type.")]})
        host = OrgUnit.objects.filter(pk=data.pop("host")).first()
        if host is None:
            raise ValidationError({"host": [_("Choose a unit you organise for.")]})
        room_id = data.pop("room", None)
        room = access_room_by_id(self.actor, room_id) if room_id else None
        repeat, data = split_repeat(data)
        if repeat is None:
            activity = activity_create(actor=self.actor, type=activity_type, host=host, room=room, **data)
        else:
            series = activity_series_create(
                actor=self.actor, type=activity_type, host=host, room=room, **repeat, **data
            )
            activity = Activity.objects.filter(series=series).order_by("starts_at").first()  # type: ignore[assignment]
        return Response(ActivitySerializer(_reloaded(self.actor, activity)).data, status=status.HTTP_201_CREATED)


class ActivityTypeListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_types",
        summary="The kinds of activity (send the code as `type`)",
        responses={200: ActivityTypeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ActivityTypeSerializer(activity_type_list(), many=True).data)


class ActivityDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_get",
        summary="One activity with places left and my sign-up",
        responses={200: ActivitySerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, activity_id: int) -> Response:
        return Response(ActivitySerializer(access_activity_by_id(self.actor, activity_id)).data)


class ActivitySignupApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_signup",
        summary="Sign up: a place while places last, otherwise the next place on the waiting list",
        request=None,
        responses={201: SignupSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        signup = activity_sign_up(actor=self.actor, activity=access_activity_by_id(self.actor, activity_id))
        return Response(SignupSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="activities_signup_cancel",
        summary="Cancel my sign-up; a freed place goes to the first person waiting",
        request=None,
        responses={200: SignupSerializer, **ERRORS, **CONFLICT},
    )
    def delete(self, request: Request, activity_id: int) -> Response:
        signup = activity_sign_up_cancel(actor=self.actor, activity=access_activity_by_id(self.actor, activity_id))
        return Response(SignupSerializer(signup).data)


class ActivityCheckInApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_checkin",
        summary="Check in with the code scanned at the venue (stale or foreign codes are refused)",
        request=CheckInSerializer,
        responses={200: SignupSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        activity = access_activity_by_id(self.actor, activity_id)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signup = activity_check_in(actor=self.actor, activity=activity, code=serializer.validated_data["code"])
        return Response(SignupSerializer(signup).data)


class ActivityAttendanceApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_attendance",
        summary="Who signed up and who came, with the attendance rate (the organisers)",
        responses={200: AttendanceSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, activity_id: int) -> Response:
        activity = access_activity_by_id(self.actor, activity_id)
        ensure_can_manage_activity(self.actor, activity)
        attended, confirmed = attendance_of(activity)
        data = {
            "attended": attended,
            "confirmed": confirmed,
            "rate": round(attended / confirmed, 3) if confirmed else None,
            "people": list(signup_list(activity)),
        }
        return Response(AttendanceSerializer(data).data)


def _series_body(actor: Any, series: Any) -> Any:
    """The series with the activities of it the caller sees (the selector is scoped; the relation is not)."""
    series.activities_seen = list(series_activity_list(actor, series.pk))
    return ActivitySeriesSerializer(series).data


class ActivitySeriesApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_series_get",
        summary="A repeating activity: its rule and the activities of it I see",
        responses={200: ActivitySeriesSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, series_id: int) -> Response:
        series = access_series_by_id(self.actor, series_id)
        return Response(_series_body(self.actor, series))


class ActivitySeriesCancelApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_series_cancel",
        summary="Cancel the coming activities of a series (everyone signed up is told)",
        request=None,
        responses={200: ActivitySeriesSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, series_id: int) -> Response:
        series = access_series_by_id(self.actor, series_id)
        activity_series_cancel(actor=self.actor, series=series)
        return Response(_series_body(self.actor, series))


def _calendar_body(request: Request, feed: Any) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("activities:calendar_feed", args=[feed.key])) if feed else None
    return {"url": url}


class CalendarApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_calendar",
        summary="My secret iCalendar address of my activities (null until made)",
        responses={200: CalendarAddressSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(_calendar_body(request, calendar_feed_of(self.actor.person_id)))


class CalendarResetApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="activities_calendar_reset",
        summary="Make a new secret calendar address; the old one stops working",
        request=None,
        responses={200: CalendarAddressSerializer, 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        return Response(_calendar_body(request, calendar_feed_reset(actor=self.actor)))
