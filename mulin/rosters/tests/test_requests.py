"""Leave and swap requests: the person asks, an organiser decides, the roster follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.organizations.tests.factories import actor
from mulin.rosters.models import Assignment, DutyRequest
from mulin.rosters.services.duty import shift_sign_up
from mulin.rosters.services.requests import (
    duty_request_approve,
    duty_request_decline,
    duty_request_leave,
    duty_request_swap,
)
from mulin.rosters.tests.factories import make_week, shift_at, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(duty):  # type: ignore[no-untyped-def]
    week = make_week(duty.street.cuiyu)
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    return week


def test_an_approved_leave_frees_the_place_and_tells_the_person(duty, signed):
    shift = shift_at(duty.point, signed.starts_on, 7)
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    request = duty_request_leave(actor=actor(duty.volunteer), assignment=assignment, reason="出差")

    duty_request_approve(actor=actor(duty.cuiyu_worker), request=request)

    shift.refresh_from_db()
    assignment.refresh_from_db()
    assert (request.status, assignment.status, shift.filled) == ("approved", "released", 0)
    assert duty.volunteer.notifications.filter(kind="rosters.request_approved").count() == 1


def test_a_swap_exchange_puts_each_on_the_others_shift(duty, signed):
    mine = shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, signed.starts_on, 7))
    theirs = shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, signed.starts_on, 18))
    request = duty_request_swap(
        actor=actor(duty.volunteer), assignment=mine, substitute=duty.member, counterpart=theirs
    )

    duty_request_approve(actor=actor(duty.cuiyu_worker), request=request)

    active = Assignment.objects.filter(status="assigned")
    assert sorted(active.values_list("person__full_name", "shift__starts_at__hour")) == [("吴红英", 7), ("孙小燕", 18)]
    assert set(active.values_list("source", flat=True)) == {"swap"}


def test_a_swap_to_someone_without_a_signed_pledge_changes_nothing(duty, signed):
    # 翠玉's resident has not signed the pledge: they cannot take duty through a swap either.
    mine = shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, signed.starts_on, 7))
    try:
        request = duty_request_swap(actor=actor(duty.volunteer), assignment=mine, substitute=duty.resident)
    except StateConflict as refused_at_once:
        assert refused_at_once.code == "pledge_missing"
        assert DutyRequest.objects.count() == 0
    else:
        with pytest.raises(StateConflict) as refused:
            duty_request_approve(actor=actor(duty.cuiyu_worker), request=request)
        request.refresh_from_db()
        assert (refused.value.code, request.status) == ("pledge_missing", "pending")

    mine.refresh_from_db()
    assert mine.status == "assigned"
    assert not Assignment.objects.filter(person=duty.resident).exists()


def test_a_swap_that_would_double_book_the_substitute_changes_nothing(duty, signed):
    mine = shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, signed.starts_on, 7))
    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point2, signed.starts_on, 7))
    request = duty_request_swap(actor=actor(duty.volunteer), assignment=mine, substitute=duty.member)

    with pytest.raises(StateConflict) as refused:
        duty_request_approve(actor=actor(duty.cuiyu_worker), request=request)

    request.refresh_from_db()
    mine.refresh_from_db()
    assert (refused.value.code, request.status, mine.status) == ("overlap", "pending", "assigned")


def test_only_the_person_asks_and_only_the_communitys_organisers_decide(duty, signed):
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, signed.starts_on, 7))
    with pytest.raises(PermissionDenied):
        duty_request_leave(actor=actor(duty.member), assignment=assignment)
    request = duty_request_leave(actor=actor(duty.volunteer), assignment=assignment)
    with pytest.raises(StateConflict):
        duty_request_leave(actor=actor(duty.volunteer), assignment=assignment)
    with pytest.raises(PermissionDenied):
        duty_request_approve(actor=actor(duty.nanyuan_worker), request=request)

    duty_request_decline(actor=actor(duty.cuiyu_worker), request=request, note="人手不足")

    assert DutyRequest.objects.get().status == "declined"
    assert Assignment.objects.get().status == "assigned"


def test_a_swap_with_someone_from_another_community_is_refused(duty, signed):
    assignment = shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, signed.starts_on, 7))

    with pytest.raises(ValidationError):
        duty_request_swap(actor=actor(duty.volunteer), assignment=assignment, substitute=duty.nanyuan_volunteer)

    assert DutyRequest.objects.count() == 0
