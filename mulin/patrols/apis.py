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

from mulin.core.api import IDEMPOTENCY_PARAMETER
from mulin.core.idempotency import REPLAYED_HEADER, fingerprint, key_from_request, run_once
from mulin.core.middleware import MAX_ID
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit
from mulin.patrols import serializers as ser
from mulin.patrols import services
from mulin.patrols.models import Campaign, PatrolLog
from mulin.patrols.permissions import (
    access_campaign_by_id,
    access_patrol_log_by_id,
    access_river_by_id,
    access_segment_by_id,
)
from mulin.patrols.selectors import (
    campaign_list_visible_to,
    campaign_progress,
    inspection_list_visible_to,
    patrol_log_list_visible_to,
    patrol_photos_of,
    river_list_visible_to,
    segment_list_visible_to,
)
from mulin.patrols.services import CHECKLIST_FIELDS
from mulin.workorders.selectors import category_list, work_order_list_for_sources

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


def _log_page_context(actor: Any, logs: list[PatrolLog]) -> dict[str, Any]:
    ids = [log.pk for log in logs]
    orders: dict[int, list[int]] = {}
    for order_id, source_id in work_order_list_for_sources(actor, PatrolLog, ids).values_list("pk", "source_id"):
        orders.setdefault(int(source_id or 0), []).append(order_id)
    return {"photos": patrol_photos_of(ids), "orders": orders}


class PatrolListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.PatrolLogSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        mine = self.request.query_params.get("mine") in ("1", "true")
        return patrol_log_list_visible_to(
            self.actor,
            segment_id=_int_param(self.request, "segment"),
            patroller_id=(self.actor.person_id or 0) if mine else None,
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        context = _log_page_context(self.actor, page)
        return self.get_paginated_response(ser.PatrolLogSerializer(page, many=True, context=context).data)

    @extend_schema(
        operation_id="patrols_list",
        summary="Patrol logs (巡河日记) of the caller's street, newest first",
        parameters=[
            OpenApiParameter("segment", int, description="Segment id"),
            OpenApiParameter("mine", bool, description="Only my patrols"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="patrols_create",
        summary="Log a patrol; a problem found becomes a work order in the same step",
        description=(
            "JSON, or multipart with up to 6 photos and a GPX file. Send an Idempotency-Key header to make "
            "retries safe (an offline draft sent twice logs one patrol)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request={
            "application/json": ser.PatrolCreateSerializer,
            "multipart/form-data": ser.PatrolCreateSerializer,
        },
        responses={201: ser.PatrolLogSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.PatrolCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        segment = access_segment_by_id(self.actor, data.pop("segment"))
        problem = None
        code = data.pop("problem_category")
        title, description = data.pop("problem_title"), data.pop("problem_description")
        if code or title:
            category = category_list().filter(code=code).first()
            problem = services.Problem(category, title, description)
        checklist = services.Checklist(**{name: data.pop(name) for name in CHECKLIST_FIELDS})
        outcome = run_once(
            owner_id=request.user.pk,
            key=key_from_request(request._request),
            fingerprint=fingerprint(request, {k: v for k, v in request.data.items() if k not in ("photos", "gpx")}),
            work=lambda: services.patrol_log_create(
                actor=self.actor, segment=segment, checklist=checklist, problem=problem, **data
            ),
        )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
        log = access_patrol_log_by_id(self.actor, int(outcome.target_id))
        body = ser.PatrolLogSerializer(log, context=_log_page_context(self.actor, [log])).data
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class PatrolDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_retrieve",
        summary="One patrol log with its photos and work orders",
        responses={200: ser.PatrolLogSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, log_id: int) -> Response:
        log = access_patrol_log_by_id(self.actor, log_id)
        return Response(ser.PatrolLogSerializer(log, context=_log_page_context(self.actor, [log])).data)


def _campaign_detail(actor: Any, campaign: Campaign) -> dict[str, Any]:
    return ser.CampaignDetailSerializer(campaign, context={"progress": campaign_progress(campaign)}).data


class CampaignListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.CampaignSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return campaign_list_visible_to(self.actor)

    @extend_schema(operation_id="patrols_campaigns_list", summary="Inspection campaigns of the caller's street")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="patrols_campaign_create",
        summary="Start an inspection campaign (staff of the community or street)",
        request=ser.CampaignCreateSerializer,
        responses={201: ser.CampaignDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.CampaignCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = OrgUnit.objects.filter(
            pk=data.pop("unit"), kind__in=[OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.STREET], is_active=True
        ).first()
        if unit is None:
            raise ValidationError({"unit": [_("Choose a community or a street.")]})
        compound_ids = data.pop("compounds")
        compounds = list(OrgUnit.objects.filter(pk__in=compound_ids, kind=OrgUnit.Kind.COMPOUND))
        if len(compounds) != len(set(compound_ids)):
            raise ValidationError({"compounds": [_("Choose compounds of %(unit)s.") % {"unit": unit.name}]})
        campaign = services.campaign_create(actor=self.actor, unit=unit, compounds=compounds, **data)
        return Response(
            _campaign_detail(self.actor, access_campaign_by_id(self.actor, campaign.pk)),
            status=status.HTTP_201_CREATED,
        )


class CampaignDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_campaign_retrieve",
        summary="One campaign with its progress by compound",
        responses={200: ser.CampaignDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        return Response(_campaign_detail(self.actor, access_campaign_by_id(self.actor, campaign_id)))


class CampaignCloseApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="patrols_campaign_close",
        summary="Close a campaign with its summary (staff of the community or street)",
        request=ser.CampaignCloseSerializer,
        responses={
            200: ser.CampaignDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(description="The campaign is closed already; nothing changed."),
        },
    )
    def post(self, request: Request, campaign_id: int) -> Response:
        campaign = access_campaign_by_id(self.actor, campaign_id)
        serializer = ser.CampaignCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_close(actor=self.actor, campaign=campaign, **serializer.validated_data)
        return Response(_campaign_detail(self.actor, access_campaign_by_id(self.actor, campaign.pk)))


class InspectionListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.InspectionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return inspection_list_visible_to(self.actor, campaign_id=_int_param(self.request, "campaign"))

    @extend_schema(
        operation_id="patrols_inspections_list",
        summary="Inspections of the caller's street, newest first",
        parameters=[OpenApiParameter("campaign", int, description="Campaign id")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="patrols_inspection_create",
        summary="Inspect a compound for a campaign; a hazard to fix becomes a work order",
        request={
            "application/json": ser.InspectionCreateSerializer,
            "multipart/form-data": ser.InspectionCreateSerializer,
        },
        responses={
            201: ser.InspectionSerializer,
            **ERRORS,
            409: OpenApiResponse(description="The campaign is closed; nothing changed."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ser.InspectionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        campaign = access_campaign_by_id(self.actor, data["campaign"])
        compound = campaign.compounds.filter(pk=data["compound"]).first()
        if compound is None:
            raise ValidationError({"compound": [_("This campaign does not cover that compound.")]})
        hazards = []
        if data["hazard_category"] or data["hazard_title"]:
            category = category_list().filter(code=data["hazard_category"]).first()
            hazards.append(services.Hazard(category, data["hazard_title"], data["hazard_description"]))
        inspection = services.inspection_create(
            actor=self.actor,
            campaign=campaign,
            compound=compound,
            found=data["found"],
            notes=data["notes"],
            hazards=hazards,
            photos=data["photos"],
        )
        return Response(ser.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)
