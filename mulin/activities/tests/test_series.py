"""Recurring series (every month's theme party day): made at once through the same service as one
activity, each booking its room; a room taken on one date refuses the whole series with that date
and nothing is written; cancelling the series cancels what has not started and tells people."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mulin.activities.models import Activity, ActivitySeries, ActivityType
from mulin.activities.services import activity_series_cancel, activity_series_create, activity_sign_up
from mulin.core.exceptions import ApplicationError, StateConflict
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.stations.models import RoomBooking
from mulin.stations.services import booking_request
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


def _first(day: int, hour: int = 9) -> dt.datetime:
    """The next month's `day` at `hour`, local time."""
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _series(cast, by=None, **fields):  # type: ignore[no-untyped-def]
    start = fields.pop("starts_at", _first(8))
    values = {
        "repeat": "monthly_date",
        "count": 12,
        "type": ActivityType.objects.get(code="theme-party-day"),
        "title": "主题党日",
        "host": cast.street.nanyuan_branch,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "capacity": 20,
        "audience": "members",
        "room": cast.room,
        **fields,
    }
    return activity_series_create(actor=actor(by or cast.secretary), **values)


def test_every_months_theme_party_day_for_a_year_books_the_room_each_time(cast):
    series = _series(cast)

    days = list(Activity.objects.filter(series=series).order_by("starts_at"))
    assert [timezone.localtime(a.starts_at).day for a in days] == [8] * 12
    assert len({(timezone.localtime(a.starts_at).year, timezone.localtime(a.starts_at).month) for a in days}) == 12
    assert all(a.booking is not None and a.booking.status == "requested" for a in days)  # the staff approve
    assert series.rule == "FREQ=MONTHLY;COUNT=12;BYMONTHDAY=8"


def test_monthly_by_weekday_keeps_the_second_tuesday(cast):
    start = _first(1)
    while start.weekday() != 1:
        start += dt.timedelta(days=1)
    start += dt.timedelta(days=7)  # the second Tuesday
    series = _series(cast, repeat="monthly_weekday", count=6, starts_at=start, room=None, address="支部活动室")

    for activity in Activity.objects.filter(series=series):
        local = timezone.localtime(activity.starts_at)
        assert (local.weekday(), (local.day - 1) // 7 + 1) == (1, 2)
    assert series.rule.endswith("BYDAY=+2TU")


def test_weekly_every_two_weeks(cast):
    series = _series(cast, repeat="weekly", interval=2, count=4, room=None, address="支部活动室")

    starts = [a.starts_at for a in Activity.objects.filter(series=series).order_by("starts_at")]
    assert [b - a for a, b in itertools.pairwise(starts)] == [dt.timedelta(days=14)] * 3


def test_a_room_taken_on_one_date_refuses_the_whole_series_naming_the_date(cast):
    """The station's staff book for good at once (a branch secretary's bookings wait for them)."""
    third = (_first(8).replace(day=1) + dt.timedelta(days=62)).replace(day=8)
    worker = actor(cast.nanyuan_worker)
    booking_request(actor=worker, room=cast.room, title="讲座", starts_at=third, ends_at=third + dt.timedelta(hours=1))
    before = (Activity.objects.count(), ActivitySeries.objects.count(), RoomBooking.objects.count())

    with pytest.raises(ApplicationError) as refused:
        _series(cast, by=cast.nanyuan_worker)

    assert refused.value.status == 409
    assert f"{third:%Y-%m-%d}" in refused.value.message
    assert (Activity.objects.count(), ActivitySeries.objects.count(), RoomBooking.objects.count()) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"count": 30}, "count"),
        ({"count": 1}, "count"),
        ({"interval": 0}, "interval"),
        ({"repeat": "daily"}, "repeat"),
        ({"starts_at": _first(30)}, "repeat"),  # not every month has a 30th
    ],
)
def test_a_bad_rule_is_refused_and_nothing_written(cast, fields, field):
    with pytest.raises(ValidationError) as refused:
        _series(cast, **fields)

    assert field in refused.value.message_dict
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_only_organisers_of_the_host_make_a_series(cast):
    with pytest.raises(PermissionDenied):
        activity_series_create(
            actor=actor(cast.members[0]),
            repeat="weekly",
            count=3,
            type=ActivityType.objects.get(code="lecture"),
            title="x",
            host=cast.street.nanyuan_branch,
            starts_at=_first(8),
            ends_at=_first(8, 10),
            capacity=5,
            address="x",
        )
    assert ActivitySeries.objects.count() == 0


def test_cancelling_the_series_cancels_the_coming_ones_and_tells_who_signed_up(cast):
    series = _series(cast, count=3)
    first = Activity.objects.filter(series=series).order_by("starts_at").first()
    activity_sign_up(actor=actor(cast.members[0]), activity=first)

    cancelled = activity_series_cancel(actor=actor(cast.secretary), series=series)

    assert cancelled == 3
    assert set(Activity.objects.filter(series=series).values_list("status", flat=True)) == {"cancelled"}
    assert Notification.objects.filter(kind="activities.cancelled", recipient=cast.members[0]).count() == 1
    with pytest.raises(StateConflict):
        activity_series_cancel(actor=actor(cast.secretary), series=series)
    with pytest.raises(PermissionDenied):
        activity_series_cancel(actor=actor(cast.members[1]), series=ActivitySeries.objects.get())


def test_the_page_and_the_api_make_and_show_a_series(cast, api_client):
    client = Client()
    sign_in(client, cast.secretary)
    start = _first(8)
    response = client.post(
        reverse("activities:create"),
        {
            "type": ActivityType.objects.get(code="theme-party-day").pk,
            "title": "每月主题党日",
            "host": cast.street.nanyuan_branch.pk,
            "audience": "members",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "address": "支部活动室",
            "capacity": "30",
            "repeat": "monthly_date",
            "interval": "1",
            "count": "6",
        },
    )
    series = ActivitySeries.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:series", args=[series.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('href="/activities/') >= 6

    api_client.force_authenticate(cast.members[0].user)
    body = api_client.get(f"/api/v1/activities/series/{series.pk}/").json()
    assert (body["count"], len(body["activities"]), body["rule"]) == (6, 6, "FREQ=MONTHLY;COUNT=6;BYMONTHDAY=8")
    api_client.force_authenticate(cast.cuiyu_resident.user)
    assert api_client.get(f"/api/v1/activities/series/{series.pk}/").status_code == 404
    api_client.force_authenticate(cast.outsider.user)
    assert api_client.get(f"/api/v1/activities/series/{series.pk}/").status_code == 404

    api_client.force_authenticate(cast.secretary.user)
    made = api_client.post(
        "/api/v1/activities/",
        {
            "type": "lecture",
            "title": "每周党课",
            "host": cast.street.nanyuan_branch.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "address": "支部活动室",
            "capacity": 10,
            "repeat": "weekly",
            "count": 4,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["series"] is not None
    assert Activity.objects.filter(series_id=made.json()["series"]).count() == 4


@pytest.mark.parametrize("count", [2, 12])
def test_the_series_page_and_api_cost_the_same_at_two_sizes(cast, api_client, django_assert_max_num_queries, count):
    series = _series(cast, count=count, room=None, address="支部活动室")
    client = Client()
    sign_in(client, cast.members[0])
    client.get(reverse("activities:series", args=[series.pk]))
    api_client.force_authenticate(cast.members[0].user)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("activities:series", args=[series.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(api_client.get(f"/api/v1/activities/series/{series.pk}/").json()["activities"]) == count
