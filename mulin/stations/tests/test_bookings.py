"""Room bookings: asked for, approved, declined, cancelled; never two confirmed bookings of one
room at overlapping times — on SQLite (triggers) and on PostgreSQL (exclusion constraint)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.core.tests.threads import run_at_once
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.stations.models import RoomBooking
from mulin.stations.services import (
    BookingRefused,
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_request,
)
from mulin.stations.tests.factories import slot

pytestmark = pytest.mark.django_db
S = RoomBooking.Status


def _world() -> tuple:
    return (
        sorted(RoomBooking.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_branch_secretary_asks_and_staff_are_told(cast):
    start, end = slot()

    booking = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )

    assert booking.status == S.REQUESTED
    assert booking.scope_path == cast.street.nanyuan.path
    assert list(
        Notification.objects.filter(kind="stations.booking_requested").values_list("recipient_id", flat=True)
    ) == [cast.nanyuan_worker.pk]


def test_staff_of_the_station_book_confirmed_at_once(cast):
    start, end = slot()

    booking = booking_request(
        actor=actor(cast.nanyuan_worker), room=cast.room, title="健康讲座", starts_at=start, ends_at=end
    )

    assert booking.status == S.CONFIRMED
    assert booking.decided_by == cast.nanyuan_worker


def test_overlapping_confirmed_booking_is_refused_and_nothing_written(cast):
    start, end = slot()
    booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="健康讲座", starts_at=start, ends_at=end)
    before = _world()

    with pytest.raises(BookingRefused) as refused:
        booking_request(
            actor=actor(cast.street_admin),
            room=cast.room,
            title="另一场",
            starts_at=start + dt.timedelta(hours=1),
            ends_at=end + dt.timedelta(hours=1),
        )

    assert refused.value.status == 409
    assert "already booked" in refused.value.message or "已" in refused.value.message
    assert _world() == before


def test_back_to_back_bookings_and_requests_do_not_clash(cast):
    start, end = slot()
    booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="上午", starts_at=start, ends_at=end)

    after = booking_request(
        actor=actor(cast.nanyuan_worker),
        room=cast.room,
        title="紧接着",
        starts_at=end,
        ends_at=end + dt.timedelta(hours=1),
    )
    waiting = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="重叠申请", starts_at=start, ends_at=end
    )

    assert after.status == S.CONFIRMED
    assert waiting.status == S.REQUESTED  # a request may overlap; approving it may not


def test_approving_an_overlapping_request_is_refused(cast):
    start, end = slot()
    waiting = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )
    booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="健康讲座", starts_at=start, ends_at=end)
    before = _world()

    with pytest.raises(BookingRefused):
        booking_approve(actor=actor(cast.nanyuan_worker), booking=waiting)

    waiting.refresh_from_db()
    assert waiting.status == S.REQUESTED
    assert _world() == before


def test_approve_tells_the_asker(cast):
    start, end = slot()
    waiting = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )

    booking_approve(actor=actor(cast.nanyuan_worker), booking=waiting)

    assert waiting.status == S.CONFIRMED
    assert Notification.objects.filter(kind="stations.booking_approved", recipient=cast.branch_secretary).count() == 1


def test_decline_needs_a_reason_and_a_cancelled_booking_frees_the_room(cast):
    start, end = slot()
    waiting = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )
    with pytest.raises(ValidationError):
        booking_decline(actor=actor(cast.nanyuan_worker), booking=waiting, reason=" ")
    booking_decline(actor=actor(cast.nanyuan_worker), booking=waiting, reason="当天消毒")
    confirmed = booking_request(
        actor=actor(cast.nanyuan_worker), room=cast.room, title="讲座", starts_at=start, ends_at=end
    )

    booking_cancel(actor=actor(cast.nanyuan_worker), booking=confirmed)
    again = booking_request(
        actor=actor(cast.nanyuan_worker), room=cast.room, title="改期", starts_at=start, ends_at=end
    )

    assert (waiting.status, waiting.reason, confirmed.status, again.status) == (
        S.DECLINED,
        "当天消毒",
        S.CANCELLED,
        S.CONFIRMED,
    )


def test_other_community_staff_may_not_decide(cast):
    start, end = slot()
    waiting = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )
    before = _world()

    with pytest.raises(PermissionDenied):
        booking_approve(actor=actor(cast.cuiyu_worker), booking=waiting)
    with pytest.raises(PermissionDenied):
        booking_cancel(actor=actor(cast.resident), booking=waiting)

    assert _world() == before


def test_bad_times_are_refused_with_a_message(cast):
    start, end = slot()
    past = slot(days=-2)

    with pytest.raises(ValidationError) as backwards:
        booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="x", starts_at=end, ends_at=start)
    with pytest.raises(ValidationError) as gone:
        booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="x", starts_at=past[0], ends_at=past[1])
    with pytest.raises(ValidationError) as untitled:
        booking_request(actor=actor(cast.nanyuan_worker), room=cast.room, title="", starts_at=start, ends_at=end)

    assert set(backwards.value.message_dict) == {"ends_at"}
    assert set(gone.value.message_dict) == {"starts_at"}
    assert set(untitled.value.message_dict) == {"title"}
    assert RoomBooking.objects.count() == 0


def test_a_resident_and_another_street_may_not_book(cast):
    start, end = slot()

    with pytest.raises(PermissionDenied):
        booking_request(actor=actor(cast.resident), room=cast.room, title="x", starts_at=start, ends_at=end)
    with pytest.raises(PermissionDenied):
        booking_request(actor=actor(cast.outsider), room=cast.room, title="x", starts_at=start, ends_at=end)
    assert RoomBooking.objects.count() == 0


def test_the_database_itself_refuses_overlapping_confirmed_rows(cast):
    """Whoever writes (a script, the admin), the guard holds: SQLite trigger, PostgreSQL exclusion."""
    from django.db import IntegrityError, transaction

    start, end = slot()
    fields = {"room": cast.room, "scope_path": cast.room.scope_path, "requested_by": cast.nanyuan_worker}
    RoomBooking.objects.create(title="a", starts_at=start, ends_at=end, status=S.CONFIRMED, **fields)
    pending = RoomBooking.objects.create(title="b", starts_at=start, ends_at=end, status=S.REQUESTED, **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        RoomBooking.objects.create(title="c", starts_at=start, ends_at=end, status=S.CONFIRMED, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomBooking.objects.filter(pk=pending.pk).update(status=S.CONFIRMED)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_booking_the_same_slot_at_once_one_wins(street):
    from mulin.organizations.models import Role
    from mulin.organizations.tests.factories import make_person
    from mulin.stations.tests.factories import make_room, make_station

    room = make_room(make_station(street.nanyuan, name="并发驿站"), name="会议室")
    staff = [
        make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, full_name=f"社工{i}")
        for i in range(6)
    ]
    start, end = slot()

    results = run_at_once(
        [
            lambda person=person: booking_request(
                actor=actor(person), room=room, title="同一时段", starts_at=start, ends_at=end
            )
            for person in staff
        ]
    )

    assert sum(isinstance(r, RoomBooking) for r in results) == 1
    assert sum(isinstance(r, BookingRefused) for r in results) == 5
    assert RoomBooking.objects.filter(room=room, status=S.CONFIRMED).count() == 1


def test_cancel_twice_is_a_conflict(cast):
    start, end = slot()
    booking = booking_request(
        actor=actor(cast.nanyuan_worker), room=cast.room, title="讲座", starts_at=start, ends_at=end
    )
    booking_cancel(actor=actor(cast.nanyuan_worker), booking=booking)

    with pytest.raises(StateConflict):
        booking_cancel(actor=actor(cast.nanyuan_worker), booking=booking)
