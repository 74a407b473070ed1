from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "patrols",
        _("River patrols"),
        "patrols:rivers",
        lambda actor: actor.can_anywhere(Capability.PATROL_VIEW),
        order=320,
        icon="log",
    )
)
register(
    NavItem(
        "campaigns",
        _("Inspection campaigns"),
        "patrols:campaigns",
        lambda actor: actor.can_anywhere(Capability.PATROL_VIEW),
        order=330,
        icon="check",
    )
)
