from django.utils.translation import gettext_lazy as _

from mulin.organizations.roles import Capability
from mulin.web.navigation import NavItem, register

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
