"""REST endpoints for the tree and people (read, register, audited reveal) and `/me/`."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.api import IDEMPOTENCY_PARAMETER
from mulin.core.concurrency import parse_version
from mulin.core.idempotency import REPLAYED_HEADER, fingerprint, key_from_request, run_once
from mulin.organizations.administration import (
    account_open,
    account_password_reset,
    person_set_active,
    role_appoint,
    role_remove,
)
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.permissions import (
    access_orgunit_by_id,
    access_person_by_id,
    access_role_assignment_by_id,
    can_administer_person,
    ensure_can_appoint_role,
    roles_grantable_by,
)
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import orgunit_list_visible_to, orgunit_list_where, person_roles, person_search
from mulin.organizations.serializers import (
    MeSerializer,
    OneTimeCodeSerializer,
    OrgUnitSerializer,
    PartyMembershipRequestSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    PersonUpdateRequestSerializer,
    RevealRequestSerializer,
    RevealResponseSerializer,
    RoleAppointRequestSerializer,
    RoleChoiceSerializer,
    RoleRemoveRequestSerializer,
    RoleSerializer,
    VersionRequestSerializer,
    VolunteerProfileRequestSerializer,
)
from mulin.organizations.services import (
    party_membership_set,
    person_register,
    person_reveal,
    person_update,
    volunteer_profile_set,
)


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


ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="You may see this person but not change them."),
    404: OpenApiResponse(description="No such person, or not visible to you."),
    409: OpenApiResponse(description="Someone saved the record since you read it (version); nothing was changed."),
}


def _managed_person(actor: Actor, person_id: int) -> Person:
    """404 when the caller cannot see the person, 403 when they see but may not change them."""
    person = access_person_by_id(actor, person_id)
    if not can_administer_person(actor, person):
        raise PermissionDenied(_("You may not change this person's record."))
    return person


def _fresh(actor: Actor, person: Person) -> dict[str, Any]:
    return PersonSerializer(access_person_by_id(actor, person.pk)).data


class PersonDetailApi(ActorMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="people_get", responses={200: PersonSerializer, 404: ERRORS[404]})
    def get(self, request: Request, person_id: int) -> Response:
        return Response(PersonSerializer(access_person_by_id(self.actor, person_id)).data)

    @extend_schema(
        operation_id="people_update",
        summary="Correct a person's record",
        request=PersonUpdateRequestSerializer,
        responses={200: PersonSerializer, **ERRORS},
    )
    def patch(self, request: Request, person_id: int) -> Response:
        person = _managed_person(self.actor, person_id)
        serializer = PersonUpdateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = parse_version(changes.pop("version"))
        if "home_unit" in changes:
            changes["home_unit"] = (
                orgunit_list_where(self.actor, Capability.PEOPLE_MANAGE).filter(pk=changes["home_unit"]).first()
            )
            if changes["home_unit"] is None:
                raise ValidationError(
                    {"home_unit": [_("Choose a community, compound or building where you may register people.")]}
                )
        person_update(actor=self.actor, person=person, expected_version=version, **changes)
        return Response(_fresh(self.actor, person))


def _set_active_api(active: bool) -> type[APIView]:
    verb = "reactivate" if active else "deactivate"

    class PersonSetActiveApi(ActorMixin, APIView):
        parser_classes = [JSONParser]

        @extend_schema(
            operation_id=f"people_{verb}",
            summary=(
                "Make a deactivated person active again (and their account)"
                if active
                else "Deactivate a person; their account can no longer sign in"
            ),
            request=VersionRequestSerializer,
            responses={200: PersonSerializer, **ERRORS},
        )
        def post(self, request: Request, person_id: int) -> Response:
            person = _managed_person(self.actor, person_id)
            serializer = VersionRequestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            version = parse_version(serializer.validated_data.get("version"))
            person_set_active(actor=self.actor, person=person, active=active, expected_version=version)
            return Response(_fresh(self.actor, person))

    PersonSetActiveApi.__name__ = PersonSetActiveApi.__qualname__ = f"Person{verb.capitalize()}Api"
    return PersonSetActiveApi


PersonDeactivateApi = _set_active_api(False)
PersonReactivateApi = _set_active_api(True)


class PersonPartyMembershipApi(ActorMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="people_party_membership_set",
        summary="Record or correct a person's party branch and status",
        request=PartyMembershipRequestSerializer,
        responses={200: PersonSerializer, **ERRORS},
    )
    def put(self, request: Request, person_id: int) -> Response:
        person = _managed_person(self.actor, person_id)
        serializer = PartyMembershipRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        branch = orgunit_list_where(self.actor, Capability.PEOPLE_MANAGE).filter(pk=data["branch"]).first()
        if branch is None:
            raise ValidationError({"branch": [_("Choose a party branch where you may manage people.")]})
        party_membership_set(
            actor=self.actor, person=person, branch=branch, status=data["status"], joined_on=data.get("joined_on")
        )
        return Response(_fresh(self.actor, person))


class PersonVolunteerProfileApi(ActorMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="people_volunteer_profile_set",
        summary="Record what a volunteer offers and when",
        request=VolunteerProfileRequestSerializer,
        responses={200: PersonSerializer, **ERRORS},
    )
    def put(self, request: Request, person_id: int) -> Response:
        person = _managed_person(self.actor, person_id)
        serializer = VolunteerProfileRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer_profile_set(actor=self.actor, person=person, **serializer.validated_data)
        return Response(_fresh(self.actor, person))


class PersonRevealApi(ActorMixin, APIView):
    @extend_schema(request=RevealRequestSerializer, responses=RevealResponseSerializer)
    def post(self, request: Request, person_id: int) -> Response:
        person = access_person_by_id(self.actor, person_id)
        serializer = RevealRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        return Response({"field": field, "value": person_reveal(actor=self.actor, person=person, field=field)})


class PersonRolesApi(ActorMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="people_roles_list",
        summary="A person's roles",
        responses={200: RoleSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, person_id: int) -> Response:
        person = access_person_by_id(self.actor, person_id)
        return Response(RoleSerializer(person_roles(person), many=True).data)

    @extend_schema(
        operation_id="people_roles_appoint",
        summary="Appoint a person to a role at a unit; the person is told",
        request=RoleAppointRequestSerializer,
        responses={
            201: RoleSerializer,
            400: ERRORS[400],
            403: OpenApiResponse(description="You may not grant this role there."),
            404: ERRORS[404],
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = access_person_by_id(self.actor, person_id)
        if not roles_grantable_by(self.actor):
            raise PermissionDenied(_("You may not appoint roles."))
        serializer = RoleAppointRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ensure_can_appoint_role(self.actor, serializer.validated_data["role"])
        unit = orgunit_list_visible_to(self.actor).filter(pk=serializer.validated_data["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": [_("Choose a unit you can see.")]})
        assignment = role_appoint(actor=self.actor, person=person, role=serializer.validated_data["role"], unit=unit)
        return Response(RoleSerializer(assignment).data, status=status.HTTP_201_CREATED)


class PersonRoleRemoveApi(ActorMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="people_roles_remove",
        summary="Remove one of a person's roles (its `id` from the list); the person is told",
        request=RoleRemoveRequestSerializer,
        responses={
            204: None,
            400: ERRORS[400],
            403: OpenApiResponse(description="You may not remove this role."),
            404: OpenApiResponse(description="No such person or role, or not visible to you."),
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = access_person_by_id(self.actor, person_id)
        serializer = RoleRemoveRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = access_role_assignment_by_id(self.actor, person, serializer.validated_data["assignment"])
        role_remove(actor=self.actor, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roles_list",
        summary="The roles, the kinds of unit each is held at, and whether you may appoint to it",
        responses={200: RoleChoiceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        grantable = set(roles_grantable_by(self.actor))
        rows = [
            {
                "code": role,
                "name": Role(role).label,
                "unit_kinds": sorted(spec.unit_kinds),
                "grantable": role in grantable,
            }
            for role, spec in ROLE_SPECS.items()
        ]
        return Response(RoleChoiceSerializer(rows, many=True).data)


def _code_api(opening: bool) -> type[APIView]:
    class PersonCodeApi(ActorMixin, APIView):
        @extend_schema(
            operation_id="people_account_open" if opening else "people_password_reset",
            summary=(
                "Give a person a sign-in account with a one-time code"
                if opening
                else "Replace a person's password with a one-time code"
            ),
            description="The code signs in once within 72 hours; the person then chooses a password.",
            request=None,
            responses={
                201 if opening else 200: OneTimeCodeSerializer,
                400: ERRORS[400],
                403: OpenApiResponse(description="You may not give this person a sign-in code."),
                404: ERRORS[404],
                **({409: OpenApiResponse(description="The person already has an account.")} if opening else {}),
            },
        )
        def post(self, request: Request, person_id: int) -> Response:
            person = access_person_by_id(self.actor, person_id)
            service = account_open if opening else account_password_reset
            issued = service(actor=self.actor, person=person)
            return Response(
                OneTimeCodeSerializer(issued).data,
                status=status.HTTP_201_CREATED if opening else status.HTTP_200_OK,
                headers={"Cache-Control": "no-store"},
            )

    PersonCodeApi.__name__ = PersonCodeApi.__qualname__ = "AccountOpenApi" if opening else "PasswordResetApi"
    return PersonCodeApi


AccountOpenApi = _code_api(True)
PasswordResetApi = _code_api(False)
