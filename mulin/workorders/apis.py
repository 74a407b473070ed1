"""REST endpoints of work orders (/api/v1/work-orders/…). Thin: validate, call one selector or
service, serialise. One endpoint per lifecycle action, each with its own request schema.
Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 the order is not in a state that
allows the action (nothing changed)."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.api import IDEMPOTENCY_PARAMETER
from mulin.core.idempotency import REPLAYED_HEADER, fingerprint, key_from_request, run_once
from mulin.core.middleware import MAX_ID
from mulin.core.parsers import JSONParser, MultiPartParser
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.workorders import serializers as ser
from mulin.workorders import services
from mulin.workorders.models import ExternalDepartment, WorkOrder
from mulin.workorders.permissions import (
    access_work_order_by_id,
    can_manage_work_order,
    can_rate_work_order,
    can_view_work_order_private,
)
from mulin.workorders.selectors import (
    assignable_units_for,
    category_list,
    community_choices_for,
    department_list_for,
    work_order_events,
    work_order_list_visible_to,
    work_order_photos,
)
from mulin.workorders.transitions import available_actions

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such work order, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(description="The order is not in a state that allows this action; nothing changed.")}


def detail_data(actor: Actor, order: WorkOrder) -> dict[str, Any]:
    private = can_view_work_order_private(actor, order)
    actions = available_actions(actor, order)
    if can_rate_work_order(actor, order):
        actions.append("rate")
    context = {
        "order": order,
        "private": private,
        "events": work_order_events(order),
        "photos": work_order_photos(order) if private else [],
        "actions": actions,
    }
    return ser.WorkOrderDetailSerializer(order, context=context).data


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name) or ""
    if raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise ValidationError({name: [_("Enter a whole number.")]})
    return int(raw)


class WorkOrderListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.WorkOrderSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        statuses = None
        if params.get("status"):
            statuses = params.getlist("status")
            if set(statuses) - set(WorkOrder.Status.values):
                raise ValidationError({"status": [_("Unknown status.")]})
        category_id = None
        if params.get("category"):
            category = category_list(include_retired=True).filter(code=params["category"]).first()
            if category is None:
                raise ValidationError({"category": [_("Unknown category.")]})
            category_id = category.pk
        return work_order_list_visible_to(
            self.actor,
            statuses=statuses,
            community_id=_int_param(self.request, "community"),
            category_id=category_id,
            overdue=params.get("overdue") in ("1", "true"),
        )

    @extend_schema(
        operation_id="work_orders_list",
        summary="Work orders visible to the caller (newest first, cursor-paginated)",
        parameters=[
            OpenApiParameter(
                "status", str, enum=WorkOrder.Status.values, many=True, description="One or more statuses"
            ),
            OpenApiParameter("community", int, description="Community id"),
            OpenApiParameter("category", str, description="Category code"),
            OpenApiParameter("overdue", bool, description="Only open orders past their deadline"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="work_orders_create",
        summary="Report a problem (a work order in status reported)",
        description=(
            "JSON, or multipart with up to 3 photos. Send an Idempotency-Key header to make retries safe: a repeated "
            "request with the same key answers with the order the first one created (Idempotent-Replayed: true)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request={
            "application/json": ser.WorkOrderCreateSerializer,
            "multipart/form-data": ser.WorkOrderCreateSerializer,
        },
        responses={201: ser.WorkOrderDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.WorkOrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        community_id = data.pop("community")
        if community_id not in dict(community_choices_for(self.actor)):
            raise ValidationError({"community": [_("Choose a community of your street.")]})
        community = OrgUnit.objects.get(pk=community_id)
        location = services.Location(data.pop("latitude"), data.pop("longitude"), data.pop("address"))
        outcome = run_once(
            owner_id=request.user.pk,
            key=key_from_request(request._request),
            fingerprint=fingerprint(request, {k: v for k, v in request.data.items() if k != "photos"}),
            work=lambda: services.work_order_create(actor=self.actor, community=community, location=location, **data),
        )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
        order = access_work_order_by_id(self.actor, int(outcome.target_id))
        return Response(detail_data(self.actor, order), status=status.HTTP_201_CREATED, headers=headers)


class WorkOrderDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="work_orders_retrieve",
        summary="One work order with its timeline and the actions the caller may take",
        responses={200: ser.WorkOrderDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, order_id: int) -> Response:
        return Response(detail_data(self.actor, access_work_order_by_id(self.actor, order_id)))


class WorkOrderPartiesApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="work_orders_parties",
        summary="The responsible parties this order may be dispatched to (staff of its community)",
        responses={200: ser.PartySerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = access_work_order_by_id(self.actor, order_id)
        if not can_manage_work_order(self.actor, order):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Only the community's staff may do this."))
        parties = [
            {"type": "department", "id": d.pk, "name": d.name} for d in department_list_for(self.actor, order.community)
        ]
        parties += [{"type": "unit", "id": u.pk, "name": u.name} for u in assignable_units_for(order)]
        return Response(ser.PartySerializer(parties, many=True).data)


class CategoryListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="work_order_categories_list",
        summary="Work-order categories (the codes POST /work-orders/ takes) with their deadlines",
        responses={200: ser.WorkOrderCategorySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ser.WorkOrderCategorySerializer(category_list(), many=True).data)


class DepartmentListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="external_departments_list",
        summary="External departments of the caller's street (responsible parties outside the tree)",
        responses={200: ser.DepartmentSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ser.DepartmentSerializer(department_list_for(self.actor), many=True).data)


# --- one endpoint per action ---------------------------------------------------------------------------


class _ActionApi(ActorMixin, APIView):
    """POST /work-orders/{id}/<action>/: validate this action's body, call its service, answer
    with the order."""

    parser_classes = [JSONParser, MultiPartParser]
    request_serializer: ClassVar[type[serializers.Serializer]]

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        raise NotImplementedError

    def post(self, request: Request, order_id: int) -> Response:
        order = access_work_order_by_id(self.actor, order_id)
        serializer = self.request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = self.run(order, dict(serializer.validated_data))
        with contextlib.suppress(Http404):  # reload with the list's joins, if the caller still sees it
            order = access_work_order_by_id(self.actor, order.pk)
        return Response(detail_data(self.actor, order))

    def party(self, order: WorkOrder, data: dict[str, Any]) -> OrgUnit | ExternalDepartment:
        if data.get("unit") is not None:
            unit = assignable_units_for(order).filter(pk=data["unit"]).first()
            if unit is None:
                raise ValidationError(
                    {"unit": [_("Choose a community, property management, partner unit or branch of this street.")]}
                )
            return unit
        department = department_list_for(self.actor, order.community).filter(pk=data["department"]).first()
        if department is None:
            raise ValidationError({"department": [_("Choose a department that serves this street.")]})
        return department


def _action_schema(action: str, summary: str, request: Any) -> Any:
    return extend_schema(
        operation_id=f"work_orders_{action}",
        summary=summary,
        request=request,
        responses={200: ser.WorkOrderDetailSerializer, **ERRORS, **CONFLICT},
    )


class AcceptApi(_ActionApi):
    request_serializer = ser.NoteSerializer

    @_action_schema("accept", "Accept a reported problem (community staff)", ser.NoteSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_accept(actor=self.actor, order=order, **data)


class DispatchApi(_ActionApi):
    request_serializer = ser.DispatchSerializer

    @_action_schema(
        "dispatch", "Send an accepted order to a responsible party (community staff)", ser.DispatchSerializer
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_dispatch(
            actor=self.actor, order=order, party=self.party(order, data), note=data["note"]
        )


class ReassignApi(_ActionApi):
    request_serializer = ser.ReassignSerializer

    @_action_schema(
        "reassign", "Give the order to another party, with a reason (community staff)", ser.ReassignSerializer
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_reassign(
            actor=self.actor, order=order, party=self.party(order, data), reason=data["reason"]
        )


class ReturnApi(_ActionApi):
    request_serializer = ser.ReasonSerializer

    @_action_schema("return", "Hand the order back: not ours (the responsible party)", ser.ReasonSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_return(actor=self.actor, order=order, **data)


class StartApi(_ActionApi):
    request_serializer = ser.NoteSerializer

    @_action_schema("start", "Work has started (the responsible party)", ser.NoteSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_start(actor=self.actor, order=order, **data)


class ResolveApi(_ActionApi):
    request_serializer = ser.ResolveSerializer
    parser_classes = [MultiPartParser]

    @_action_schema(
        "resolve",
        "Report it fixed with what was done and 1-3 photos (multipart; the responsible party)",
        {"multipart/form-data": ser.ResolveSerializer},
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_resolve(actor=self.actor, order=order, **data)


class SendBackApi(_ActionApi):
    request_serializer = ser.ReasonSerializer

    @_action_schema("send_back", "Not fixed yet: send it back (the reporter or staff)", ser.ReasonSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_send_back(actor=self.actor, order=order, **data)


class VerifyApi(_ActionApi):
    request_serializer = ser.VerifySerializer

    @_action_schema(
        "verify",
        "Checked on the ground: it is fixed (the reporter or staff; optional photos as multipart)",
        {"application/json": ser.VerifySerializer, "multipart/form-data": ser.VerifySerializer},
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_verify(actor=self.actor, order=order, **data)


class CloseApi(_ActionApi):
    request_serializer = ser.NoteSerializer

    @_action_schema("close", "Close a verified order as fixed (community staff)", ser.NoteSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_close(actor=self.actor, order=order, **data)


class CloseUnfixedApi(_ActionApi):
    request_serializer = ser.CloseUnfixedSerializer

    @_action_schema("close_unfixed", "Close without a fix, saying why (community staff)", ser.CloseUnfixedSerializer)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_close_unfixed(actor=self.actor, order=order, **data)


class ReopenApi(_ActionApi):
    request_serializer = ser.ReasonSerializer

    @_action_schema(
        "reopen",
        "It is not fixed: reopen a closed order (the reporter within the window, or staff)",
        ser.ReasonSerializer,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_reopen(actor=self.actor, order=order, **data)


class RateApi(_ActionApi):
    request_serializer = ser.RateSerializer

    @_action_schema(
        "rate", "Answer “is it fixed?” and how satisfied (the reporter, once a closing)", ser.RateSerializer
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def run(self, order: WorkOrder, data: dict[str, Any]) -> WorkOrder:
        return services.work_order_rate(actor=self.actor, order=order, **data)
