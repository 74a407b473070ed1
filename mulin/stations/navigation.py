from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "stations",
        _("Stations"),
        "stations:list",
        lambda actor: actor.can_anywhere(Capability.STATION_VIEW),
        order=200,
        icon="home",
    )
)
register(
    NavItem(
        "bookings",
        _("Room bookings"),
        "stations:bookings",
        lambda actor: actor.can_anywhere(Capability.STATION_BOOK),
        order=210,
        icon="check",
    )
)
