"""Every list and detail page and API of stations costs the same number of queries with one
station and a few bookings as with seven stations, many rooms and a dozen bookings (issue 10
acceptance: "lists have query-count tests at two data sizes")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from mulin.organizations.tests.factories import actor
from mulin.stations.services import booking_request
from mulin.stations.tests.factories import make_room, make_station, slot
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
MAX_QUERIES = 16


def _pages(cast) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("stations:list"),
        reverse("stations:map"),
        reverse("stations:bookings"),
        reverse("stations:detail", args=[cast.station.pk]),
        reverse("stations:room", args=[cast.room.pk]),
    ]


def _apis(cast) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/api/v1/stations/",
        "/api/v1/stations/types/",
        f"/api/v1/stations/{cast.station.pk}/",
        f"/api/v1/stations/{cast.station.pk}/rooms/",
        "/api/v1/bookings/",
    ]


def _grow(cast, n: int) -> None:  # type: ignore[no-untyped-def]
    """`n` more stations with two rooms each, more rooms in the cast's station, and bookings: asked
    for by the branch secretary (waiting for the staff) and made by the staff (confirmed)."""
    secretary, worker = actor(cast.branch_secretary), actor(cast.nanyuan_worker)
    for i in range(n):
        station = make_station(cast.street.nanyuan, name=f"驿站{i}")
        rooms = [make_room(station, name=f"{station.name}活动室{k}") for k in range(2)]
        extra = make_room(cast.station, name=f"会议室{i}", floor=1 + i % 3)
        start, end = slot(days=2 + i)
        booking_request(actor=secretary, room=rooms[0], title=f"支部学习{i}", starts_at=start, ends_at=end)
        booking_request(actor=worker, room=rooms[1], title=f"社区议事{i}", starts_at=start, ends_at=end)
        booking_request(actor=secretary, room=extra, title=f"党课{i}", starts_at=start, ends_at=end)
        early, later = slot(days=1 + i % 10, hour=8 + i % 3, hours=1)
        booking_request(actor=secretary, room=cast.room, title=f"健康讲座{i}", starts_at=early, ends_at=later)


def _counts(cast) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for person in (cast.nanyuan_worker, cast.branch_secretary, cast.resident):
        web = Client()
        sign_in(web, person)
        api = APIClient()
        api.force_authenticate(person.user)
        bookers = person != cast.resident  # a plain resident asks for no rooms
        for url in _pages(cast):
            if "booking" in url and not bookers:
                continue
            web.get(url)  # warm the per-session caches (street reach)
            with CaptureQueriesContext(connection) as queries:
                assert web.get(url).status_code == 200, url
            counts[f"{person.full_name} {url}"] = len(queries)
        for url in _apis(cast):
            if "booking" in url and not bookers:
                continue
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200, url
            counts[f"{person.full_name} {url}"] = len(queries)
    return counts


def test_every_list_and_detail_costs_the_same_at_two_sizes(cast):
    start, end = slot(days=2)
    booking_request(actor=actor(cast.branch_secretary), room=cast.room, title="一", starts_at=start, ends_at=end)
    small = _counts(cast)

    _grow(cast, 6)
    large = _counts(cast)

    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
