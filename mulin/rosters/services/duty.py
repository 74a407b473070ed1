"""Standing duty: signing up, being assigned, withdrawing, checking in and out (by the point's
code or ticked by its leader), no-shows, and hours credited to the points ledger.

Two locks keep the roster honest whoever acts at the same moment:
- a place is taken with a conditional UPDATE (`filled < headcount`), so a shift never takes more
  people than it needs;
- one person's active duties never overlap: PostgreSQL's exclusion constraint and SQLite's
  trigger refuse the second (migration 0002); the check before it only gives the refusal words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.qrcodes import QrCodeRefused, qr_ticket_check, qr_token, qr_token_check
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.points.services import points_award
from mulin.rosters.defaults import SERVED_EVENT
from mulin.rosters.models import ACTIVE_ASSIGNMENT_STATUSES, Assignment, DutyAbsence, PledgeSignature, Shift
from mulin.rosters.permissions import (
    ensure_can_assign,
    ensure_can_check_in,
    ensure_can_take_duty,
    ensure_can_tick,
    ensure_can_withdraw,
)
from mulin.rosters.services.common import audit, notify
from mulin.rosters.services.setup import shift_capacity_bump
from mulin.rosters.transitions import transition

S = Assignment.Status
CHECK_IN_OPENS = dt.timedelta(minutes=30)  # before the start
LATE_AFTER = dt.timedelta(minutes=5)
AUTO_CLOSE_AFTER = dt.timedelta(hours=1)  # a forgotten check-out is closed at the shift's end


class DutyRefused(StateConflict):
    """The roster cannot take this person on this shift (full, overlapping, no pledge …)."""


@contextmanager
def guarded() -> Iterator[None]:
    """Turn the database's refusal of a double booking into a message (inside a savepoint)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        text = str(exc)
        if "assignment_no_overlap" in text:
            raise DutyRefused(
                _("This person already stands duty somewhere else at that time."), code="overlap"
            ) from exc
        if "assignment_once_per_shift" in text or "rosters_assignment.shift_id" in text:
            raise DutyRefused(_("This person is already on this shift."), code="already_on_shift") from exc
        raise


def has_signed_pledge(person: Person, community_id: int) -> bool:
    return PledgeSignature.objects.filter(person=person, community_id=community_id).exists()


def _ensure_can_stand(person: Person, shift: Shift, *, now: dt.datetime) -> None:
    if shift.status != Shift.Status.SCHEDULED:
        raise DutyRefused(_("This shift is cancelled."), code="shift_cancelled")
    if shift.starts_at <= now:
        raise DutyRefused(_("This shift has already started."), code="shift_started")
    if not has_signed_pledge(person, shift.community_id):
        raise DutyRefused(_("Sign the community's responsibility pledge before taking duty."), code="pledge_missing")
    if Assignment.objects.filter(shift=shift, person=person, status__in=ACTIVE_ASSIGNMENT_STATUSES).exists():
        raise DutyRefused(_("This person is already on this shift."), code="already_on_shift")
    if Assignment.objects.filter(
        person=person, status__in=ACTIVE_ASSIGNMENT_STATUSES, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
    ).exists():
        raise DutyRefused(_("This person already stands duty somewhere else at that time."), code="overlap")


def _take_place(shift: Shift, person: Person, *, source: str, by: Person | None) -> Assignment:
    """Take one place and write the assignment; both or neither (call inside a transaction)."""
    if not shift_capacity_bump(shift.pk, 1):
        raise DutyRefused(_("This shift already has everyone it needs."), code="shift_full")
    with guarded():
        return Assignment.objects.create(
            shift=shift, person=person, starts_at=shift.starts_at, ends_at=shift.ends_at, source=source, assigned_by=by
        )


@transaction.atomic
def shift_sign_up(*, actor: Actor, shift: Shift) -> Assignment:
    """Put oneself on a shift of one's community.

    Raise PermissionDenied unless the actor is a party member or volunteer of the community;
    DutyRefused (409) for a cancelled, started or full shift, without a signed pledge, or when
    the actor already stands duty at that time. Nothing changes on a refusal.
    """
    ensure_can_take_duty(actor, shift.community)
    person = actor.person
    assert person is not None
    _ensure_can_stand(person, shift, now=timezone.now())
    assignment = _take_place(shift, person, source=Assignment.Source.SIGNUP, by=person)
    audit("signed_up", actor, assignment, shift.scope_path, shift=shift.pk)
    return assignment


@transaction.atomic
def shift_assign(
    *, actor: Actor, shift: Shift, person: Person, source: str = Assignment.Source.ORGANISER
) -> Assignment:
    """An organiser puts a person of the community on a shift and tells them.

    Raise PermissionDenied outside the organiser's community or for a person of another
    community; DutyRefused as for signing up, and when the person said they are away that day.
    """
    ensure_can_assign(actor, shift, person)
    _ensure_can_stand(person, shift, now=timezone.now())
    day = timezone.localtime(shift.starts_at).date()
    if DutyAbsence.objects.filter(person=person, starts_on__lte=day, ends_on__gte=day).exists():
        raise DutyRefused(_("This person said they are away that day."), code="away")
    assignment = _take_place(shift, person, source=source, by=actor.person)
    audit("assigned", actor, assignment, shift.scope_path, shift=shift.pk, person=person.pk)
    notify("rosters.assigned", [person], shift)
    return assignment


@transaction.atomic
def assignment_withdraw(*, actor: Actor, assignment: Assignment) -> Assignment:
    """Take a person off a shift before it starts (themselves, or an organiser) and free the place."""
    ensure_can_withdraw(actor, assignment)
    shift = assignment.shift
    is_self = actor.person_id == assignment.person_id
    if is_self and shift.starts_at <= timezone.now():
        raise StateConflict(_("The shift has started; ask the organiser or the point leader."), code="shift_started")
    transition(assignment, "withdraw", ended_at=timezone.now())
    shift_capacity_bump(shift.pk, -1)
    audit("withdrawn", actor, assignment, shift.scope_path, by="self" if is_self else "organiser")
    if not is_self:
        notify("rosters.removed", [assignment.person], shift)
    return assignment


def assignment_for_check_in(person: Person, point_id: int, *, now: dt.datetime | None = None) -> Assignment | None:
    """The person's duty at a point that is open for checking in or out now: from half an hour
    before its start until it is closed."""
    now = now or timezone.now()
    return (
        Assignment.objects.filter(
            person=person,
            shift__point_id=point_id,
            status__in=[S.ASSIGNED, S.CHECKED_IN],
            starts_at__lte=now + CHECK_IN_OPENS,
            ends_at__gte=now - AUTO_CLOSE_AFTER,
        )
        .select_related("shift__point")
        .order_by("starts_at")
        .first()
    )


def _late_minutes(assignment: Assignment, at: dt.datetime) -> int:
    late = at - assignment.starts_at
    return int(late.total_seconds() // 60) if late > LATE_AFTER else 0


@transaction.atomic
def shift_check_in(*, actor: Actor, assignment: Assignment, method: str = Assignment.CheckMethod.QR) -> Assignment:
    """Check in for one's own duty at the point (from 30 minutes before the start); lateness is
    recorded in minutes past a five-minute grace."""
    ensure_can_check_in(actor, assignment)
    now = timezone.now()
    if now < assignment.starts_at - CHECK_IN_OPENS:
        raise StateConflict(_("Check-in opens half an hour before the shift."), code="too_early")
    if now > assignment.ends_at:
        raise StateConflict(_("This shift is over."), code="shift_over")
    transition(
        assignment, "check_in", checked_in_at=now, check_in_method=method, late_minutes=_late_minutes(assignment, now)
    )
    audit("checked_in", actor, assignment, assignment.shift.scope_path, method=method)
    return assignment


def served_hours(assignment: Assignment, until: dt.datetime) -> Decimal:
    """Hours on duty within the shift's hours, in tenths: early arrival and late staying do not
    count, late arrival and early leaving do."""
    assert assignment.checked_in_at is not None
    start = max(assignment.checked_in_at, assignment.starts_at)
    end = min(until, assignment.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _credit(assignment: Assignment) -> None:
    shift = assignment.shift
    if not assignment.hours:
        return
    points_award(
        event=SERVED_EVENT,
        person=assignment.person,
        source=assignment,
        occurred_at=assignment.starts_at,
        scope_path=shift.community.path,
        hours=assignment.hours,
        label=f"{shift.point.name} {timezone.localtime(shift.starts_at):%Y-%m-%d %H:%M}",
    )


@transaction.atomic
def shift_check_out(*, actor: Actor, assignment: Assignment, method: str = Assignment.CheckMethod.QR) -> Assignment:
    """Check out after duty; the hours served are credited to the person's points, once."""
    ensure_can_check_in(actor, assignment)
    now = timezone.now()
    if assignment.status == S.CHECKED_IN and now < assignment.starts_at:
        raise StateConflict(_("The shift has not started yet."), code="not_started")
    hours = served_hours(assignment, now) if assignment.checked_in_at else Decimal(0)
    transition(assignment, "check_out", checked_out_at=now, check_out_method=method, hours=hours)
    _credit(assignment)
    audit("checked_out", actor, assignment, assignment.shift.scope_path, hours=str(hours))
    return assignment


@transaction.atomic
def shift_tick(*, actor: Actor, assignment: Assignment, present: bool) -> Assignment:
    """The point leader (or an organiser) ticks someone present (checks them in) or absent (a
    no-show, once the shift has started)."""
    shift = assignment.shift
    ensure_can_tick(actor, shift)
    now = timezone.now()
    if present:
        if now < assignment.starts_at - CHECK_IN_OPENS:
            raise StateConflict(_("Check-in opens half an hour before the shift."), code="too_early")
        at = min(now, assignment.ends_at)
        transition(
            assignment,
            "check_in",
            checked_in_at=at,
            check_in_method=Assignment.CheckMethod.LEADER,
            late_minutes=_late_minutes(assignment, at),
        )
        audit("ticked_present", actor, assignment, shift.scope_path)
        return assignment
    if now < assignment.starts_at:
        raise StateConflict(_("Someone can be marked absent only once the shift has started."), code="not_started")
    transition(assignment, "no_show", ended_at=now)
    audit("ticked_absent", actor, assignment, shift.scope_path)
    return assignment


def duty_close_due(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """The periodic bookkeeping of finished shifts (idempotent; each row changes once):
    people who never checked in are recorded as no-shows, and check-ins left open an hour past
    the end are closed with the hours up to the end, and credited."""
    now = now or timezone.now()
    no_shows = Assignment.objects.filter(status=S.ASSIGNED, ends_at__lt=now).update(status=S.NO_SHOW, ended_at=now)
    closed = 0
    for assignment in (
        Assignment.objects.filter(status=S.CHECKED_IN, ends_at__lt=now - AUTO_CLOSE_AFTER)
        .select_related("shift__point", "shift__community", "person")
        .order_by("id")[:batch]
    ):
        with transaction.atomic():
            hours = served_hours(assignment, assignment.ends_at)
            try:
                transition(
                    assignment,
                    "close",
                    checked_out_at=assignment.ends_at,
                    check_out_method=Assignment.CheckMethod.AUTO,
                    hours=hours,
                )
            except StateConflict:
                continue  # checked out meanwhile
            _credit(assignment)
            closed += 1
    return {"no_shows": no_shows, "closed": closed}


# --- at the point: the scanned code ------------------------------------------------------------------

POINT_QR_PURPOSE = "rosters.point"


def point_code(point_id: int) -> str:
    """The rotating code the point leader's (or an organiser's) phone shows at the point."""
    return qr_token(POINT_QR_PURPOSE, point_id)


def _own_duty_on(actor: Actor, shift: Shift) -> Assignment:
    assignment = (
        Assignment.objects.filter(shift=shift, person=actor.person, status__in=[S.ASSIGNED, S.CHECKED_IN])
        .select_related("shift__point", "shift__community", "person")
        .first()
    )
    if assignment is None:
        raise StateConflict(_("You are not on duty on this shift."), code="not_on_shift")
    return assignment


def _check_code(code: str, shift: Shift) -> None:
    """The scanned code (or a ticket it was exchanged for) must be this point's."""
    try:
        qr_token_check(code, purpose=POINT_QR_PURPOSE, object_id=shift.point_id)
    except QrCodeRefused as refused:
        try:
            qr_ticket_check(code, purpose=POINT_QR_PURPOSE, object_id=shift.point_id)
        except QrCodeRefused:
            raise refused from None


def shift_check_in_by_code(*, actor: Actor, shift: Shift, code: str) -> Assignment:
    """Check in for one's duty on `shift` with the code scanned at its point (QrCodeRefused, 400,
    for a stale or foreign code; StateConflict when the actor is not on the shift)."""
    _check_code(code, shift)
    return shift_check_in(actor=actor, assignment=_own_duty_on(actor, shift), method=Assignment.CheckMethod.QR)


def shift_check_out_by_code(*, actor: Actor, shift: Shift, code: str) -> Assignment:
    """Check out with the point's code; the hours are credited to the points ledger."""
    _check_code(code, shift)
    return shift_check_out(actor=actor, assignment=_own_duty_on(actor, shift), method=Assignment.CheckMethod.QR)
