"""Station pages in the browser: list, detail by floor, room calendar and booking form, bookings."""

from __future__ import annotations

import pytest

from mulin.stations.models import RoomBooking
from mulin.stations.tests.factories import slot

pytestmark = pytest.mark.django_db


def _login(client, person):  # type: ignore[no-untyped-def]
    from mulin.web.tests.cast import sign_in

    sign_in(client, person)
    return client


def test_station_pages_show_rooms_by_floor(cast, client):
    _login(client, cast.resident)

    listing = client.get("/stations/")
    detail = client.get(f"/stations/{cast.station.pk}/")

    assert "南苑红色健康驿站" in listing.content.decode()
    assert "左家驿站" not in listing.content.decode()
    assert 'data-testid="floor-1"' in detail.content.decode()
    assert "健康讲堂" in detail.content.decode()


def test_other_street_station_is_404(cast, client):
    _login(client, cast.outsider)

    assert client.get(f"/stations/{cast.station.pk}/").status_code == 404
    assert client.get(f"/stations/rooms/{cast.room.pk}/").status_code == 404


def test_branch_secretary_books_a_room_through_the_page(cast, client):
    _login(client, cast.branch_secretary)
    start, end = slot()

    response = client.post(
        f"/stations/rooms/{cast.room.pk}/",
        {"title": "主题党日", "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": end.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 302
    assert list(RoomBooking.objects.values_list("title", "status")) == [("主题党日", "requested")]


def test_overlap_through_the_page_comes_back_with_the_message(cast, client, english):
    _login(client, cast.nanyuan_worker)
    start, end = slot()
    data = {"title": "讲座", "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": end.strftime("%Y-%m-%dT%H:%M")}
    client.post(f"/stations/rooms/{cast.room.pk}/", data)

    response = client.post(f"/stations/rooms/{cast.room.pk}/", {**data, "title": "第二场"})

    assert response.status_code == 400
    assert "already booked" in response.content.decode()
    assert RoomBooking.objects.count() == 1


def test_resident_sees_no_booking_form_and_cannot_post(cast, client):
    _login(client, cast.resident)
    start, end = slot()

    page = client.get(f"/stations/rooms/{cast.room.pk}/")
    post = client.post(
        f"/stations/rooms/{cast.room.pk}/",
        {"title": "x", "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": end.strftime("%Y-%m-%dT%H:%M")},
    )

    assert 'data-testid="booking-form"' not in page.content.decode()
    assert post.status_code == 403
    assert RoomBooking.objects.count() == 0


def test_staff_approve_from_the_bookings_page(cast, client):
    from mulin.organizations.tests.factories import actor
    from mulin.stations.services import booking_request

    start, end = slot()
    booking = booking_request(
        actor=actor(cast.branch_secretary), room=cast.room, title="主题党日", starts_at=start, ends_at=end
    )
    _login(client, cast.nanyuan_worker)

    page = client.get("/stations/bookings/")
    client.post(f"/stations/bookings/{booking.pk}/approve/")

    assert f'data-testid="approve-{booking.pk}"' in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_the_map_carries_the_street_s_stations_and_no_tiles_by_default(cast, client, settings):
    from decimal import Decimal

    from mulin.organizations.tests.factories import SYSTEM
    from mulin.stations.services import station_save

    station_save(
        actor=SYSTEM,
        community=cast.station.community,
        type=cast.station.type,
        name=cast.station.name,
        address=cast.station.address,
        station=cast.station,
        latitude=Decimal("30.302100"),
        longitude=Decimal("120.149400"),
    )
    _login(client, cast.resident)

    plain = client.get("/stations/map/")
    settings.MULIN_MAP_TILE_URL = "https://tiles.intranet.example/{z}/{x}/{y}.png"
    tiled = client.get("/stations/map/")

    body = plain.content.decode()
    data = _map_data(body)
    assert plain.status_code == 200
    assert [(s["name"], s["lat"], s["lng"], s["url"]) for s in data["stations"]] == [
        ("南苑红色健康驿站", 30.3021, 120.1494, f"/stations/{cast.station.pk}/")
    ]
    assert (data["tiles"], data["communities"]) == ("", [])  # the test street's communities have no position
    assert _map_data(tiled.content.decode())["tiles"] == "https://tiles.intranet.example/{z}/{x}/{y}.png"
    assert "vendor/leaflet/leaflet.js" in body


def _map_data(body: str) -> dict:  # type: ignore[type-arg]
    import json
    import re

    match = re.search(r'<script id="station-map-data" type="application/json">(.*?)</script>', body, re.S)
    assert match is not None
    return json.loads(match.group(1))
