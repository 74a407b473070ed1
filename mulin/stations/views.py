"""Station pages: the street's stations, one station with its rooms by floor, a room's calendar
with the booking form, and the bookings page (mine and those to decide). Thin: parse, call one
selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.organizations.middleware import request_actor
from mulin.organizations.roles import Capability
from mulin.stations.forms import BookingForm, DeclineForm
from mulin.stations.models import RoomBooking
from mulin.stations.permissions import (
    access_booking_by_id,
    access_room_by_id,
    access_station_by_id,
    can_book_room,
    can_cancel_booking,
    can_decide_booking,
    can_manage_station,
)
from mulin.stations.selectors import (
    booking_list_for_room,
    booking_list_visible_to,
    room_list,
    station_list_visible_to,
    station_map_points,
)
from mulin.stations.services import booking_approve, booking_cancel, booking_decline, booking_request

CALENDAR_DAYS = 14


@require_safe
def station_list_view(request: HttpRequest) -> HttpResponse:
    """The street's stations (红色坐标) with their type, host and address."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.STATION_VIEW):
        raise PermissionDenied(_("You may not see the stations."))
    return render(request, "stations/station_list.html", {"stations": list(station_list_visible_to(actor))})


@require_safe
def station_map_view(request: HttpRequest) -> HttpResponse:
    """The street map of stations: Leaflet served locally; without a tile server (the default on an
    intranet) it draws the street's outline and the points on a plain background."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.STATION_VIEW):
        raise PermissionDenied(_("You may not see the stations."))
    data = {
        **station_map_points(actor),
        "tiles": settings.MULIN_MAP_TILE_URL,
        "attribution": settings.MULIN_MAP_TILE_ATTRIBUTION,
    }
    return render(request, "stations/station_map.html", {"map_data": data, "count": len(data["stations"])})


@require_safe
def station_detail_view(request: HttpRequest, station_id: int) -> HttpResponse:
    actor = request_actor(request)
    station = access_station_by_id(actor, station_id)
    rooms = list(room_list(station))
    floors: dict[int, list] = {}
    for room in rooms:
        floors.setdefault(room.floor, []).append(room)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "floors": sorted(floors.items()),
            "can_book": any(can_book_room(actor, room) for room in rooms),
            "can_manage": can_manage_station(actor, station),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def room_view(request: HttpRequest, room_id: int) -> HttpResponse:
    """A room's next two weeks, and the booking form for those who may ask for it."""
    actor = request_actor(request)
    room = access_room_by_id(actor, room_id)
    may_book = can_book_room(actor, room)
    form = BookingForm(request.POST or None)
    if request.method == "POST":
        if not may_book:
            raise PermissionDenied(_("You may not book this room."))
        if form.is_valid():
            try:
                booking = booking_request(actor=actor, room=room, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                form_add_errors(form, exc)
            else:
                if booking.status == RoomBooking.Status.CONFIRMED:
                    messages.success(request, _("The room is booked."))
                else:
                    messages.success(request, _("Your booking was sent to the station's staff for approval."))
                return redirect("stations:bookings")
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    bookings = list(booking_list_for_room(room, start=start, end=start + dt.timedelta(days=CALENDAR_DAYS)))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "stations/room.html",
        {"room": room, "bookings": bookings, "form": form if may_book else None},
        status=status,
    )


@require_safe
def booking_list_view(request: HttpRequest) -> HttpResponse:
    """Bookings I asked for, and (staff) those waiting for my decision."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.STATION_BOOK):
        raise PermissionDenied(_("You may not book rooms."))
    rows = list(booking_list_visible_to(actor)[:100])
    to_decide = [b for b in rows if b.status == RoomBooking.Status.REQUESTED and can_decide_booking(actor, b)]
    mine = [b for b in rows if b.requested_by_id == actor.person_id]
    return render(
        request,
        "stations/bookings.html",
        {
            "to_decide": to_decide,
            "mine": mine,
            "decline_form": DeclineForm(),
            "cancellable": {b.pk for b in mine if can_cancel_booking(actor, b)},
        },
    )


@require_POST
def booking_action_view(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    """Approve, decline or cancel a booking from the bookings page."""
    actor = request_actor(request)
    booking = access_booking_by_id(actor, booking_id)
    try:
        if action == "approve":
            booking_approve(actor=actor, booking=booking)
            messages.success(request, _("The booking is confirmed."))
        elif action == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            booking_decline(actor=actor, booking=booking, reason=reason)
            messages.success(request, _("The booking was declined."))
        elif action == "cancel":
            booking_cancel(actor=actor, booking=booking)
            messages.success(request, _("The booking was cancelled."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stations:bookings")
