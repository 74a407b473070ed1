"""Notification kinds of stations: room bookings asked for and decided. Parameters carry the room,
the station and the time only."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

register(
    NotificationKind(
        key="stations.booking_requested",
        label=_("Someone asked for a room of a station I keep"),
        title=_("%(room)s of %(station)s is asked for on %(when)s"),
        body=_("“%(title)s”. Approve or decline it on the bookings page."),
    )
)
register(
    NotificationKind(
        key="stations.booking_approved",
        label=_("My room booking was approved"),
        title=_("Your booking of %(room)s on %(when)s is confirmed"),
        body=_("“%(title)s” at %(station)s."),
    )
)
register(
    NotificationKind(
        key="stations.booking_declined",
        label=_("My room booking was declined"),
        title=_("Your booking of %(room)s on %(when)s was declined"),
        body=_("The station's staff gave a reason on the bookings page."),
    )
)
