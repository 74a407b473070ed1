"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/) for work orders, JSON only.

| method | path | key |
|---|---|---|
| GET | /open311/v2/services.json | no (the spec's) |
| GET | /open311/v2/requests.json | yes: `api_key` — stricter than the spec (internal governance data) |
| POST | /open311/v2/requests.json | yes: `api_key`, form-encoded as the spec says |
| GET | /open311/v2/requests/{service_request_id}.json | yes |

XML, the service definition (`services/{code}.json`: no category has extra attributes, so every
service says `metadata: false`) and tokens (every service is `realtime`) are not offered. A key
sees and files orders of its own street only. Errors are the spec's array of
`{"code", "description"}` with the HTTP status: 400 bad input, 403 missing or invalid key, 404
unknown service code or request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.exceptions import ApplicationError
from mulin.core.parsers import FormParser, JSONParser, MultiPartParser
from mulin.organizations.scoping import subtree_q
from mulin.workorders.models import Open311Client, WorkOrder, WorkOrderCategory
from mulin.workorders.selectors import category_list
from mulin.workorders.services import open311_client_for_key, open311_request_create

DEFAULT_SPAN = dt.timedelta(days=90)  # the spec's default window and largest span
MAX_RESULTS = 1000  # the spec's default limit


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _w3(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _status_notes(order: WorkOrder) -> str:
    """The honest state behind open/closed (Open311 has only those two): our status, or how it
    was closed and why."""
    if order.status == WorkOrder.Status.CLOSED:
        label = str(order.get_resolution_display())
        return f"{label}：{order.status_note}" if order.status_note else label
    return str(order.get_status_display())


def _request_data(order: WorkOrder) -> dict[str, Any]:
    return {
        "service_request_id": str(order.pk),
        "status": "closed" if order.status == WorkOrder.Status.CLOSED else "open",
        "status_notes": _status_notes(order),
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": order.description or order.title,
        "agency_responsible": order.assignee_name or order.community.name,
        "service_notice": None,
        "requested_datetime": _w3(order.created_at),
        "updated_datetime": _w3(order.closed_at or order.updated_at),
        "expected_datetime": _w3(order.due_at),
        "address": " ".join(part for part in (order.address, order.place.name) if part),
        "address_id": None,
        "zipcode": None,
        "lat": float(order.latitude) if order.latitude is not None else None,
        "long": float(order.longitude) if order.longitude is not None else None,
        "media_url": order.media_url or None,
    }


class _Open311Api(APIView):
    """No session, no token: an Open311 client identifies itself with its `api_key`."""

    # Open311 is its own published standard (docs/workorders.md), not part of the API v1 schema.
    schema = None
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]  # the key is checked in the view; reads of services are public by the spec
    renderer_classes = [JSONRenderer]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Open311Error):
            return Response([{"code": exc.code, "description": exc.description}], status=exc.code)
        if isinstance(exc, ValidationError):
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            body = [{"code": 400, "description": f"{field}: {message}" if field else message}
                    for field, messages in errors.items() for message in messages]  # fmt: skip
            return Response(body, status=400)
        if isinstance(exc, ApplicationError):
            return Response([{"code": exc.status, "description": exc.message}], status=exc.status)
        if isinstance(exc, Http404):
            return Response([{"code": 404, "description": _("Not found.")}], status=404)
        response = super().handle_exception(exc)
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = [{"code": response.status_code, "description": str(detail)}]
        return response

    def client(self, request: Request) -> Open311Client:
        key = request.data.get("api_key") if request.method == "POST" else request.query_params.get("api_key")
        client = open311_client_for_key(key)
        if client is None:
            raise Open311Error(403, _("Missing or invalid api_key."))
        return client


class ServicesApi(_Open311Api):
    @extend_schema(
        operation_id="open311_services", summary="Open311: the service list (work-order categories)", auth=[]
    )
    def get(self, request: Request) -> Response:
        services = [
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": category.description,
                "metadata": False,
                "type": "realtime",
                "keywords": category.name_zh_hans,
                "group": category.get_group_display(),
            }
            for category in category_list()
        ]
        return Response(services)


def _orders_of(client: Open311Client) -> Any:
    return WorkOrder.objects.filter(subtree_q("scope_path", client.street.path)).select_related(
        "category", "community", "place"
    )


def _when(request: Request, name: str) -> dt.datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None or value.tzinfo is None:
        raise Open311Error(
            400,
            _("%(name)s must be a w3 date and time with a time zone, e.g. 2019-08-10T00:00:00+08:00.") % {"name": name},
        )
    return value


class RequestsApi(_Open311Api):
    @extend_schema(
        operation_id="open311_requests_list", summary="Open311: service requests of the key's street", auth=[]
    )
    def get(self, request: Request) -> Response:
        client = self.client(request)
        orders = _orders_of(client)
        ids = request.query_params.get("service_request_id")
        if ids:
            wanted = [part.strip() for part in ids.split(",") if part.strip()]
            if not all(part.isdigit() and len(part) < 19 for part in wanted):
                raise Open311Error(400, _("service_request_id must be numbers separated by commas."))
            orders = orders.filter(pk__in=[int(part) for part in wanted])
        else:
            codes = [c for c in (request.query_params.get("service_code") or "").split(",") if c]
            if codes:
                orders = orders.filter(category__code__in=codes)
            wanted_status = {s for s in (request.query_params.get("status") or "").split(",") if s}
            if wanted_status - {"open", "closed"}:
                raise Open311Error(400, _("status must be open or closed."))
            if wanted_status == {"open"}:
                orders = orders.exclude(status=WorkOrder.Status.CLOSED)
            elif wanted_status == {"closed"}:
                orders = orders.filter(status=WorkOrder.Status.CLOSED)
            start, end = _when(request, "start_date"), _when(request, "end_date")
            end = end or (start + DEFAULT_SPAN if start else timezone.now())
            start = start or end - DEFAULT_SPAN
            if end < start or end - start > DEFAULT_SPAN:
                raise Open311Error(400, _("The date range may not span more than 90 days."))
            orders = orders.filter(created_at__gte=start, created_at__lte=end)
        return Response([_request_data(order) for order in orders.order_by("-id")[:MAX_RESULTS]])

    @extend_schema(
        operation_id="open311_requests_create", summary="Open311: file a service request (api_key required)", auth=[]
    )
    def post(self, request: Request) -> Response:
        client = self.client(request)
        data = request.data
        code = data.get("service_code")
        if not code:
            raise Open311Error(400, _("service_code was not provided."))
        category = WorkOrderCategory.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": str(code)[:40]})
        order = open311_request_create(
            client=client,
            category=category,
            latitude=data.get("lat"),
            longitude=data.get("long"),
            address_string=data.get("address_string") or "",
            description=data.get("description") or "",
            media_url=data.get("media_url") or "",
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
        )
        body = [{"service_request_id": str(order.pk), "service_notice": _service_notice(category), "account_id": None}]
        return Response(body, status=status.HTTP_201_CREATED)


def _service_notice(category: WorkOrderCategory) -> str:
    return _(
        "The community office accepts it within %(hours)s hours; the fix is due within %(days)s days of dispatch."
    ) % {
        "hours": category.accept_within_hours,
        "days": category.resolve_within_days,
    }


class RequestApi(_Open311Api):
    @extend_schema(
        operation_id="open311_request",
        summary="Open311: one service request of the key's street",
        auth=[],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, request_id: int) -> Response:
        client = self.client(request)
        order = _orders_of(client).filter(pk=request_id).first()
        if order is None:
            raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": request_id})
        return Response([_request_data(order)])
