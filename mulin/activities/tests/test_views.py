"""Activity pages: list with places left, create in a room, sign up, the organiser's code and roll."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mulin.activities.models import Activity, Signup
from mulin.activities.services import QR_PURPOSE
from mulin.activities.tests.factories import make_activity, soon
from mulin.core.qrcodes import qr_token
from mulin.organizations.tests.factories import actor
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


def test_secretary_creates_an_activity_through_the_form(cast, client):
    sign_in(client, cast.secretary)
    start, end = soon()
    page = client.get("/activities/new/")

    response = client.post(
        "/activities/new/",
        {
            "type": Activity._meta.get_field("type").related_model.objects.get(code="theme-party-day").pk,
            "title": "七月主题党日",
            "host": cast.street.nanyuan_branch.pk,
            "audience": "members",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{end:%Y-%m-%dT%H:%M}",
            "room": cast.room.pk,
            "capacity": "20",
        },
    )

    assert page.status_code == 200
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert (activity.room, activity.booking.status) == (cast.room, "requested")


def test_too_many_places_for_the_room_comes_back_with_the_message(cast, client, english):
    sign_in(client, cast.secretary)
    start, end = soon()

    response = client.post(
        "/activities/new/",
        {
            "type": Activity._meta.get_field("type").related_model.objects.get(code="lecture").pk,
            "title": "讲座",
            "host": cast.street.nanyuan_branch.pk,
            "audience": "everyone",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{end:%Y-%m-%dT%H:%M}",
            "room": cast.room.pk,
            "capacity": "99",
        },
    )

    assert response.status_code == 400
    assert "seats 30" in response.content.decode()
    assert Activity.objects.count() == 0


def test_residents_may_not_create(cast, client):
    sign_in(client, cast.resident)

    assert client.get("/activities/new/").status_code == 403


def test_sign_up_from_the_page_and_see_it_in_the_list(cast, client):
    activity = make_activity(cast.street.nanyuan_branch, capacity=1)
    sign_in(client, cast.members[0])

    client.post(f"/activities/{activity.pk}/signup/")
    listing = client.get("/activities/").content.decode()
    detail = client.get(f"/activities/{activity.pk}/").content.decode()

    assert Signup.objects.get().person == cast.members[0]
    assert 'data-testid="places-left"' in listing
    assert 'data-status="confirmed"' in detail


def test_organiser_sees_the_rotating_code_and_the_roll(cast, client, english):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = make_activity(
        cast.street.nanyuan_branch, actor=actor(cast.secretary), starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    signup = Signup.objects.create(activity=activity, person=cast.members[0], status="confirmed", created_at=start)
    Activity.objects.filter(pk=activity.pk).update(confirmed_count=1)
    sign_in(client, cast.secretary)

    code_page = client.get(f"/activities/{activity.pk}/code/")
    client.post(f"/activities/{activity.pk}/attendance/{signup.pk}/tick/")
    roll = client.get(f"/activities/{activity.pk}/attendance/").content.decode()

    assert code_page.status_code == 200
    assert 'data-testid="checkin-qr"' in code_page.content.decode()
    assert "Attendance: 1 of 1" in roll
    signup.refresh_from_db()
    assert signup.check_in_method == "organiser"


def test_member_checks_in_through_the_scanned_link(cast, client):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = make_activity(cast.street.nanyuan_branch, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    Signup.objects.create(activity=activity, person=cast.members[1], status="confirmed", created_at=start)
    sign_in(client, cast.members[1])
    code = qr_token(QR_PURPOSE, activity.pk)

    page = client.get(f"/activities/{activity.pk}/checkin/?code={code}")
    client.post(f"/activities/{activity.pk}/checkin/", {"code": code})

    assert page.status_code == 200
    assert Signup.objects.get().checked_in_at is not None


def test_members_may_not_see_the_code(cast, client):
    activity = make_activity(cast.street.nanyuan_branch)
    sign_in(client, cast.members[0])

    assert client.get(f"/activities/{activity.pk}/code/").status_code == 403
    assert client.get(f"/activities/{activity.pk}/attendance/").status_code == 403
