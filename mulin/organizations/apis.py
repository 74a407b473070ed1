"""REST endpoints for the tree and people (read, register, audited reveal) and `/me/`."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.api import IDEMPOTENCY_PARAMETER
from mulin.core.idempotency import REPLAYED_HEADER, fingerprint, key_from_request, run_once
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit
from mulin.organizations.permissions import access_orgunit_by_id, access_person_by_id
from mulin.organizations.roles import Capability
from mulin.organizations.selectors import orgunit_list_visible_to, orgunit_list_where, person_roles, person_search
from mulin.organizations.serializers import (
    MeSerializer,
    OrgUnitSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    RevealRequestSerializer,
    RevealResponseSerializer,
)
from mulin.organizations.services import person_register, person_reveal


class MeApi(ActorMixin, APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        actor = self.actor
        scopes = [
            {"capability": capability.value, "unit_paths": list(actor.scope_paths(capability))}
            for capability in Capability
            if actor.scope_paths(capability)
        ]
        data = {
            "person": actor.person,
            "roles": person_roles(actor.person) if actor.person else [],
            "scopes": scopes,
            "needs_second_factor": request.user.needs_second_factor,  # type: ignore[union-attr]
            "demo_account": request.user.is_demo,  # type: ignore[union-attr]
        }
        return Response(MeSerializer(data).data)


@extend_schema_field(OpenApiTypes.INT)  # a row id is an integer, not a "number" (issue 9, item 9)
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number in the database's range (a float or a 40-digit number is a 400,
    not a database overflow; found by the API fuzzing in tests/security)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class OrgUnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices)
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent"]


class OrgUnitListApi(ActorMixin, generics.ListAPIView):
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    pagination_class = None  # the visible tree is small (hundreds of units) and read whole

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return orgunit_list_visible_to(self.actor)


class OrgUnitDetailApi(ActorMixin, APIView):
    @extend_schema(responses=OrgUnitSerializer)
    def get(self, request: Request, unit_id: int) -> Response:
        return Response(OrgUnitSerializer(access_orgunit_by_id(self.actor, unit_id)).data)


class PersonQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="Part of the name")
    unit = serializers.IntegerField(
        required=False, min_value=1, help_text="Only people living in or belonging to this unit's subtree"
    )


class PersonListApi(ActorMixin, generics.ListCreateAPIView):
    """People the caller may see (masked), newest first, in keyset pages; POST registers one."""

    serializer_class = PersonSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = PersonQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        unit = None
        if "unit" in params.validated_data:
            # Unknown and not-visible units get the same answer, so ids reveal nothing.
            unit = orgunit_list_visible_to(self.actor).filter(pk=params.validated_data["unit"]).first()
            if unit is None:
                raise ValidationError({"unit": [_("Choose a unit you can see.")]})
        return person_search(self.actor, query=params.validated_data.get("q", ""), unit=unit)

    @extend_schema(parameters=[PersonQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        if not self.actor.can_anywhere(Capability.PEOPLE_VIEW):
            raise PermissionDenied(_("You may not see the list of people."))
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        description="Idempotency-Key makes retries safe: a repeat answers with the person first registered.",
    )
    def post(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        """Register a person. Only the fields of PersonCreateSerializer are read; anything else
        in the body (ids, owners, roles, flags) is ignored."""
        if not self.actor.can_anywhere(Capability.PEOPLE_MANAGE):
            raise PermissionDenied(_("You may not register people."))
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["home_unit"] = (
            orgunit_list_where(self.actor, Capability.PEOPLE_MANAGE).filter(pk=data["home_unit"]).first()
        )
        if data["home_unit"] is None:
            raise ValidationError(
                {"home_unit": [_("Choose a community, compound or building where you may register people.")]}
            )
        # A retry with the same Idempotency-Key gets the person the first request registered.
        outcome = run_once(
            owner_id=request.user.pk,
            key=key_from_request(request._request),
            fingerprint=fingerprint(request, request.data),
            work=lambda: person_register(actor=self.actor, **data),
        )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
        person = outcome.value or access_person_by_id(self.actor, int(outcome.target_id))
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED, headers=headers)


class PersonDetailApi(ActorMixin, APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request: Request, person_id: int) -> Response:
        return Response(PersonSerializer(access_person_by_id(self.actor, person_id)).data)


class PersonRevealApi(ActorMixin, APIView):
    @extend_schema(request=RevealRequestSerializer, responses=RevealResponseSerializer)
    def post(self, request: Request, person_id: int) -> Response:
        person = access_person_by_id(self.actor, person_id)
        serializer = RevealRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        return Response({"field": field, "value": person_reveal(actor=self.actor, person=person, field=field)})
