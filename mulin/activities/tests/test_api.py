"""/api/v1/activities/…: choices listable, scoping (another street and another community get 404),
sign-up and cancel, check-in codes, attendance for organisers, query counts at two sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mulin.activities.models import Activity, Signup
from mulin.activities.services import QR_PURPOSE
from mulin.activities.tests.factories import make_activity, soon
from mulin.core.qrcodes import qr_token
from mulin.organizations.tests.factories import actor

pytestmark = pytest.mark.django_db
BASE = "/api/v1/activities/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def test_types_are_listable(cast, as_):
    types = as_(cast.resident).get(f"{BASE}types/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert types[0] == {"code": "theme-party-day", "name": "主题党日", "is_branch_life": True}
    assert "medicine-delivery" in [t["code"] for t in types]


def test_secretary_creates_in_a_room_and_members_sign_up(cast, as_):
    start, end = soon()
    created = as_(cast.secretary).post(
        BASE,
        {
            "type": "theme-party-day",
            "title": "七月主题党日",
            "host": cast.street.nanyuan_branch.pk,
            "audience": "members",
            "room": cast.room.pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "capacity": 2,
        },
        format="json",
    )
    activity_id = created.json()["id"]

    first = as_(cast.members[0]).post(f"{BASE}{activity_id}/signup/")
    second = as_(cast.members[1]).post(f"{BASE}{activity_id}/signup/")
    third = as_(cast.members[2]).post(f"{BASE}{activity_id}/signup/")
    twice = as_(cast.members[2]).post(f"{BASE}{activity_id}/signup/")
    left = as_(cast.members[0]).delete(f"{BASE}{activity_id}/signup/")
    mine = as_(cast.members[2]).get(f"{BASE}{activity_id}/").json()

    assert (created.status_code, created.json()["place"], created.json()["places_left"]) == (
        201,
        "南苑党群驿站 · 党员活动室",
        2,
    )
    assert [r.json()["status"] for r in (first, second, third)] == ["confirmed", "confirmed", "waitlisted"]
    assert (twice.status_code, twice.json()["code"]) == (409, "already_signed_up")
    assert left.json()["status"] == "cancelled"
    assert (mine["my_status"], mine["places_left"]) == ("confirmed", 0)


def test_a_members_only_activity_is_404_for_others_and_another_street(cast, as_):
    activity = make_activity(cast.street.nanyuan_branch, audience=Activity.Audience.MEMBERS)

    for person in (cast.resident, cast.cuiyu_resident, cast.outsider):
        client = as_(person)
        assert client.get(f"{BASE}{activity.pk}/").status_code == 404
        assert client.post(f"{BASE}{activity.pk}/signup/").status_code == 404
    assert Signup.objects.count() == 0
    assert as_(cast.outsider).get(BASE).json()["results"] == []


def test_creating_for_a_unit_one_does_not_organise_is_403_and_bad_input_400(cast, as_):
    start, end = soon()
    body = {
        "type": "lecture",
        "title": "讲座",
        "host": cast.street.cuiyu_branch.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "capacity": 10,
        "address": "翠玉社区",
    }

    refused = as_(cast.secretary).post(BASE, body, format="json")
    unknown = as_(cast.secretary).post(
        BASE, {**body, "host": cast.street.nanyuan_branch.pk, "type": "nope"}, format="json"
    )
    backwards = as_(cast.secretary).post(
        BASE,
        {**body, "host": cast.street.nanyuan_branch.pk, "starts_at": end.isoformat(), "ends_at": start.isoformat()},
        format="json",
    )

    assert refused.status_code == 403
    assert unknown.status_code == 400
    assert backwards.status_code == 400 and "ends_at" in str(backwards.json())
    assert Activity.objects.count() == 0


def test_check_in_and_attendance_for_the_organiser(cast, as_):
    start = timezone.now() - dt.timedelta(minutes=10)
    activity = make_activity(
        cast.street.nanyuan_branch,
        actor=actor(cast.secretary),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
    )
    for member in cast.members:
        Signup.objects.create(activity=activity, person=member, status="confirmed", created_at=start)
    Activity.objects.filter(pk=activity.pk).update(confirmed_count=3)

    checked = as_(cast.members[0]).post(
        f"{BASE}{activity.pk}/checkin/", {"code": qr_token(QR_PURPOSE, activity.pk)}, format="json"
    )
    stale = as_(cast.members[1]).post(
        f"{BASE}{activity.pk}/checkin/",
        {"code": qr_token(QR_PURPOSE, activity.pk, now=timezone.now().timestamp() - 300)},
        format="json",
    )
    roll = as_(cast.secretary).get(f"{BASE}{activity.pk}/attendance/")
    refused = as_(cast.members[0]).get(f"{BASE}{activity.pk}/attendance/")

    assert checked.status_code == 200 and checked.json()["checked_in_at"] is not None
    assert (stale.status_code, stale.json()["code"]) == (400, "qr_expired")
    assert (roll.json()["attended"], roll.json()["confirmed"], roll.json()["rate"]) == (1, 3, 0.333)
    assert refused.status_code == 403


def test_list_costs_the_same_at_two_sizes(cast, as_, django_assert_max_num_queries):
    make_activity(cast.street.nanyuan_branch, title="一")
    client = as_(cast.members[0])
    client.get(BASE)

    with django_assert_max_num_queries(8) as small:
        first = client.get(BASE)
    for i in range(12):
        activity = make_activity(cast.street.nanyuan_branch, title=f"活动{i}", days=4 + i)
        if i % 2:
            client.post(f"{BASE}{activity.pk}/signup/")
    with django_assert_max_num_queries(8) as large:
        second = client.get(BASE)

    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(first.json()["results"]) == 1
    results = second.json()["results"]
    assert len(results) == 13
    assert [r["my_status"] for r in results].count("confirmed") == 6
