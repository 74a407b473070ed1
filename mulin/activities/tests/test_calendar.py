"""The iCalendar feed of "my activities": a secret per-person address a phone calendar subscribes
to without signing in; the activities one has a place at (cancelled ones marked); a reset address
stops working at once; anything else is 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mulin.activities.ical import calendar_text
from mulin.activities.models import CalendarFeed
from mulin.activities.services import activity_cancel, activity_sign_up, calendar_feed_reset
from mulin.activities.tests.factories import make_activity
from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import SYSTEM, actor

pytestmark = pytest.mark.django_db


def _feed(key: str):  # type: ignore[no-untyped-def]
    return Client().get(reverse("activities:calendar_feed", args=[key]))


def test_the_feed_has_my_activities_and_marks_cancelled_ones(cast):
    mine = make_activity(cast.street.nanyuan_branch, title="主题党日, 七月; 学习")
    gone = make_activity(cast.street.nanyuan_branch, title="党课", days=5)
    make_activity(cast.street.nanyuan_branch, title="别人的活动", days=6)
    for activity in (mine, gone):
        activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    activity_cancel(actor=SYSTEM, activity=gone)
    feed = calendar_feed_reset(actor=actor(cast.members[0]))

    response = _feed(feed.key)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:主题党日\\, 七月\\; 学习" in text
    assert f"UID:activity-{gone.pk}@testserver\r\nDTSTAMP:" in text
    assert "STATUS:CANCELLED" in text and "别人的活动" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_long_lines_fold_without_splitting_a_character_and_read_back_whole(cast):
    import datetime as dt

    from icalendar import Calendar

    text = "送药上山进岛, 第二站; 带上\\雨具\n早上八点集合" * 8
    activity = make_activity(cast.street.nanyuan_branch, title="送药", description=text)

    feed = calendar_text([activity], name="我的活动", host="example.org", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    event = Calendar.from_ical(feed).events[0]
    assert event["DESCRIPTION"] == text and event["DTSTART"].dt == activity.starts_at
    assert event["DTSTART"].to_ical().endswith(b"Z")


def test_a_reset_address_stops_working_and_unknown_ones_are_404(cast):
    old = calendar_feed_reset(actor=actor(cast.resident)).key
    new = calendar_feed_reset(actor=actor(cast.resident)).key

    assert _feed(old).status_code == 404
    assert _feed(new).status_code == 200
    assert _feed("x" * 43).status_code == 404
    assert CalendarFeed.objects.count() == 1
    assert AuditEvent.objects.filter(verb="activities.calendar_reset").count() == 2
    assert new not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_the_page_and_the_api_show_and_reset_my_address(cast, api_client):
    from mulin.web.tests.cast import sign_in

    client = Client()
    sign_in(client, cast.resident)
    assert 'data-testid="calendar-url"' not in client.get(reverse("activities:calendar")).content.decode()
    assert client.post(reverse("activities:calendar_reset")).status_code == 302
    page = client.get(reverse("activities:calendar")).content.decode()
    key = CalendarFeed.objects.get(person=cast.resident).key
    assert f"webcal://testserver/activities/calendar/{key}.ics" in page

    api_client.force_authenticate(cast.resident.user)
    assert api_client.get("/api/v1/activities/calendar/").json() == {
        "url": f"http://testserver/activities/calendar/{key}.ics"
    }
    reset = api_client.post("/api/v1/activities/calendar/reset/").json()
    assert reset["url"] != f"http://testserver/activities/calendar/{key}.ics"
    api_client.force_authenticate(cast.cuiyu_resident.user)
    assert api_client.get("/api/v1/activities/calendar/").json() == {"url": None}


@pytest.mark.parametrize("count", [1, 10])
def test_the_feed_costs_the_same_at_two_sizes(cast, django_assert_max_num_queries, count):
    for i in range(count):
        activity = make_activity(cast.street.nanyuan_branch, title=f"活动{i}", days=3 + i)
        activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    key = calendar_feed_reset(actor=actor(cast.members[0])).key

    with django_assert_max_num_queries(4):
        assert _feed(key).content.decode().count("BEGIN:VEVENT") == count


def test_an_empty_calendar_is_still_a_calendar():
    import datetime as dt

    text = calendar_text([], name="我的活动", host="example.org", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    assert text == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mulin//Activities//ZH\r\nCALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\nX-WR-CALNAME:我的活动\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n"
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\nEND:VCALENDAR\r\n"
    )
