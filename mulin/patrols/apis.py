"""REST endpoints of rivers and segments (/api/v1/rivers/, /api/v1/segments/…). Thin: validate,
call one selector or service, serialise. 400 bad input (nothing written), 403 not allowed, 404
not visible, 409 the segment already has a primary or the claimant answers for it already."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.middleware import MAX_ID
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit
from mulin.patrols import serializers as ser
from mulin.patrols import services
from mulin.patrols.permissions import access_river_by_id, access_segment_by_id
from mulin.patrols.selectors import river_list_visible_to, segment_list_visible_to

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such object, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(description="The segment has a primary already, or you answer for it already.")}


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name) or ""
    if raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise ValidationError({name: [_("Enter a whole number.")]})
    return int(raw)


def _unit(unit_id: int, *, field: str, kind: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id, kind=kind, is_active=True).first()
    if unit is None:
        raise ValidationError({field: [_("No such unit.")]})
    return unit


class RiverListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.RiverSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return river_list_visible_to(self.actor)

    @extend_schema(operation_id="patrols_rivers_list", summary="Rivers of the caller's street")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="patrols_river_create",
        summary="Add a river to a street (street staff)",
        request=ser.RiverCreateSerializer,
        responses={201: ser.RiverSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.RiverCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        street = _unit(data.pop("street"), field="street", kind=OrgUnit.Kind.STREET)
        river = services.river_save(actor=self.actor, street=street, **data)
        return Response(ser.RiverSerializer(river).data, status=status.HTTP_201_CREATED)


class RiverDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_river_retrieve",
        summary="One river",
        responses={200: ser.RiverSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, river_id: int) -> Response:
        return Response(ser.RiverSerializer(access_river_by_id(self.actor, river_id)).data)


class SegmentListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.SegmentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return segment_list_visible_to(
            self.actor,
            river_id=_int_param(self.request, "river"),
            community_id=_int_param(self.request, "community"),
        )

    @extend_schema(
        operation_id="patrols_segments_list",
        summary="Responsibility segments with their course, plan and current claims",
        parameters=[
            OpenApiParameter("river", int, description="River id"),
            OpenApiParameter("community", int, description="Community id"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="patrols_segment_create",
        summary="Lay out a responsibility segment (the community's staff)",
        request=ser.SegmentCreateSerializer,
        responses={201: ser.SegmentSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.SegmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        river = access_river_by_id(self.actor, data.pop("river"))
        community = _unit(data.pop("community"), field="community", kind=OrgUnit.Kind.COMMUNITY)
        segment = services.segment_save(actor=self.actor, river=river, community=community, **data)
        return Response(
            ser.SegmentSerializer(access_segment_by_id(self.actor, segment.pk)).data, status=status.HTTP_201_CREATED
        )


class SegmentDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_segment_retrieve",
        summary="One segment with its course, plan and current claims",
        responses={200: ser.SegmentSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, segment_id: int) -> Response:
        return Response(ser.SegmentSerializer(access_segment_by_id(self.actor, segment_id)).data)


class SegmentClaimApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_segment_claim",
        summary="Claim a segment as its primary or a backup, for yourself or your branch",
        request=ser.SegmentClaimSerializer,
        responses={200: ser.SegmentSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, segment_id: int) -> Response:
        segment = access_segment_by_id(self.actor, segment_id)
        serializer = ser.SegmentClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        branch = None
        if data["branch"] is not None:
            branch = _unit(data["branch"], field="branch", kind=OrgUnit.Kind.BRANCH)
        services.segment_claim(actor=self.actor, segment=segment, role=data["role"], branch=branch)
        return Response(ser.SegmentSerializer(access_segment_by_id(self.actor, segment.pk)).data)
