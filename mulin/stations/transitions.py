"""The lifecycle of a room booking, in one place (core/statemachine.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.statemachine import StateMachine, Transition
from mulin.stations.models import RoomBooking

S = RoomBooking.Status

BOOKING_LIFECYCLE = StateMachine(
    RoomBooking,
    [
        Transition("approve", frozenset({S.REQUESTED}), S.CONFIRMED, _("This booking is no longer awaiting approval.")),
        Transition("decline", frozenset({S.REQUESTED}), S.DECLINED, _("This booking is no longer awaiting approval.")),
        Transition("cancel", frozenset({S.REQUESTED, S.CONFIRMED}), S.CANCELLED, _("This booking is already closed.")),
    ],
    code="booking",
)
