"""REST endpoints of the wish wall (/api/v1/wishes/…). Thin: validate, call one selector or
service, serialise. Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 wrong state."""

from __future__ import annotations

import contextlib
from typing import Any

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
from mulin.core.statemachine import Action
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import TimeSlot
from mulin.organizations.permissions import access_person_by_id
from mulin.wishes.actions import WISH_ACTIONS, wish_available_actions
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.permissions import access_wish_by_id, can_view_wish_private
from mulin.wishes.selectors import category_list, wish_events, wish_list_visible_to, wish_photos
from mulin.wishes.serializers import (
    CategoryChoiceSerializer,
    ChoiceSerializer,
    WishContactSerializer,
    WishCreateSerializer,
    WishDetailSerializer,
    WishSerializer,
)
from mulin.wishes.services import wish_contact_reveal, wish_submit

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such wish, or not visible to you."),
}


def _detail(actor: Any, wish: Wish) -> dict[str, Any]:
    private = can_view_wish_private(actor, wish)
    context = {
        "wish": wish,
        "private": private,
        "events": wish_events(wish),
        "photos": wish_photos(wish) if private else [],
        "actions": wish_available_actions(actor, wish),
    }
    return WishDetailSerializer(wish, context=context).data


class WishListApi(ActorMixin, generics.ListAPIView):
    serializer_class = WishSerializer
    filter_backends: list[Any] = []

    def _int_param(self, name: str) -> int | None:
        raw = self.request.query_params.get(name) or ""
        if raw == "":
            return None
        # isdigit() alone lets a 30-digit number through to the database (a 500 on SQLite).
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise ValidationError({name: [_("Enter a whole number.")]})
        return int(raw)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        statuses = None
        if params.get("status"):
            statuses = params.getlist("status")
            unknown = set(statuses) - set(Wish.Status.values)
            if unknown:
                raise ValidationError({"status": [_("Unknown status.")]})
        category_id = None
        if params.get("category"):
            category_id = WishCategory.objects.filter(code=params["category"]).values_list("pk", flat=True).first()
            if category_id is None:
                raise ValidationError({"category": [_("Unknown category.")]})
        return wish_list_visible_to(
            self.actor, statuses=statuses, community_id=self._int_param("community"), category_id=category_id
        )

    @extend_schema(
        operation_id="wishes_list",
        summary="The wish wall and my wishes (scoped, newest first, cursor-paginated)",
        parameters=[
            OpenApiParameter("status", str, enum=Wish.Status.values, many=True, description="One or more statuses"),
            OpenApiParameter("community", int, description="Community id"),
            OpenApiParameter("category", str, description="Category code"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="wishes_post",
        summary="Post a wish (a resident for themselves, or staff for an offline resident)",
        description=(
            "Send an Idempotency-Key header (16-64 letters, digits, - or _) to make retries safe: a repeated "
            "request with the same key answers with the wish the first one created (Idempotent-Replayed: true); "
            "the same key with a different body is a 409."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=WishCreateSerializer,
        responses={201: WishDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = WishCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wisher_id = data.pop("wisher")
        wisher = access_person_by_id(self.actor, wisher_id) if wisher_id else None
        # A retry with the same Idempotency-Key gets the wish the first request created.
        outcome = run_once(
            owner_id=request.user.pk,
            key=key_from_request(request._request),
            fingerprint=fingerprint(request, request.data),
            work=lambda: wish_submit(actor=self.actor, wisher=wisher, **data),
        )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
        wish = access_wish_by_id(self.actor, int(outcome.target_id))
        return Response(_detail(self.actor, wish), status=status.HTTP_201_CREATED, headers=headers)


class WishDetailApi(ActorMixin, APIView):
    @extend_schema(summary="One wish with its timeline", responses={200: WishDetailSerializer, 404: ERRORS[404]})
    def get(self, request: Request, wish_id: int) -> Response:
        return Response(_detail(self.actor, access_wish_by_id(self.actor, wish_id)))


def _action_api(action: Action[Wish]) -> type[APIView]:
    """The endpoint of one action (actions.py): POST /wishes/{id}/<action>/, its own operation id
    and request body — JSON, or multipart when the request carries files (fulfil's photos)."""
    request_serializer = action.request_serializer
    multipart = request_serializer is not None and any(
        isinstance(getattr(field, "child", field), serializers.FileField)
        for field in request_serializer().fields.values()
    )

    class WishActionApi(ActorMixin, APIView):
        parser_classes = [MultiPartParser] if multipart else [JSONParser]

        @extend_schema(
            operation_id=f"wishes_{action.name}",
            summary=action.summary,
            request=({"multipart/form-data": request_serializer} if multipart else request_serializer),
            responses={
                200: WishDetailSerializer,
                **ERRORS,
                409: OpenApiResponse(description="The wish is not in a state that allows this action."),
            },
        )
        def post(self, request: Request, wish_id: int) -> Response:
            wish = access_wish_by_id(self.actor, wish_id)
            data: dict[str, Any] = {}
            if request_serializer is not None:
                serializer = request_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = dict(serializer.validated_data)
            wish = action.service(actor=self.actor, wish=wish, **data)
            with contextlib.suppress(Http404):  # reload with the wall's joins, if the caller still sees it
                wish = access_wish_by_id(self.actor, wish.pk)
            return Response(_detail(self.actor, wish))

    WishActionApi.__name__ = WishActionApi.__qualname__ = f"Wish{action.name.capitalize()}Api"
    return WishActionApi


# One endpoint per action, by action name (api_urls.py).
WISH_ACTION_APIS: dict[str, type[APIView]] = {name: _action_api(action) for name, action in WISH_ACTIONS.items()}


class WishCategoryListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="wishes_categories",
        summary="The categories a wish may be posted in (send the code as `category`)",
        responses={200: CategoryChoiceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(CategoryChoiceSerializer(category_list(), many=True).data)


class WishTimeSlotListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="wishes_time_slots",
        summary="The times a wisher may prefer (send the code as `preferred_time`)",
        responses={200: ChoiceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        slots = [{"code": code, "name": str(name)} for code, name in TimeSlot.choices]
        return Response(ChoiceSerializer(slots, many=True).data)


class WishContactApi(ActorMixin, APIView):
    @extend_schema(
        summary="The wisher's contact, for the claimant after claiming (audited)",
        request=None,
        responses={200: WishContactSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def post(self, request: Request, wish_id: int) -> Response:
        wish = access_wish_by_id(self.actor, wish_id)
        contact = wish_contact_reveal(actor=self.actor, wish=wish)
        return Response(WishContactSerializer(contact).data)
