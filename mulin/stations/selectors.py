"""Scoped reads of stations, rooms and bookings. Stations are seen street-wide by everyone
registered there; bookings by those who asked and the station's staff."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q, street_reach_q
from mulin.stations.models import Room, RoomBooking, Station, StationType


def station_type_list() -> QuerySet[StationType]:
    return StationType.objects.all()


def station_list_visible_to(actor: Actor, *, type_code: str | None = None) -> QuerySet[Station]:
    """Open stations of the actor's street, with type, community and partner joined and rooms counted."""
    rows = (
        Station.objects.filter(street_reach_q(actor, Capability.STATION_VIEW, "scope_path"), is_active=True)
        .select_related("type", "community", "partner")
        .annotate(room_count=Count("rooms"))
        .order_by("type__order", "name")
    )
    if type_code:
        rows = rows.filter(type__code=type_code)
    return rows


def room_list(station: Station) -> QuerySet[Room]:
    return Room.objects.filter(station=station).order_by("floor", "name")


def room_list_bookable_by(actor: Actor) -> QuerySet[Room]:
    """Bookable rooms of the open stations in the streets where the actor may ask for rooms."""
    return (
        Room.objects.filter(
            street_reach_q(actor, Capability.STATION_BOOK, "scope_path"), is_bookable=True, station__is_active=True
        )
        .select_related("station")
        .order_by("station__name", "floor", "name")
    )


def booking_list_visible_to(actor: Actor, *, status: str | None = None) -> QuerySet[RoomBooking]:
    """Bookings the actor asked for, and those of stations the actor keeps; newest start first."""
    mine = Q(requested_by_id=actor.person_id) if actor.person_id is not None else Q(pk__in=[])
    rows = (
        RoomBooking.objects.filter(mine | scope_q(actor, Capability.STATION_MANAGE, "scope_path"))
        .select_related("room__station", "requested_by")
        .order_by("-starts_at", "-id")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def booking_list_for_room(room: Room, *, start: dt.datetime, end: dt.datetime) -> QuerySet[RoomBooking]:
    """The room's calendar: requested and confirmed bookings that touch [start, end)."""
    return (
        RoomBooking.objects.filter(
            room=room,
            status__in=[RoomBooking.Status.REQUESTED, RoomBooking.Status.CONFIRMED],
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("requested_by")
        .order_by("starts_at", "id")
    )


def station_map_points(actor: Actor) -> dict[str, list[dict[str, object]]]:
    """What the street map draws: the open stations with a position (name, type, link) and the
    communities of the actor's street with theirs (for the outline and labels). Two queries."""
    stations = [
        {
            "name": station.name,
            "type": station.type.name,
            "lat": float(station.latitude),
            "lng": float(station.longitude),
            "url": station.get_absolute_url(),
        }
        for station in station_list_visible_to(actor).filter(latitude__isnull=False, longitude__isnull=False)
        if station.latitude is not None and station.longitude is not None
    ]
    communities = [
        {"name": unit.name, "lat": float(unit.latitude), "lng": float(unit.longitude)}
        for unit in OrgUnit.objects.filter(
            street_reach_q(actor, Capability.STATION_VIEW, "path"),
            kind=OrgUnit.Kind.COMMUNITY,
            latitude__isnull=False,
            longitude__isnull=False,
        ).order_by("path")
        if unit.latitude is not None and unit.longitude is not None
    ]
    return {"stations": stations, "communities": communities}
