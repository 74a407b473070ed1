"""Leave (请假) and swap (换班) requests: the person on duty asks, an organiser decides. Approving
changes the roster in one transaction: the places are freed and retaken with the same locks as a
sign-up, so an approval that would double-book someone changes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_belongs_to
from mulin.rosters.models import Assignment, DutyRequest
from mulin.rosters.permissions import (
    ensure_can_decide_request,
    ensure_can_request_change,
    ensure_can_withdraw_request,
)
from mulin.rosters.services.common import audit, clean_text, notify
from mulin.rosters.services.duty import _ensure_can_stand, _take_place
from mulin.rosters.services.setup import shift_capacity_bump
from mulin.rosters.transitions import transition

K = DutyRequest.Kind


def _open(assignment: Assignment) -> None:
    if assignment.status != Assignment.Status.ASSIGNED or assignment.starts_at <= timezone.now():
        raise StateConflict(_("Only duty that has not started yet can be changed."), code="duty_not_open")


def _create(actor: Actor, assignment: Assignment, kind: str, reason: str, **extra: object) -> DutyRequest:
    shift = assignment.shift
    try:
        with transaction.atomic():
            request = DutyRequest.objects.create(
                kind=kind,
                assignment=assignment,
                requester=assignment.person,
                community=shift.community,
                scope_path=shift.scope_path,
                reason=clean_text(reason, field="reason", max_length=200),
                **extra,
            )
    except IntegrityError:
        raise StateConflict(_("There is already a request for this duty."), code="request_pending") from None
    audit(f"{kind}_requested", actor, request, shift.scope_path)
    return request


@transaction.atomic
def duty_request_leave(*, actor: Actor, assignment: Assignment, reason: str = "") -> DutyRequest:
    """Ask to be released from a shift that has not started."""
    ensure_can_request_change(actor, assignment)
    _open(assignment)
    return _create(actor, assignment, K.LEAVE, reason)


@transaction.atomic
def duty_request_swap(
    *,
    actor: Actor,
    assignment: Assignment,
    substitute: Person,
    counterpart: Assignment | None = None,
    reason: str = "",
) -> DutyRequest:
    """Ask to hand a shift to `substitute` (of the same community), optionally taking one of
    their shifts (`counterpart`) in exchange."""
    ensure_can_request_change(actor, assignment)
    _open(assignment)
    if substitute.pk == assignment.person_id:
        raise ValidationError({"substitute": [_("Choose someone else to take the shift.")]})
    if not person_belongs_to(substitute, assignment.shift.community):
        raise ValidationError({"substitute": [_("Only people of this community can stand duty on its roster.")]})
    if counterpart is not None:
        if counterpart.person_id != substitute.pk or counterpart.shift.community_id != assignment.shift.community_id:
            raise ValidationError({"counterpart": [_("Choose one of the substitute's shifts in this community.")]})
        _open(counterpart)
    return _create(actor, assignment, K.SWAP, reason, substitute=substitute, counterpart=counterpart)


def _release(assignment: Assignment) -> None:
    transition(assignment, "release", ended_at=timezone.now())
    shift_capacity_bump(assignment.shift_id, -1)


@transaction.atomic
def duty_request_approve(*, actor: Actor, request: DutyRequest, note: str = "") -> DutyRequest:
    """Approve: a leave frees the place (a gap the roster shows); a swap puts the substitute on
    the shift and, for an exchange, the requester on theirs. Refused (nothing changed) if the
    substitute cannot stand then: no pledge, already on duty at that time, or the shift began."""
    ensure_can_decide_request(actor, request)
    assignment = request.assignment
    _open(assignment)
    transition(
        request,
        "approve",
        decided_by=actor.person,
        decided_at=timezone.now(),
        decision_note=clean_text(note, field="note", max_length=200),
    )
    _release(assignment)
    shift = assignment.shift
    if request.kind == K.SWAP:
        substitute = request.substitute
        assert substitute is not None
        counterpart = request.counterpart
        if counterpart is not None:
            _open(counterpart)
            _release(counterpart)
        now = timezone.now()
        _ensure_can_stand(substitute, shift, now=now)
        _take_place(shift, substitute, source=Assignment.Source.SWAP, by=actor.person)
        notify("rosters.swap_taken", [substitute], shift)
        if counterpart is not None:
            _ensure_can_stand(request.requester, counterpart.shift, now=now)
            _take_place(counterpart.shift, request.requester, source=Assignment.Source.SWAP, by=actor.person)
    notify("rosters.request_approved", [request.requester], shift)
    audit(f"{request.kind}_approved", actor, request, request.scope_path)
    return request


@transaction.atomic
def duty_request_decline(*, actor: Actor, request: DutyRequest, note: str = "") -> DutyRequest:
    ensure_can_decide_request(actor, request)
    transition(
        request,
        "decline",
        decided_by=actor.person,
        decided_at=timezone.now(),
        decision_note=clean_text(note, field="note", max_length=200),
    )
    notify("rosters.request_declined", [request.requester], request.assignment.shift)
    audit(f"{request.kind}_declined", actor, request, request.scope_path)
    return request


@transaction.atomic
def duty_request_withdraw(*, actor: Actor, request: DutyRequest) -> DutyRequest:
    ensure_can_withdraw_request(actor, request)
    transition(request, "withdraw", decided_at=timezone.now())
    audit(f"{request.kind}_withdrawn", actor, request, request.scope_path)
    return request
