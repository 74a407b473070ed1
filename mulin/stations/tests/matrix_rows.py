"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for stations, rooms
and bookings, with the objects they act on and what a refusal must leave unchanged.

"Own" and "same" are a station (room, booking) of the identity's home community, "other" one of the
other community. Everyone registered sees the street's stations; branches, partner units and staff
ask for rooms; staff of the station's community decide. Bookings are asked for by the branch
secretary of the cast (so they are "theirs" to cancel, not to approve).
"""

from __future__ import annotations

import itertools
from typing import Any

from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import actor_for_person
from mulin.stations.models import Room, RoomBooking, Station, StationType
from mulin.stations.services import booking_request
from mulin.stations.tests.factories import make_room, make_station, slot
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast

STATION, ROOM, BOOKING = "station", "room", "booking"
OBJECT_KINDS = frozenset({STATION, ROOM, BOOKING})

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
VIEWERS = SIGNED_IN  # everyone with a person record is a resident somewhere (the admins too)
BOOKERS = frozenset({"branch_secretary", "worker_cuiyu", "worker_nanyuan", "partner_contact", "street_admin"})
Triple = tuple[int, int, int]
_counter = itertools.count(1)


def _web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _api(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _objects(table: dict[str, Triple], *, default: Triple, api: bool = False) -> dict[str, Triple]:
    out: Triple = (401, 401, 401) if api else (302, 302, 302)
    return {role: out if role in OUT else table.get(role, default) for role in ROLES}


def _same(status: int) -> Triple:
    return (status, status, status)


def _seen(ok: int, *, api: bool = False) -> dict[str, Triple]:
    return _objects(dict.fromkeys(VIEWERS, _same(ok)), default=_same(404), api=api)


def _deciders(ok: int, *, asker: int, api: bool = False) -> dict[str, Triple]:
    table = {
        "worker_cuiyu": (ok, ok, 404),
        "worker_nanyuan": (ok, ok, 404),
        "street_admin": _same(ok),
        "branch_secretary": _same(asker),
    }
    return _objects(table, default=_same(404), api=api)


def _fresh_room(community: OrgUnit) -> Room:
    station = make_station(community, name=f"矩阵驿站{next(_counter)}")
    return make_room(station)


def _quiet_room(community: OrgUnit) -> Room:
    """A fresh room written straight to the table: the body of a request is built after the matrix
    has taken its "nothing changed" snapshot, so it must not leave an audit row behind."""
    station = Station.objects.create(
        type=StationType.objects.get(code="canal-station"),
        community=community,
        scope_path=community.path,
        name=f"矩阵直建驿站{next(_counter)}",
        address="矩阵地址",
    )
    return Room.objects.create(station=station, scope_path=station.scope_path, name="活动室", capacity=20)


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the station and booking routes."""

    def page_booking(cast: Cast, role: str) -> dict[str, str]:
        start, end = slot(days=5)
        return {"title": "矩阵预约", "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{end:%Y-%m-%dT%H:%M}"}

    def api_booking(cast: Cast, role: str) -> dict[str, Any]:
        start, end = slot(days=5)
        room = _quiet_room(cast.home_community[role])
        return {"room": room.pk, "title": "矩阵预约", "starts_at": start.isoformat(), "ends_at": end.isoformat()}

    room_post = _objects(
        {**dict.fromkeys(VIEWERS, _same(403)), **dict.fromkeys(BOOKERS, _same(302))}, default=_same(404)
    )
    return [
        Route("stations:list", expect=_web(200, VIEWERS)),
        Route("stations:map", expect=_web(200, VIEWERS)),
        Route("stations:bookings", expect=_web(200, BOOKERS)),
        Route("stations:detail", obj=STATION, expect=_seen(200)),
        Route("stations:room", obj=ROOM, expect=_seen(200)),
        Route("stations:room", "POST", obj=ROOM, expect=room_post, data=page_booking),
        Route(
            "stations:booking_action",
            "POST",
            obj=BOOKING,
            kwargs={"action": "approve"},
            expect=_deciders(302, asker=403),
        ),
        Route("api:stations", expect=_api(200, VIEWERS), api=True),
        Route("api:station-types", expect=_api(200), api=True),
        Route("api:station", obj=STATION, expect=_seen(200, api=True), api=True),
        Route("api:station-rooms", obj=STATION, expect=_seen(200, api=True), api=True),
        Route("api:bookings", expect=_api(200), api=True),
        Route(
            "api:bookings",
            "POST",
            expect=_api(201, BOOKERS),
            data=api_booking,
            api=True,
        ),
        Route("api:booking-approve", "POST", obj=BOOKING, expect=_deciders(200, asker=403, api=True), api=True),
        Route(
            "api:booking-decline",
            "POST",
            obj=BOOKING,
            expect=_deciders(200, asker=403, api=True),
            data=lambda c, r: {"reason": "矩阵理由"},
            api=True,
        ),
        Route("api:booking-cancel", "POST", obj=BOOKING, expect=_deciders(200, asker=200, api=True), api=True),
    ]


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh station, room or booking in the identity's or the other community."""
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    room = _fresh_room(community)
    if kind == STATION:
        return {"station_id": room.station_id}
    if kind == ROOM:
        return {"room_id": room.pk}
    start, end = slot(days=4)
    asker = cast.person("branch_secretary")
    booking = booking_request(
        actor=actor_for_person(asker), room=room, title="矩阵主题党日", starts_at=start, ends_at=end
    )
    return {"booking_id": booking.pk}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "bookings": sorted(RoomBooking.objects.values_list("pk", "status")),
    }
