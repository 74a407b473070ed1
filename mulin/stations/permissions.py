"""Who may do what with stations, rooms and bookings. The same predicates decide the buttons on
the page and the checks in the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.stations.models import Room, RoomBooking, Station
from mulin.stations.selectors import booking_list_visible_to, station_list_visible_to


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        raise Http404 from None


def access_station_by_id(actor: Actor, station_id: int | str) -> Station:
    """The station if the actor's street holds it; Http404 for missing and not-yours alike."""
    station = station_list_visible_to(actor).filter(pk=_pk(station_id)).first()
    if station is None:
        raise Http404
    return station


def access_room_by_id(actor: Actor, room_id: int | str) -> Room:
    room = Room.objects.select_related("station").filter(pk=_pk(room_id), station__is_active=True).first()
    if room is None or not actor.can_street_wide(Capability.STATION_VIEW, room.scope_path):
        raise Http404
    return room


def access_booking_by_id(actor: Actor, booking_id: int | str) -> RoomBooking:
    booking = booking_list_visible_to(actor).filter(pk=_pk(booking_id)).first()
    if booking is None:
        raise Http404
    return booking


def can_manage_station(actor: Actor, station: Station) -> bool:
    """Staff of the host community (and the street) keep the station and decide on bookings."""
    return actor.can(Capability.STATION_MANAGE, station.scope_path)


def can_book_room(actor: Actor, room: Room) -> bool:
    """Branches, partner units and staff ask for bookable rooms anywhere in their street."""
    if not actor.is_authenticated:
        return False
    if not room.is_bookable:
        return False
    return actor.can_street_wide(Capability.STATION_BOOK, room.scope_path)


def ensure_can_book_room(actor: Actor, room: Room) -> None:
    if not can_book_room(actor, room):
        raise PermissionDenied(_("You may not book this room."))


def can_decide_booking(actor: Actor, booking: RoomBooking) -> bool:
    """The station's staff approve or decline a booking."""
    return actor.can(Capability.STATION_MANAGE, booking.scope_path)


def ensure_can_decide_booking(actor: Actor, booking: RoomBooking) -> None:
    if not can_decide_booking(actor, booking):
        raise PermissionDenied(_("Only the station's staff decide on bookings."))


def can_cancel_booking(actor: Actor, booking: RoomBooking) -> bool:
    """Whoever asked, or the station's staff."""
    if actor.person_id is not None and actor.person_id == booking.requested_by_id:
        return True
    return can_decide_booking(actor, booking)


def ensure_can_cancel_booking(actor: Actor, booking: RoomBooking) -> None:
    if not can_cancel_booking(actor, booking):
        raise PermissionDenied(_("Only whoever asked for the booking, or the station's staff, may cancel it."))
