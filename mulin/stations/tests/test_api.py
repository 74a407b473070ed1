"""/api/v1/stations/… and /api/v1/bookings/…: scoping (another street sees nothing), choices
listable, booking twice refused with a message, query counts at two sizes."""

from __future__ import annotations

import pytest

from mulin.stations.models import RoomBooking
from mulin.stations.tests.factories import make_room, make_station, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def test_stations_of_my_street_with_types_and_rooms(cast, as_):
    client = as_(cast.resident)

    stations = client.get("/api/v1/stations/").json()
    types = client.get("/api/v1/stations/types/").json()
    rooms = client.get(f"/api/v1/stations/{cast.station.pk}/rooms/").json()
    detail = client.get(f"/api/v1/stations/{cast.station.pk}/").json()

    assert [(s["name"], s["community"]["name"], s["partner"]["name"], s["room_count"]) for s in stations] == [
        ("南苑红色健康驿站", "南苑社区", "九洲大药房", 1)
    ]
    assert [t["code"] for t in types][:2] == ["party-mass-centre", "canal-station"]
    assert [(r["name"], r["capacity"]) for r in rooms] == [("健康讲堂", 30)]
    assert [r["name"] for r in detail["rooms"]] == ["健康讲堂"]


def test_another_street_gets_404_and_an_empty_list(cast, as_):
    client = as_(cast.outsider)

    assert [s["name"] for s in client.get("/api/v1/stations/").json()] == ["左家驿站"]
    assert client.get(f"/api/v1/stations/{cast.station.pk}/").status_code == 404
    assert client.get(f"/api/v1/stations/{cast.station.pk}/rooms/").status_code == 404
    start, end = slot()
    response = client.post(
        "/api/v1/bookings/",
        {"room": cast.room.pk, "title": "外街", "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert RoomBooking.objects.count() == 0


def test_unknown_type_filter_is_a_400(cast, as_):
    response = as_(cast.resident).get("/api/v1/stations/?type=nope")

    assert response.status_code == 400


def test_booking_twice_for_overlapping_times_is_refused_with_a_message(cast, as_, english):
    client = as_(cast.nanyuan_worker)
    start, end = slot()
    body = {"room": cast.room.pk, "title": "健康讲座", "starts_at": start.isoformat(), "ends_at": end.isoformat()}

    first = client.post("/api/v1/bookings/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    second = client.post("/api/v1/bookings/", {**body, "title": "又一场"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert second.status_code == 409
    assert "already booked" in str(second.json())
    assert list(RoomBooking.objects.values_list("title", flat=True)) == ["健康讲座"]


def test_request_approve_decline_cancel_through_the_api(cast, as_):
    start, end = slot()
    asked = as_(cast.branch_secretary).post(
        "/api/v1/bookings/",
        {"room": cast.room.pk, "title": "主题党日", "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        format="json",
    )
    booking_id = asked.json()["id"]

    assert as_(cast.cuiyu_worker).post(f"/api/v1/bookings/{booking_id}/approve/").status_code == 404
    approved = as_(cast.nanyuan_worker).post(f"/api/v1/bookings/{booking_id}/approve/")
    again = as_(cast.nanyuan_worker).post(f"/api/v1/bookings/{booking_id}/decline/", {"reason": "晚了"}, format="json")
    cancelled = as_(cast.branch_secretary).post(f"/api/v1/bookings/{booking_id}/cancel/")

    assert (asked.status_code, asked.json()["status"]) == (201, "requested")
    assert approved.json()["status"] == "confirmed"
    assert again.status_code == 409
    assert cancelled.json()["status"] == "cancelled"


def test_bad_booking_input_is_a_400_and_writes_nothing(cast, as_):
    start, end = slot()

    response = as_(cast.nanyuan_worker).post(
        "/api/v1/bookings/",
        {"room": cast.room.pk, "title": "倒着", "starts_at": end.isoformat(), "ends_at": start.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"] if "errors" in response.json() else "ends_at" in str(response.json())
    assert RoomBooking.objects.count() == 0


def test_lists_cost_the_same_at_two_sizes(cast, as_, django_assert_max_num_queries):
    client = as_(cast.nanyuan_worker)
    client.get("/api/v1/stations/")  # the street reach is cached

    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/stations/")
        client.get("/api/v1/bookings/")
    for i in range(6):
        station = make_station(cast.street.nanyuan, name=f"驿站{i}")
        room = make_room(station)
        start, end = slot(days=2 + i)
        client.post(
            "/api/v1/bookings/",
            {"room": room.pk, "title": f"活动{i}", "starts_at": start.isoformat(), "ends_at": end.isoformat()},
            format="json",
        )
    with django_assert_max_num_queries(8) as large:
        stations = client.get("/api/v1/stations/").json()
        bookings = client.get("/api/v1/bookings/").json()

    assert len(small.captured_queries) == len(large.captured_queries)
    assert (len(stations), len(bookings["results"])) == (7, 6)
