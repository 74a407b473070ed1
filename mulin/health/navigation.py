from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "health",
        _("Health checks"),
        "health:mine",
        lambda actor: (
            actor.person is not None
            and (actor.can_anywhere(Capability.ACTIVITY_JOIN) or actor.can_anywhere(Capability.HEALTH_RECORD))
        ),
        order=195,
        icon="heart",
    )
)
