"""REST endpoints of the three-party co-governance (/api/v1/cogov/…). Thin: validate, call one
selector or service, serialise. Errors: 400 bad input (nothing changed), 403/404 not allowed,
409 an item already in the status asked for."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.organizations.middleware import ActorMixin
from mulin.organizations.roles import Capability
from mulin.roundtable import cogov_serializers as ser
from mulin.roundtable import services
from mulin.roundtable.models import Party
from mulin.roundtable.permissions import access_joint_meeting_by_id, access_responsibility_by_id
from mulin.roundtable.selectors import (
    cogov_compounds_for,
    joint_meeting_list_visible_to,
    property_evaluation_results,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such meeting or item, or not visible to you."),
}


def _ensure_may_look(actor: Any) -> None:
    if not (actor.can_anywhere(Capability.TOPIC_VIEW) or actor.can_anywhere(Capability.COGOV_RECORD)):
        raise PermissionDenied(_("You may not see the three-party meetings."))


def _detail(meeting: Any) -> dict[str, Any]:
    return dict(ser.JointMeetingDetailSerializer(meeting).data)


class JointMeetingListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.JointMeetingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        _ensure_may_look(self.actor)
        return joint_meeting_list_visible_to(self.actor)

    @extend_schema(
        operation_id="roundtable_cogov_meetings_list",
        summary="Three-party joint meetings the caller may read (their compound's; staff: their community's)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="roundtable_cogov_meetings_record",
        summary="Record a joint meeting of a compound's 居委会, 业委会 and 物业 (community staff, officers)",
        request=ser.JointMeetingRecordSerializer,
        responses={201: ser.JointMeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        compounds = {unit.pk: unit for unit in cogov_compounds_for(self.actor)}
        if not compounds:
            raise PermissionDenied(
                _("Only the community's staff and the officers of the compound's three parties may do this.")
            )
        serializer = ser.JointMeetingRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        compound = compounds.get(data.pop("compound"))
        if compound is None:
            raise ValidationError({"compound": [_("Choose a compound whose joint meetings you record.")]})
        meeting = services.joint_meeting_record(actor=self.actor, compound=compound, **data)
        return Response(_detail(access_joint_meeting_by_id(self.actor, meeting.pk)), status=status.HTTP_201_CREATED)


class JointMeetingCompoundsApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_compounds_list",
        summary="Compounds whose joint meetings the caller records (the `compound` a new record takes)",
        responses={200: ser.CompoundSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ser.CompoundSerializer(cogov_compounds_for(self.actor)[:500], many=True).data)


class JointMeetingPartiesApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_parties_list",
        summary="The three parties an item of the responsibility list may be given to (`party`)",
        responses={200: ser.CogovPartySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = [{"value": value, "name": str(label)} for value, label in Party.choices]
        return Response(ser.CogovPartySerializer(rows, many=True).data)


class JointMeetingDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_meetings_retrieve",
        summary="A joint meeting: who came for each party, what was discussed, its list and the follow-ups",
        responses={200: ser.JointMeetingDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(_detail(access_joint_meeting_by_id(self.actor, meeting_id)))


class ResponsibilityAddApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_items_add",
        summary="Put an item on the responsibility list agreed at this meeting (recorders)",
        request=ser.ResponsibilityAddSerializer,
        responses={201: ser.ResponsibilityItemSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = access_joint_meeting_by_id(self.actor, meeting_id)
        serializer = ser.ResponsibilityAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.responsibility_add(actor=self.actor, meeting=meeting, **serializer.validated_data)
        return Response(ser.ResponsibilityItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ResponsibilityStatusApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_items_status",
        summary="Mark an item done (dated today) or open again, with a note (recorders)",
        request=ser.ResponsibilityStatusSerializer,
        responses={200: ser.ResponsibilityItemSerializer, **ERRORS, 409: OpenApiResponse(description="Already so.")},
    )
    def post(self, request: Request, item_id: int) -> Response:
        item = access_responsibility_by_id(self.actor, item_id)
        serializer = ser.ResponsibilityStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.responsibility_set_status(actor=self.actor, item=item, **serializer.validated_data)
        return Response(ser.ResponsibilityItemSerializer(item).data)


class PropertyEvaluationApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_cogov_evaluations_list",
        summary="Yearly results of the property service evaluation the caller may read (residents: totals only)",
        responses={200: ser.EvaluationResultSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        _ensure_may_look(self.actor)
        return Response(ser.EvaluationResultSerializer(property_evaluation_results(self.actor), many=True).data)

    @extend_schema(
        operation_id="roundtable_cogov_evaluations_submit",
        summary="Evaluate the property service of the compound one lives in, once a year (scores 1-5, a comment)",
        request=ser.PropertyEvaluationSerializer,
        responses={201: ser.EvaluationResultSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.PropertyEvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.property_evaluation_submit(actor=self.actor, **serializer.validated_data)
        return Response(
            ser.EvaluationResultSerializer(property_evaluation_results(self.actor), many=True).data,
            status=status.HTTP_201_CREATED,
        )
