"""REST endpoints of the wish wall (/api/v1/wishes/…). Thin: validate, call one selector or
service, serialise. Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 wrong state."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.api import IDEMPOTENCY_PARAMETER
from mulin.core.idempotency import REPLAYED_HEADER, fingerprint, key_from_request, run_once
from mulin.core.middleware import MAX_ID
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.permissions import access_person_by_id
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.permissions import access_wish_by_id, available_actions, can_view_wish_private
from mulin.wishes.selectors import wish_events, wish_list_visible_to, wish_photos
from mulin.wishes.serializers import (
    ACTION_FIELDS,
    WishActionSerializer,
    WishContactSerializer,
    WishCreateSerializer,
    WishDetailSerializer,
    WishSerializer,
)
from mulin.wishes.services import wish_action, wish_contact_reveal, wish_submit
from mulin.wishes.transitions import ACTIONS

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
        "actions": available_actions(actor, wish),
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


class WishActionApi(ActorMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="wishes_action",
        summary="Move a wish along its lifecycle",
        description=(
            "publish, reject (reason) — community staff; claim, release (reason) — helpers; "
            "fulfil (note, photos[1–3] as multipart, hours) — the claimant; confirm (rating 1–5, thanks) — the "
            "wisher, or staff for an offline resident; withdraw (reason) — the wisher before fulfilment. "
            "409 when the wish is no longer in a state that allows the action (e.g. already claimed)."
        ),
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS))],
        request={"application/json": WishActionSerializer, "multipart/form-data": WishActionSerializer},
        responses={
            200: WishDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(description="The wish is not in a state that allows this action."),
        },
    )
    def post(self, request: Request, wish_id: int, action: str) -> Response:
        if action not in ACTIONS:
            raise Http404
        wish = access_wish_by_id(self.actor, wish_id)
        serializer = WishActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {
            name: serializer.validated_data[name] for name in ACTION_FIELDS[action] if name in serializer.validated_data
        }
        if action == "fulfil":
            data.setdefault("photos", [])
            data.setdefault("note", "")
        if action == "reject":
            data.setdefault("reason", "")
        if action == "confirm":
            data.setdefault("rating", None)
        wish = wish_action(actor=self.actor, wish=wish, action=action, **data)
        with contextlib.suppress(Http404):  # reload with the wall's joins, if the caller still sees it
            wish = access_wish_by_id(self.actor, wish.pk)
        return Response(_detail(self.actor, wish))


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
