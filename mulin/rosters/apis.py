"""REST endpoints of duty rosters (/api/v1/duty-points/, /shifts/, /pledges/, /availability/,
/duty-requests/, /rosters/). Thin: validate, call one selector or service, serialise.
Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 the roster cannot take it (full,
overlapping, no pledge, already decided …; nothing changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.middleware import MAX_ID
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit, Person
from mulin.rosters import serializers as ser
from mulin.rosters.models import ACTIVE_ASSIGNMENT_STATUSES, Assignment, DutyAbsence, PledgeSignature
from mulin.rosters.permissions import (
    access_assignment_by_id,
    access_job_by_id,
    access_period_by_id,
    access_point_by_id,
    access_request_by_id,
    access_shift_by_id,
    can_manage_rosters,
)
from mulin.rosters.selectors import (
    absences_of,
    availability_of,
    communities_visible_to,
    job_list_visible_to,
    my_duty,
    period_list_visible_to,
    pledge_wall,
    point_list_visible_to,
    request_list_visible_to,
    shift_list_visible_to,
    signed_up_shift_ids,
)
from mulin.rosters.services import autofill as autofill_services
from mulin.rosters.services import availability as availability_services
from mulin.rosters.services import duty as duty_services
from mulin.rosters.services import pledges as pledge_services
from mulin.rosters.services import requests as request_services
from mulin.rosters.services import setup as setup_services

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such thing, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(description="The roster cannot take this now; nothing changed.")}
MAX_RANGE_DAYS = 31


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name) or ""
    if raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise ValidationError({name: [_("Enter a whole number.")]})
    return int(raw)


def _date_param(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name) or ""
    if raw == "":
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def _community(actor: Any, community_id: int | None) -> OrgUnit | None:
    if community_id is None:
        return None
    community = communities_visible_to(actor).filter(pk=community_id).first()
    if community is None:
        raise Http404
    return community


def _me(actor: Any) -> Person:
    if actor.person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    person: Person = actor.person
    return person


# --- points and shifts ---------------------------------------------------------------------------------


class DutyPointListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_points_list",
        summary="Sorting points (duty points) of the communities whose roster the caller may see",
        parameters=[OpenApiParameter("community", int, description="Community id")],
        responses={200: ser.DutyPointSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        community = _community(self.actor, _int_param(request, "community"))
        points = point_list_visible_to(self.actor, community=community)[:500]
        return Response(ser.DutyPointSerializer(points, many=True).data)


class ShiftListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_shifts_list",
        summary="Shifts between two dates (at most 31 days; default the next 7), optionally of one point",
        parameters=[
            OpenApiParameter("from", dt.date, description="First day (default today)"),
            OpenApiParameter("to", dt.date, description="Last day (default a week after the first)"),
            OpenApiParameter("point", int, description="Duty point id"),
            OpenApiParameter("community", int, description="Community id"),
        ],
        responses={200: ser.ShiftSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        first = _date_param(request, "from", timezone.localdate())
        last = _date_param(request, "to", first + dt.timedelta(days=6))
        if last < first:
            raise ValidationError({"to": [_("The last day cannot be before the first.")]})
        if (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationError({"to": [_("Ask for at most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS}]})
        point_id = _int_param(request, "point")
        point = access_point_by_id(self.actor, point_id) if point_id is not None else None
        tz = timezone.get_current_timezone()
        shifts = list(
            shift_list_visible_to(
                self.actor,
                community=_community(self.actor, _int_param(request, "community")),
                point=point,
                start=dt.datetime.combine(first, dt.time.min, tzinfo=tz),
                end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
            )[:2000]
        )
        mine = signed_up_shift_ids(self.actor.person, [s.pk for s in shifts])
        return Response(ser.ShiftSerializer(shifts, many=True, context={"mine": mine}).data)


class ShiftSignupApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_shift_signup",
        summary="Sign up for a shift (a party member or volunteer of its community who signed the pledge)",
        request=None,
        responses={201: ser.AssignmentSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, shift_id: int) -> Response:
        shift = access_shift_by_id(self.actor, shift_id)
        assignment = duty_services.shift_sign_up(actor=self.actor, shift=shift)
        return Response(ser.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="rosters_shift_withdraw",
        summary="Take oneself off a shift before it starts",
        request=None,
        responses={200: ser.AssignmentSerializer, **ERRORS, **CONFLICT},
    )
    def delete(self, request: Request, shift_id: int) -> Response:
        shift = access_shift_by_id(self.actor, shift_id)
        assignment = Assignment.objects.filter(
            shift=shift, person=_me(self.actor), status__in=ACTIVE_ASSIGNMENT_STATUSES
        ).first()
        if assignment is None:
            raise Http404
        assignment = duty_services.assignment_withdraw(actor=self.actor, assignment=assignment)
        return Response(ser.AssignmentSerializer(assignment).data)


class ShiftAssignApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_shift_assign",
        summary="Put a person of the shift's community on it (organisers); they are told",
        request=ser.AssignSerializer,
        responses={201: ser.AssignmentSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, shift_id: int) -> Response:
        shift = access_shift_by_id(self.actor, shift_id)
        if not can_manage_rosters(self.actor, shift.scope_path):
            raise PermissionDenied(_("Only the community's organisers may change its duty roster."))
        body = ser.AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = Person.objects.filter(pk=body.validated_data["person"], is_active=True).first()
        if person is None:
            raise ValidationError({"person": [_("Only people of this community can stand duty on its roster.")]})
        assignment = duty_services.shift_assign(actor=self.actor, shift=shift, person=person)
        return Response(ser.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ShiftCheckInApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_shift_checkin",
        summary="Check in for one's duty with the code scanned at the point (from 30 minutes before)",
        request=ser.CheckSerializer,
        responses={200: ser.AssignmentSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, shift_id: int) -> Response:
        shift = access_shift_by_id(self.actor, shift_id)
        body = ser.CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = duty_services.shift_check_in_by_code(actor=self.actor, shift=shift, **body.validated_data)
        return Response(ser.AssignmentSerializer(assignment).data)


class ShiftCheckOutApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_shift_checkout",
        summary="Check out with the point's code; the hours served go to the caller's points",
        request=ser.CheckSerializer,
        responses={200: ser.AssignmentSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, shift_id: int) -> Response:
        shift = access_shift_by_id(self.actor, shift_id)
        body = ser.CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = duty_services.shift_check_out_by_code(actor=self.actor, shift=shift, **body.validated_data)
        return Response(ser.AssignmentSerializer(assignment).data)


class MyDutyApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_my_duty",
        summary="The caller's duty: the last two weeks and everything coming",
        responses={200: ser.AssignmentSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        since = timezone.now() - dt.timedelta(days=14)
        rows = my_duty(_me(self.actor), start=since)[:200]
        return Response(ser.AssignmentSerializer(rows, many=True).data)


# --- pledges ---------------------------------------------------------------------------------------------


class PledgeListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_pledges_list",
        summary="The current pledge of each community the caller may see, and whether the caller signed it",
        responses={200: ser.PledgeSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        from mulin.rosters.selectors import pledge_current

        pledges = [p for p in (pledge_current(c) for c in communities_visible_to(self.actor)[:50]) if p is not None]
        signed = dict(
            PledgeSignature.objects.filter(person=self.actor.person, pledge__in=[p.pk for p in pledges]).values_list(
                "pledge_id", "signed_at"
            )
        )
        return Response(ser.PledgeSerializer(pledges, many=True, context={"signed": signed}).data)

    @extend_schema(
        operation_id="rosters_pledges_publish",
        summary="Publish a new version of a community's pledge (organisers)",
        request=ser.PledgePublishSerializer,
        responses={201: ser.PledgeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = ser.PledgePublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        community = _community(self.actor, data.pop("community"))
        assert community is not None
        pledge = pledge_services.pledge_publish(actor=self.actor, community=community, **data)
        return Response(ser.PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)


def _pledge(actor: Any, pledge_id: int) -> Any:
    from mulin.rosters.models import Pledge

    pledge = Pledge.objects.filter(pk=pledge_id).select_related("community").first()
    if pledge is None or not communities_visible_to(actor).filter(pk=pledge.community_id).exists():
        raise Http404
    return pledge


class PledgeSignApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_pledge_sign",
        summary="Sign the community's current pledge (party members and volunteers of the community)",
        request=None,
        responses={201: ser.PledgeSignatureSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, pledge_id: int) -> Response:
        signature = pledge_services.pledge_sign(actor=self.actor, pledge=_pledge(self.actor, pledge_id))
        return Response(ser.PledgeSignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class PledgeWallApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_pledge_wall",
        summary="The public pledge wall of the pledge's community: who signed, newest first",
        responses={200: ser.PledgeSignatureSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pledge_id: int) -> Response:
        pledge = _pledge(self.actor, pledge_id)
        return Response(ser.PledgeSignatureSerializer(pledge_wall(pledge.community), many=True).data)


# --- availability and absences -------------------------------------------------------------------------


class AvailabilityApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_availability_get",
        summary="When the caller can stand duty (no slots: any time)",
        responses={200: ser.AvailabilitySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(ser.AvailabilitySerializer(availability_of(_me(self.actor))).data)

    @extend_schema(
        operation_id="rosters_availability_set",
        summary="Replace when the caller can stand duty, and at most how many shifts a week",
        request=ser.AvailabilitySerializer,
        responses={200: ser.AvailabilitySerializer, **ERRORS},
    )
    def put(self, request: Request) -> Response:
        _me(self.actor)
        body = ser.AvailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        availability = availability_services.availability_set(actor=self.actor, **body.validated_data)
        return Response(ser.AvailabilitySerializer(availability).data)


class AbsenceListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_absences_list",
        summary="Dates the caller is away (today on)",
        responses={200: ser.AbsenceSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = absences_of(_me(self.actor), from_date=timezone.localdate())[:100]
        return Response(ser.AbsenceSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="rosters_absences_add",
        summary="Say the caller is away for some dates: no duty then, and auto-fill leaves them out",
        request=ser.AbsenceSerializer,
        responses={201: ser.AbsenceSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        _me(self.actor)
        body = ser.AbsenceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        absence = availability_services.absence_add(actor=self.actor, **body.validated_data)
        return Response(ser.AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_absences_remove",
        summary="Remove one of the caller's absences",
        request=None,
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, absence_id: int) -> Response:
        absence = DutyAbsence.objects.filter(pk=absence_id, person=_me(self.actor)).first()
        if absence is None:
            raise Http404
        availability_services.absence_remove(actor=self.actor, absence=absence)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- leave and swap requests ---------------------------------------------------------------------------


class DutyRequestListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_requests_list",
        summary="The caller's leave and swap requests, and those of the rosters they organise",
        parameters=[OpenApiParameter("status", str, enum=["pending", "approved", "declined", "withdrawn"])],
        responses={200: ser.DutyRequestSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = request_list_visible_to(self.actor)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in {"pending", "approved", "declined", "withdrawn"}:
                raise ValidationError({"status": [_("Unknown status.")]})
            rows = rows.filter(status=wanted)
        rows = rows.select_related("assignment__shift__point__compound").order_by("-created_at", "-id")[:200]
        return Response(ser.DutyRequestSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="rosters_requests_create",
        summary="Ask for leave from one's duty, or to hand it to someone (a swap)",
        request=ser.DutyRequestCreateSerializer,
        responses={201: ser.DutyRequestSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        body = ser.DutyRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assignment = access_assignment_by_id(self.actor, data["assignment"])
        if data["kind"] == "leave":
            made = request_services.duty_request_leave(actor=self.actor, assignment=assignment, reason=data["reason"])
        else:
            if not data.get("substitute"):
                raise ValidationError({"substitute": [_("Choose who takes the shift.")]})
            substitute = Person.objects.filter(pk=data["substitute"], is_active=True).first()
            if substitute is None:
                raise ValidationError(
                    {"substitute": [_("Only people of this community can stand duty on its roster.")]}
                )
            counterpart = None
            if data.get("counterpart"):
                counterpart = Assignment.objects.filter(pk=data["counterpart"]).select_related("shift").first()
                if counterpart is None:
                    raise ValidationError(
                        {"counterpart": [_("Choose one of the substitute's shifts in this community.")]}
                    )
            made = request_services.duty_request_swap(
                actor=self.actor,
                assignment=assignment,
                substitute=substitute,
                counterpart=counterpart,
                reason=data["reason"],
            )
        return Response(ser.DutyRequestSerializer(made).data, status=status.HTTP_201_CREATED)


def _decision_view(action: str, summary: str, service: Any, takes_note: bool = True) -> type[APIView]:
    request_shape = ser.DecisionSerializer if takes_note else None

    class DecisionApi(ActorMixin, APIView):
        @extend_schema(
            operation_id=f"rosters_requests_{action}",
            summary=summary,
            request=request_shape,
            responses={200: ser.DutyRequestSerializer, **ERRORS, **CONFLICT},
        )
        def post(self, request: Request, request_id: int) -> Response:
            duty_request = access_request_by_id(self.actor, request_id)
            kwargs: dict[str, Any] = {}
            if takes_note:
                body = ser.DecisionSerializer(data=request.data)
                body.is_valid(raise_exception=True)
                kwargs["note"] = body.validated_data["note"]
            done = service(actor=self.actor, request=duty_request, **kwargs)
            return Response(ser.DutyRequestSerializer(done).data)

    DecisionApi.__name__ = DecisionApi.__qualname__ = f"DutyRequest{action.title()}Api"
    return DecisionApi


DutyRequestApproveApi = _decision_view(
    "approve", "Approve a leave or swap request (organisers); the roster changes", request_services.duty_request_approve
)
DutyRequestDeclineApi = _decision_view(
    "decline", "Decline a leave or swap request (organisers)", request_services.duty_request_decline
)
DutyRequestWithdrawApi = _decision_view(
    "withdraw", "Withdraw one's own pending request", request_services.duty_request_withdraw, takes_note=False
)


# --- roster periods and auto-fill ---------------------------------------------------------------------


class RosterListApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_periods_list",
        summary="Roster periods (weeks and months) of the communities whose roster the caller may see",
        parameters=[OpenApiParameter("community", int, description="Community id")],
        responses={200: ser.RosterPeriodSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        community = _community(self.actor, _int_param(request, "community"))
        periods = period_list_visible_to(self.actor, community=community)[:100]
        return Response(ser.RosterPeriodSerializer(periods, many=True).data)

    @extend_schema(
        operation_id="rosters_periods_generate",
        summary="Generate a week's or a month's roster from the points' weekly shifts (organisers)",
        request=ser.RosterGenerateSerializer,
        responses={201: ser.RosterPeriodSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        body = ser.RosterGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        community = _community(self.actor, data.pop("community"))
        assert community is not None
        period = setup_services.period_generate(actor=self.actor, community=community, **data)
        return Response(ser.RosterPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class AutofillStartApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_autofill",
        summary=(
            "Start an auto-fill of the period (organisers): a background job; read its status, progress and "
            "proposal at /rosters/autofill-jobs/{id}/"
        ),
        request=ser.AutofillRequestSerializer,
        responses={202: ser.AutofillJobSerializer, **ERRORS},
    )
    def post(self, request: Request, period_id: int) -> Response:
        period = access_period_by_id(self.actor, period_id)
        body = ser.AutofillRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = autofill_services.autofill_start(actor=self.actor, period=period, **body.validated_data)
        return Response(ser.AutofillJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class AutofillJobApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_autofill_job",
        summary="An auto-fill run: status, progress, then the proposal, the gaps and why, fairness beside greedy",
        responses={200: ser.AutofillJobSerializer, **ERRORS},
    )
    def get(self, request: Request, job_id: int) -> Response:
        return Response(ser.AutofillJobSerializer(access_job_by_id(self.actor, job_id)).data)


class AutofillApplyApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="rosters_apply",
        summary="Apply a finished auto-fill to the roster (organisers); the people placed are told",
        request=ser.AutofillApplySerializer,
        responses={200: ser.AutofillOutcomeSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, period_id: int) -> Response:
        period = access_period_by_id(self.actor, period_id)
        body = ser.AutofillApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        jobs = job_list_visible_to(self.actor).filter(period=period)
        if body.validated_data.get("job"):
            job = jobs.filter(pk=body.validated_data["job"]).first()
        else:
            if not can_manage_rosters(self.actor, period.scope_path):
                raise PermissionDenied(_("Only the community's organisers may change its duty roster."))
            job = jobs.filter(status="done").order_by("-id").first()
        if job is None:
            raise ValidationError({"job": [_("There is no finished auto-fill of this roster to apply.")]})
        outcome = autofill_services.autofill_apply(actor=self.actor, job=job)
        job.refresh_from_db()
        return Response({**outcome, "job": ser.AutofillJobSerializer(job).data})
