"""Every write of stations, rooms and bookings: permission → validate → write → audit → notify
(after commit). A confirmed booking never overlaps another of the same room: the database refuses
it (migration 0002) and `_guarded` turns the refusal into a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.exceptions import ApplicationError
from mulin.core.inputs import clean_text
from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, Role
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import community_staff
from mulin.stations.models import Room, RoomBooking, Station, StationType
from mulin.stations.permissions import (
    can_manage_station,
    ensure_can_book_room,
    ensure_can_cancel_booking,
    ensure_can_decide_booking,
)
from mulin.stations.transitions import BOOKING_LIFECYCLE

TITLE_MAX = 80
REASON_MAX = 200
MAX_BOOKING = dt.timedelta(hours=12)
K = OrgUnit.Kind


class BookingRefused(ApplicationError):
    """The room is taken at that time (HTTP 409)."""

    status = 409
    code = "booking_overlap"


@contextmanager
def _guarded() -> Iterator[None]:
    """Turn the database's refusal of an overlapping confirmed booking into a message."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise BookingRefused(
                _("The room is already booked for part of that time. Choose another time or room.")
            ) from exc
        raise


def _audit(verb: str, actor: Actor, target: Any, scope_path: str, **data: Any) -> None:
    audit_record(verb=f"stations.{verb}", actor=actor.person, target=target, scope_path=scope_path, data=data)


@transaction.atomic
def station_save(
    *,
    actor: Actor,
    community: OrgUnit,
    type: StationType,
    name: str,
    address: str,
    station: Station | None = None,
    partner: OrgUnit | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    area_m2: int | None = None,
    opening_hours: str = "",
    brand: str = "",
    description: str = "",
    opened_on: dt.date | None = None,
) -> Station:
    """Create a station of a community, or change one (its community's staff, or the street)."""
    if community.kind != K.COMMUNITY:
        raise ValidationError({"community": [_("A station is hosted by a community.")]})
    if not actor.can(Capability.STATION_MANAGE, community.path):
        raise PermissionDenied(_("Only the community's staff keep its stations."))
    if partner is not None and partner.kind != K.PARTNER_UNIT:
        raise ValidationError({"partner": [_("Choose a partner unit.")]})
    fields = {
        "community": community,
        "scope_path": community.path,
        "type": type,
        "partner": partner,
        "name": clean_text(name, field="name", max_length=60, required=True, message=_("Give the station a name.")),
        "address": clean_text(address, field="address", max_length=120, required=True, message=_("Give the address.")),
        "latitude": latitude,
        "longitude": longitude,
        "area_m2": area_m2,
        "opening_hours": clean_text(opening_hours, field="opening_hours", max_length=120),
        "brand": clean_text(brand, field="brand", max_length=60),
        "description": clean_text(description, field="description", max_length=1000),
        "opened_on": opened_on,
    }
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Give both latitude and longitude, or neither.")]})
    if (
        Station.objects.filter(community=community, name=fields["name"])
        .exclude(pk=station.pk if station is not None else 0)
        .exists()
    ):
        raise ValidationError({"name": [_("This community already has a station of that name.")]})
    if station is None:
        station = Station.objects.create(**fields)
        _audit("station_created", actor, station, station.scope_path)
    else:
        if not can_manage_station(actor, station):
            raise PermissionDenied(_("Only the community's staff keep its stations."))
        for key, value in fields.items():
            setattr(station, key, value)
        station.save()
        Room.objects.filter(station=station).update(scope_path=station.scope_path)
        _audit("station_changed", actor, station, station.scope_path)
    return station


@transaction.atomic
def room_save(
    *,
    actor: Actor,
    station: Station,
    name: str,
    capacity: int,
    floor: int = 1,
    purpose: str = "",
    is_bookable: bool = True,
    room: Room | None = None,
) -> Room:
    """Add a room to a station, or change one (the station's staff)."""
    if not can_manage_station(actor, station):
        raise PermissionDenied(_("Only the community's staff keep its stations."))
    name = clean_text(name, field="name", max_length=60, required=True, message=_("Give the room a name."))
    if not 1 <= int(capacity) <= 2000:
        raise ValidationError({"capacity": [_("Enter a number from %(low)s to %(high)s.") % {"low": 1, "high": 2000}]})
    if not -5 <= int(floor) <= 60:
        raise ValidationError({"floor": [_("Enter a number from %(low)s to %(high)s.") % {"low": -5, "high": 60}]})
    if Room.objects.filter(station=station, name=name).exclude(pk=room.pk if room is not None else 0).exists():
        raise ValidationError({"name": [_("This station already has a room of that name.")]})
    fields = {
        "station": station,
        "scope_path": station.scope_path,
        "name": name,
        "capacity": int(capacity),
        "floor": int(floor),
        "purpose": clean_text(purpose, field="purpose", max_length=120),
        "is_bookable": is_bookable,
    }
    if room is None:
        room = Room.objects.create(**fields)
    else:
        for key, value in fields.items():
            setattr(room, key, value)
        room.save()
    _audit("room_saved", actor, room, room.scope_path)
    return room


def _when(booking: RoomBooking) -> str:
    return f"{timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(booking.ends_at):%H:%M}"


def _params(booking: RoomBooking) -> dict[str, str]:
    return {
        "room": booking.room.name,
        "station": booking.room.station.name,
        "title": booking.title,
        "when": _when(booking),
    }


def _clean_times(starts_at: dt.datetime, ends_at: dt.datetime, *, now: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The end must come after the start.")]})
    if ends_at - starts_at > MAX_BOOKING:
        raise ValidationError({"ends_at": [_("A booking lasts at most 12 hours.")]})
    if starts_at < now:
        raise ValidationError({"starts_at": [_("Choose a time in the future.")]})


@transaction.atomic
def booking_request(
    *, actor: Actor, room: Room, title: str, starts_at: dt.datetime, ends_at: dt.datetime
) -> RoomBooking:
    """Ask for a room for a time. The station's own staff get it confirmed at once; others wait for
    approval. Refused (BookingRefused, 409) when it would overlap a confirmed booking."""
    ensure_can_book_room(actor, room)
    title = clean_text(
        title, field="title", max_length=TITLE_MAX, required=True, message=_("Say what the room is for.")
    )
    _clean_times(starts_at, ends_at, now=timezone.now())
    confirm = can_manage_station(actor, room.station)
    now = timezone.now()
    with _guarded():
        booking = RoomBooking.objects.create(
            room=room,
            scope_path=room.scope_path,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            requested_by=actor.person,
            status=RoomBooking.Status.CONFIRMED if confirm else RoomBooking.Status.REQUESTED,
            decided_by=actor.person if confirm else None,
            decided_at=now if confirm else None,
        )
    _audit("booking_requested", actor, booking, booking.scope_path, confirmed=confirm)
    if not confirm:
        staff = community_staff(room.station.community_id, (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER))
        notification_send(
            kind="stations.booking_requested",
            recipients=staff,
            params=_params(booking),
            url=reverse("stations:bookings"),
        )
    return booking


@transaction.atomic
def booking_approve(*, actor: Actor, booking: RoomBooking) -> RoomBooking:
    """Confirm a requested booking; refused (409) if a confirmed one now overlaps it."""
    ensure_can_decide_booking(actor, booking)
    with _guarded():
        BOOKING_LIFECYCLE.apply(booking, "approve", decided_by=actor.person, decided_at=timezone.now())
    _audit("booking_approved", actor, booking, booking.scope_path)
    notification_send(
        kind="stations.booking_approved",
        recipients=[booking.requested_by],
        params=_params(booking),
        url=reverse("stations:bookings"),
    )
    return booking


@transaction.atomic
def booking_decline(*, actor: Actor, booking: RoomBooking, reason: str) -> RoomBooking:
    """Decline a requested booking, with a reason the asker sees."""
    ensure_can_decide_booking(actor, booking)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX, required=True, message=_("Say why the booking is declined.")
    )
    BOOKING_LIFECYCLE.apply(booking, "decline", decided_by=actor.person, decided_at=timezone.now(), reason=reason)
    _audit("booking_declined", actor, booking, booking.scope_path)
    notification_send(
        kind="stations.booking_declined",
        recipients=[booking.requested_by],
        params=_params(booking),
        url=reverse("stations:bookings"),
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: RoomBooking) -> RoomBooking:
    """Cancel a booking (whoever asked, or the station's staff): the room is free again."""
    ensure_can_cancel_booking(actor, booking)
    BOOKING_LIFECYCLE.apply(booking, "cancel")
    _audit("booking_cancelled", actor, booking, booking.scope_path)
    return booking
