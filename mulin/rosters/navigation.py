from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "my_duty",
        _("My duty"),
        "rosters:mine",
        lambda actor: actor.can_anywhere(Capability.ROSTER_DUTY),
        order=140,
        icon="check",
    )
)
