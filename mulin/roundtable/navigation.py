from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "roundtable",
        _("Roundtable"),
        "roundtable:list",
        lambda actor: actor.can_anywhere(Capability.TOPIC_VIEW),
        order=320,
        icon="people",
    )
)
