"""Taking duty: pledges, sign-up, assignment, overlap and capacity, check-in and out, hours."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import actor
from mulin.points.models import LedgerEntry
from mulin.rosters.models import Assignment, PledgeSignature, Shift
from mulin.rosters.services.duty import (
    assignment_withdraw,
    duty_close_due,
    shift_assign,
    shift_check_in,
    shift_check_out,
    shift_sign_up,
    shift_tick,
)
from mulin.rosters.services.pledges import pledge_publish, pledge_sign
from mulin.rosters.services.setup import point_update, shift_change
from mulin.rosters.tests.factories import local, make_week, shift_at, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(duty):  # type: ignore[no-untyped-def]
    return make_week(duty.street.cuiyu)


def _snapshot(shift: Shift) -> tuple[int, int, int]:
    shift.refresh_from_db()
    return shift.filled, Assignment.objects.filter(shift=shift).count(), AuditEvent.objects.count()


# --- pledges ------------------------------------------------------------------------------------


def test_signing_the_pledge_records_time_and_version_and_shows_on_the_wall(duty):
    signature = sign(duty.member, duty.pledge)

    assert (signature.pledge.version, signature.community) == (1, duty.street.cuiyu)
    assert signature.is_party_member is True
    assert signature.public_name == "吴**"  # masked: the person has not chosen to show their name


def test_the_same_version_cannot_be_signed_twice_and_an_old_one_not_at_all(duty):
    sign(duty.volunteer, duty.pledge)
    with pytest.raises(StateConflict) as twice:
        sign(duty.volunteer, duty.pledge)
    pledge_publish(actor=actor(duty.cuiyu_worker), community=duty.street.cuiyu, title="保证书", body="新版本")
    with pytest.raises(StateConflict) as outdated:
        sign(duty.member, duty.pledge)

    assert (twice.value.code, outdated.value.code) == ("pledge_already_signed", "pledge_outdated")
    assert PledgeSignature.objects.count() == 1


def test_a_plain_resident_and_a_nanyuan_volunteer_cannot_sign_cuiyus_pledge(duty):
    for person in (duty.resident, duty.nanyuan_volunteer):
        with pytest.raises(PermissionDenied):
            pledge_sign(actor=actor(person), pledge=duty.pledge)

    assert PledgeSignature.objects.count() == 0


# --- sign-up and assignment ----------------------------------------------------------------------


def test_without_a_signed_pledge_nobody_takes_duty(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    before = _snapshot(shift)

    with pytest.raises(StateConflict) as by_self:
        shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    with pytest.raises(StateConflict) as by_organiser:
        shift_assign(actor=actor(duty.cuiyu_worker), shift=shift, person=duty.member)

    assert (by_self.value.code, by_organiser.value.code) == ("pledge_missing", "pledge_missing")
    assert _snapshot(shift) == before


def test_signing_up_takes_one_place(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)

    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift)

    shift.refresh_from_db()
    assert (shift.filled, assignment.status, assignment.source) == (1, "assigned", "signup")
    assert (assignment.starts_at, assignment.ends_at) == (shift.starts_at, shift.ends_at)


def test_two_overlapping_shifts_the_second_is_refused_and_nothing_changes(duty, week):
    first, second = shift_at(duty.point, week.starts_on, 7), shift_at(duty.point2, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=first)
    before = _snapshot(second)

    with pytest.raises(StateConflict) as refused:
        shift_sign_up(actor=actor(duty.volunteer), shift=second)

    assert refused.value.code == "overlap"
    assert _snapshot(second) == before


@pytest.mark.parametrize("status", ["assigned", "checked_in", "completed"])
def test_the_database_itself_refuses_a_double_booking(duty, week, status):
    first, second = shift_at(duty.point, week.starts_on, 7), shift_at(duty.point2, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=first)
    extra = {"checked_in_at": first.starts_at} if status != "assigned" else {}
    if status == "completed":
        extra.update(checked_out_at=first.ends_at, hours=Decimal("1.5"))
    Assignment.objects.filter(shift=first).update(status=status, **extra)

    with pytest.raises(IntegrityError, match="assignment_no_overlap"), transaction.atomic():
        Assignment.objects.create(
            shift=second, person=duty.volunteer, starts_at=second.starts_at, ends_at=second.ends_at, source="signup"
        )


def test_a_released_duty_no_longer_blocks_the_time(duty, week):
    first, second = shift_at(duty.point, week.starts_on, 7), shift_at(duty.point2, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=first)
    assignment_withdraw(actor=actor(duty.volunteer), assignment=assignment)

    shift_sign_up(actor=actor(duty.volunteer), shift=second)

    first.refresh_from_db()
    assert first.filled == 0
    assert Assignment.objects.get(shift=first).status == "cancelled"


def test_morning_and_evening_of_the_same_day_are_fine(duty, week):
    sign(duty.member, duty.pledge)

    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, week.starts_on, 7))
    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, week.starts_on, 18))

    assert Assignment.objects.filter(person=duty.member).count() == 2


def test_a_full_shift_takes_nobody_more(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    shift_change(actor=actor(duty.cuiyu_worker), shift=shift, headcount=1)
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    before = _snapshot(shift)

    with pytest.raises(StateConflict) as refused:
        shift_sign_up(actor=actor(duty.member), shift=shift)

    assert refused.value.code == "shift_full"
    assert _snapshot(shift) == before


def test_a_cuiyu_organiser_cannot_assign_a_nanyuan_resident(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    before = _snapshot(shift)

    with pytest.raises(PermissionDenied, match="Only people of this community"):
        shift_assign(actor=actor(duty.cuiyu_worker), shift=shift, person=duty.nanyuan_volunteer)

    assert _snapshot(shift) == before


def test_a_nanyuan_organiser_cannot_touch_cuiyus_roster(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)

    with pytest.raises(PermissionDenied):
        shift_assign(actor=actor(duty.nanyuan_worker), shift=shift, person=duty.volunteer)
    with pytest.raises(PermissionDenied):
        shift_sign_up(actor=actor(duty.nanyuan_volunteer), shift=shift)

    shift.refresh_from_db()
    assert shift.filled == 0


def test_an_organiser_assigns_and_the_person_is_told(duty, week):
    shift = shift_at(duty.point, week.starts_on, 18)
    sign(duty.member, duty.pledge)

    assignment = shift_assign(actor=actor(duty.cuiyu_worker), shift=shift, person=duty.member)

    assert (assignment.source, assignment.assigned_by) == ("organiser", duty.cuiyu_worker)
    note = duty.member.notifications.get(kind="rosters.assigned")
    assert note.params == {"point": "集翠源1号投放点", "date": f"{week.starts_on:%Y-%m-%d}", "time": "18:00–20:30"}


# --- on site --------------------------------------------------------------------------------------


def test_check_in_and_out_credits_the_hours_to_the_points_once(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    me = actor(duty.volunteer)

    with time_machine.travel(local(week.starts_on, 6, 55), tick=False):
        shift_check_in(actor=me, assignment=assignment)
    with time_machine.travel(local(week.starts_on, 8, 40), tick=False):
        shift_check_out(actor=me, assignment=assignment)
        with pytest.raises(StateConflict):
            shift_check_out(actor=me, assignment=assignment)

    assignment.refresh_from_db()
    assert (assignment.status, assignment.hours, assignment.late_minutes) == ("completed", Decimal("1.5"), 0)
    entry = LedgerEntry.objects.get(person=duty.volunteer)
    assert (entry.points, entry.hours, entry.account) == (Decimal(5), Decimal("1.5"), "service")
    assert entry.label == f"集翠源1号投放点 {week.starts_on:%Y-%m-%d} 07:00"


def test_a_party_member_also_earns_an_assessment_point_and_lateness_is_recorded(duty, week):
    shift = shift_at(duty.point, week.starts_on, 18)
    sign(duty.member, duty.pledge)
    assignment = shift_sign_up(actor=actor(duty.member), shift=shift)
    me = actor(duty.member)

    with time_machine.travel(local(week.starts_on, 18, 20), tick=False):
        shift_check_in(actor=me, assignment=assignment)
    with time_machine.travel(local(week.starts_on, 20, 0), tick=False):
        shift_check_out(actor=me, assignment=assignment)

    assignment.refresh_from_db()
    assert (assignment.late_minutes, assignment.hours) == (20, Decimal("1.7"))
    assert sorted(LedgerEntry.objects.filter(person=duty.member).values_list("account", "points")) == [
        ("assessment", Decimal(1)),
        ("service", Decimal(5)),
    ]


def test_nobody_checks_in_for_someone_else_or_too_early(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift)

    with pytest.raises(PermissionDenied):
        shift_check_in(actor=actor(duty.member), assignment=assignment)
    with time_machine.travel(local(week.starts_on, 6, 0), tick=False), pytest.raises(StateConflict) as early:
        shift_check_in(actor=actor(duty.volunteer), assignment=assignment)

    assignment.refresh_from_db()
    assert (early.value.code, assignment.status, assignment.checked_in_at) == ("too_early", "assigned", None)


def test_the_point_leader_ticks_present_and_absent(duty, week):
    point_update(actor=actor(duty.cuiyu_worker), point=duty.point, leader=duty.member)
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    absent = shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    present = shift_sign_up(actor=actor(duty.member), shift=shift)
    leader = actor(duty.member)

    with pytest.raises(PermissionDenied):
        shift_tick(actor=actor(duty.volunteer), assignment=present, present=True)
    with time_machine.travel(local(week.starts_on, 7, 10), tick=False):
        shift_tick(actor=leader, assignment=present, present=True)
        shift_tick(actor=leader, assignment=absent, present=False)

    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.status, present.check_in_method, present.late_minutes) == ("checked_in", "leader", 10)
    assert absent.status == "no_show"


def test_the_periodic_job_records_no_shows_and_closes_forgotten_check_outs(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    stayed_away = shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    forgot = shift_sign_up(actor=actor(duty.member), shift=shift)
    with time_machine.travel(local(week.starts_on, 7, 0), tick=False):
        shift_check_in(actor=actor(duty.member), assignment=forgot)

    with time_machine.travel(local(week.starts_on, 10, 0), tick=False):
        first = duty_close_due()
        again = duty_close_due()

    stayed_away.refresh_from_db()
    forgot.refresh_from_db()
    assert (first, again) == ({"no_shows": 1, "closed": 1}, {"no_shows": 0, "closed": 0})
    assert stayed_away.status == "no_show"
    assert (forgot.status, forgot.check_out_method, forgot.hours) == ("completed", "auto", Decimal("1.5"))
    assert LedgerEntry.objects.filter(person=duty.member, account="service").count() == 1


def test_people_withdraw_before_the_start_only(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift)

    with time_machine.travel(local(week.starts_on, 7, 5), tick=False), pytest.raises(StateConflict):
        assignment_withdraw(actor=actor(duty.volunteer), assignment=assignment)

    shift.refresh_from_db()
    assert shift.filled == 1
    assignment_withdraw(actor=actor(duty.cuiyu_worker), assignment=assignment)
    shift.refresh_from_db()
    assert shift.filled == 0
    assert duty.volunteer.notifications.filter(kind="rosters.removed").count() == 1


def test_taking_duty_on_a_started_shift_is_refused(duty, week):
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)

    with time_machine.travel(local(week.starts_on, 7, 1), tick=False), pytest.raises(StateConflict) as late:
        shift_sign_up(actor=actor(duty.volunteer), shift=shift)

    assert late.value.code == "shift_started"
