"""Activities: creating one (with its room), who sees it, sign-up with waitlist and cancellation,
check-in by the rotating code or ticked by the organiser, attendance and points."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from mulin.activities.models import Activity, Signup
from mulin.activities.permissions import access_activity_by_id
from mulin.activities.selectors import attendance_of
from mulin.activities.services import (
    QR_PURPOSE,
    SignupRefused,
    activity_cancel,
    activity_check_in,
    activity_sign_up,
    activity_sign_up_cancel,
    activity_tick,
)
from mulin.activities.tests.factories import make_activity, soon
from mulin.core.models import AuditEvent
from mulin.core.qrcodes import QrCodeRefused, qr_token
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.points.models import LedgerEntry
from mulin.stations.models import RoomBooking
from mulin.stations.services import BookingRefused

pytestmark = pytest.mark.django_db
A = Activity.Audience
S = Signup.Status


def _world() -> tuple:
    return (
        sorted(Activity.objects.values_list("pk", "status", "confirmed_count")),
        sorted(Signup.objects.values_list("pk", "status", "checked_in_at")),
        sorted(RoomBooking.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_secretary_creates_a_theme_party_day_in_a_station_room(cast):
    activity = make_activity(cast.street.nanyuan_branch, actor=actor(cast.secretary), room=cast.room, capacity=20)

    assert (activity.host_path, activity.scope_path) == (cast.street.nanyuan_branch.path, cast.street.street.path)
    assert activity.booking is not None
    assert (activity.booking.room, activity.booking.status) == (cast.room, RoomBooking.Status.REQUESTED)
    assert activity.place_name == "南苑党群驿站 · 党员活动室"


def test_a_taken_room_refuses_the_activity_and_nothing_is_written(cast):
    start, end = soon()
    make_activity(cast.street.nanyuan, actor=actor(cast.nanyuan_worker), room=cast.room, starts_at=start, ends_at=end)
    before = _world()

    with pytest.raises(BookingRefused):
        make_activity(
            cast.street.nanyuan, actor=actor(cast.nanyuan_worker), room=cast.room, starts_at=start, ends_at=end
        )

    assert _world() == before


def test_bad_input_is_refused_by_field_and_nothing_is_written(cast):
    secretary = actor(cast.secretary)
    start, end = soon()
    before = _world()

    with pytest.raises(ValidationError) as backwards:
        make_activity(cast.street.nanyuan_branch, actor=secretary, starts_at=end, ends_at=start)
    with pytest.raises(ValidationError) as too_many:
        make_activity(cast.street.nanyuan_branch, actor=secretary, room=cast.room, capacity=31)
    with pytest.raises(ValidationError) as nowhere:
        make_activity(cast.street.nanyuan_branch, actor=secretary, address="")

    assert set(backwards.value.message_dict) == {"ends_at"}
    assert set(too_many.value.message_dict) == {"capacity"}
    assert set(nowhere.value.message_dict) == {"address"}
    assert _world() == before


def test_only_organisers_of_the_host_create(cast):
    with pytest.raises(PermissionDenied):
        make_activity(cast.street.cuiyu_branch, actor=actor(cast.secretary))
    with pytest.raises(PermissionDenied):
        make_activity(cast.street.nanyuan_branch, actor=actor(cast.members[0]))
    assert Activity.objects.count() == 0


def test_who_sees_an_activity_follows_its_audience(cast):
    s = cast.street
    everyone = make_activity(s.nanyuan_branch, title="全街", audience=A.EVERYONE)
    community = make_activity(s.nanyuan_branch, title="南苑社区", audience=A.COMMUNITY)
    members = make_activity(s.nanyuan_branch, title="支部党员", audience=A.MEMBERS)

    def seen(person):  # type: ignore[no-untyped-def]
        visible = []
        for activity in (everyone, community, members):
            try:
                access_activity_by_id(actor(person), activity.pk)
            except Http404:
                continue
            visible.append(activity.title)
        return visible

    assert seen(cast.members[0]) == ["全街", "南苑社区", "支部党员"]
    assert seen(cast.resident) == ["全街", "南苑社区"]
    assert seen(cast.cuiyu_resident) == ["全街"]
    assert seen(cast.outsider) == []
    assert seen(cast.secretary) == ["全街", "南苑社区", "支部党员"]


def test_places_fill_then_the_waitlist_in_order(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=2)
    people = [cast.members[0], cast.members[1], cast.members[2], cast.resident]

    signups = [activity_sign_up(actor=actor(p), activity=activity) for p in people]

    assert [(s.status, s.position) for s in signups] == [
        (S.CONFIRMED, None),
        (S.CONFIRMED, None),
        (S.WAITLISTED, 1),
        (S.WAITLISTED, 2),
    ]
    activity.refresh_from_db()
    assert (activity.confirmed_count, activity.places_left) == (2, 0)


def test_a_cancellation_promotes_exactly_the_first_waiting_person_who_is_told(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=1)
    first, second, third = cast.members
    for person in (first, second, third):
        activity_sign_up(actor=actor(person), activity=activity)

    activity_sign_up_cancel(actor=actor(first), activity=activity)

    statuses = dict(Signup.objects.filter(activity=activity).values_list("person_id", "status"))
    assert statuses == {first.pk: S.CANCELLED, second.pk: S.CONFIRMED, third.pk: S.WAITLISTED}
    assert list(Notification.objects.filter(kind="activities.promoted").values_list("recipient_id", flat=True)) == [
        second.pk
    ]
    activity.refresh_from_db()
    assert activity.confirmed_count == 1


def test_leaving_the_waitlist_promotes_nobody_and_frees_no_place(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=1)
    first, second, _third = cast.members
    activity_sign_up(actor=actor(first), activity=activity)
    activity_sign_up(actor=actor(second), activity=activity)

    activity_sign_up_cancel(actor=actor(second), activity=activity)

    activity.refresh_from_db()
    assert activity.confirmed_count == 1
    assert Notification.objects.filter(kind="activities.promoted").count() == 0


def test_signing_up_twice_or_after_the_start_is_refused(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=5)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    before = _world()

    with pytest.raises(SignupRefused) as twice:
        activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    with pytest.raises(SignupRefused) as late:
        activity_sign_up(actor=actor(cast.members[1]), activity=activity, now=activity.starts_at)

    assert (twice.value.code, late.value.code) == ("already_signed_up", "activity_started")
    assert _world() == before


def test_cancelling_the_activity_tells_everyone_and_frees_the_room(cast):
    activity = make_activity(cast.street.nanyuan, actor=actor(cast.nanyuan_worker), room=cast.room, capacity=1)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    activity_sign_up(actor=actor(cast.members[1]), activity=activity)

    activity_cancel(actor=actor(cast.nanyuan_worker), activity=activity)

    activity.booking.refresh_from_db()
    assert (activity.status, activity.booking.status) == (Activity.Status.CANCELLED, RoomBooking.Status.CANCELLED)
    assert sorted(
        Notification.objects.filter(kind="activities.cancelled").values_list("recipient_id", flat=True)
    ) == sorted([cast.members[0].pk, cast.members[1].pk])
    with pytest.raises(SignupRefused):
        activity_sign_up(actor=actor(cast.members[2]), activity=activity)


def test_other_units_organisers_may_not_cancel(cast):
    activity = make_activity(cast.street.nanyuan_branch)
    before = _world()

    with pytest.raises(PermissionDenied):
        activity_cancel(actor=actor(cast.cuiyu_worker), activity=activity)

    assert _world() == before


# --- check-in ---------------------------------------------------------------------------------


def _during(activity: Activity) -> dt.datetime:
    return activity.starts_at + dt.timedelta(minutes=5)


def test_check_in_with_the_current_code_counts_once_and_awards_points_once(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=5)
    member = cast.members[0]
    activity_sign_up(actor=actor(member), activity=activity)
    activity_sign_up(actor=actor(cast.members[1]), activity=activity)
    now = _during(activity)
    code = qr_token(QR_PURPOSE, activity.pk, now=now.timestamp())

    first = activity_check_in(actor=actor(member), activity=activity, code=code, now=now)
    again = activity_check_in(actor=actor(member), activity=activity, code=code, now=now + dt.timedelta(seconds=5))

    assert (first.check_in_method, again.checked_in_at) == (Signup.CheckIn.QR, now)
    assert attendance_of(activity) == (1, 2)
    assert LedgerEntry.objects.filter(person=member).count() == 2  # service point + party member's assessment


def test_a_stale_code_or_another_activitys_code_is_refused(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=5)
    other = make_activity(cast.street.nanyuan_branch, title="另一场", capacity=5)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    now = _during(activity)
    stale = qr_token(QR_PURPOSE, activity.pk, now=now.timestamp() - 120)
    foreign = qr_token(QR_PURPOSE, other.pk, now=now.timestamp())
    before = _world()

    with pytest.raises(QrCodeRefused) as old:
        activity_check_in(actor=actor(cast.members[0]), activity=activity, code=stale, now=now)
    with pytest.raises(QrCodeRefused) as wrong:
        activity_check_in(actor=actor(cast.members[0]), activity=activity, code=foreign, now=now)
    with pytest.raises(QrCodeRefused):
        activity_check_in(actor=actor(cast.members[0]), activity=activity, code="forged", now=now)

    assert (old.value.code, wrong.value.code) == ("qr_expired", "qr_wrong_object")
    assert _world() == before


def test_check_in_without_a_place_or_outside_the_window_is_refused(cast):
    activity = make_activity(cast.street.nanyuan_branch, capacity=5)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    early = activity.starts_at - dt.timedelta(hours=2)

    with pytest.raises(SignupRefused) as no_place:
        now = _during(activity)
        activity_check_in(
            actor=actor(cast.members[1]),
            activity=activity,
            code=qr_token(QR_PURPOSE, activity.pk, now=now.timestamp()),
            now=now,
        )
    with pytest.raises(SignupRefused) as closed:
        activity_check_in(
            actor=actor(cast.members[0]),
            activity=activity,
            code=qr_token(QR_PURPOSE, activity.pk, now=early.timestamp()),
            now=early,
        )

    assert (no_place.value.code, closed.value.code) == ("no_place", "checkin_closed")
    assert attendance_of(activity) == (0, 1)


def test_the_organiser_ticks_someone_without_a_phone(cast):
    activity = make_activity(cast.street.nanyuan_branch, actor=actor(cast.secretary), capacity=5)
    signup = activity_sign_up(actor=actor(cast.members[2]), activity=activity)

    activity_tick(actor=actor(cast.secretary), activity=activity, signup=signup, now=_during(activity))

    signup.refresh_from_db()
    assert signup.check_in_method == Signup.CheckIn.ORGANISER
    with pytest.raises(PermissionDenied):
        activity_tick(actor=actor(cast.members[0]), activity=activity, signup=signup, now=_during(activity))


def test_the_list_shows_places_left_and_my_sign_up(cast):
    from mulin.activities.selectors import activity_list_visible_to

    first = make_activity(cast.street.nanyuan_branch, title="一", capacity=1)
    second = make_activity(cast.street.nanyuan_branch, title="二", capacity=3, days=4)
    activity_sign_up(actor=actor(cast.members[0]), activity=first)
    activity_sign_up(actor=actor(cast.members[1]), activity=first)

    rows = list(activity_list_visible_to(actor(cast.members[1]), upcoming_from=timezone.now()))

    assert [(a.title, a.places_left, a.my_status) for a in rows] == [("一", 0, "waitlisted"), ("二", 3, None)]
    assert second.places_left == 3
