"""REST endpoints of health checks (/api/v1/health-checks/…, /health-consents/…). Thin:
validate, call one selector or service, serialise. Errors: 400 a reading out of range or in
another unit, no consent, no place (nothing stored); 404 for a reading that is not the caller's
to read, whoever holds it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.activities.models import Activity, Signup
from mulin.activities.permissions import access_activity_by_id
from mulin.health.measures import MEASURES
from mulin.health.permissions import access_consent_by_id, access_health_check_by_id, ensure_can_record_health
from mulin.health.selectors import health_check_list_own, health_consent_list_own, health_roster
from mulin.health.serializers import (
    HealthCheckRecordSerializer,
    HealthCheckSerializer,
    HealthConsentRecordSerializer,
    HealthConsentSerializer,
    HealthMeasureSerializer,
    HealthRosterSerializer,
)
from mulin.health.services import (
    health_check_read,
    health_check_record,
    health_consent_record,
    health_consent_withdraw,
)
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor

NOT_FOUND = {404: OpenApiResponse(description="No such record, or not yours to read.")}


def _staff_target(actor: Actor, activity_id: int, person_id: int) -> tuple[Activity, Person]:
    """The activity (404 if not visible, 403 if not the caller's to record at) and a person with a
    place there (400 otherwise: the body named them)."""
    activity = access_activity_by_id(actor, activity_id)
    ensure_can_record_health(actor, activity)
    signup = (
        Signup.objects.select_related("person")
        .filter(activity=activity, person_id=person_id, status=Signup.Status.CONFIRMED)
        .first()
    )
    if signup is None:
        raise ValidationError({"person": [_("Only people with a place at this health check can be recorded.")]})
    return activity, signup.person


class HealthCheckListApi(ActorMixin, generics.ListAPIView):
    serializer_class = HealthCheckSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return health_check_list_own(self.actor)

    @extend_schema(operation_id="health_checks_mine", summary="My own health checks with their readings, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="health_checks_record",
        summary="Record a resident's readings at a health-check day of my partner unit (consent first)",
        request=HealthCheckRecordSerializer,
        responses={201: HealthCheckSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = HealthCheckRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        activity, person = _staff_target(self.actor, data["activity"], data["person"])
        check = health_check_record(
            actor=self.actor, activity=activity, person=person, measurements=[dict(m) for m in data["measurements"]]
        )
        return Response(HealthCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class HealthCheckDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="health_checks_get",
        summary="One health check with its readings (the resident's own; the partner's staff: audited)",
        responses={200: HealthCheckSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, check_id: int) -> Response:
        check = health_check_read(actor=self.actor, check=access_health_check_by_id(self.actor, check_id))
        return Response(HealthCheckSerializer(check).data)


class HealthMeasureListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="health_measures",
        summary="What can be measured: send `code` as `measure`, a value from `low` to `high`, in `unit`",
        responses={200: HealthMeasureSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(HealthMeasureSerializer(MEASURES, many=True).data)


class HealthConsentListApi(ActorMixin, generics.ListAPIView):
    serializer_class = HealthConsentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return health_consent_list_own(self.actor)

    @extend_schema(operation_id="health_consents_mine", summary="My health-check consents, standing first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="health_consents_record",
        summary="Record that a resident with a place at my unit's health-check day signed the consent form",
        request=HealthConsentRecordSerializer,
        responses={201: HealthConsentSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = HealthConsentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        activity, person = _staff_target(self.actor, data["activity"], data["person"])
        consent = health_consent_record(
            actor=self.actor, activity=activity, person=person, form_reference=data.get("form_reference", "")
        )
        return Response(HealthConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class HealthConsentWithdrawApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="health_consents_withdraw",
        summary="Withdraw a consent: no new readings, and the partner's staff no longer read the old ones",
        request=None,
        responses={200: HealthConsentSerializer, **NOT_FOUND},
    )
    def post(self, request: Request, consent_id: int) -> Response:
        consent = health_consent_withdraw(actor=self.actor, consent=access_consent_by_id(self.actor, consent_id))
        return Response(HealthConsentSerializer(consent).data)


class HealthRosterApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="health_roster",
        summary="A health-check day for its health staff: who has a place, consent, readings taken (no values)",
        responses={200: HealthRosterSerializer},
    )
    def get(self, request: Request, activity_id: int) -> Response:
        activity = access_activity_by_id(self.actor, activity_id)
        ensure_can_record_health(self.actor, activity)
        people: list[Any] = list(health_roster(activity))
        body = {"person_times": sum(s.readings for s in people), "people": people}
        return Response(HealthRosterSerializer(body).data)
