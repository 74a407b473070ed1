from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "activities",
        _("Activities"),
        "activities:list",
        lambda actor: actor.can_anywhere(Capability.ACTIVITY_VIEW),
        order=190,
        icon="people",
    )
)
