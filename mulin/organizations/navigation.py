from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "people",
        _("People"),
        "organizations:people",
        lambda actor: actor.can_anywhere(Capability.PEOPLE_VIEW),
        order=500,
        icon="people",
    )
)
register(
    NavItem(
        "tree",
        _("Organisation"),
        "organizations:tree",
        lambda actor: actor.can_anywhere(Capability.ORG_VIEW),
        order=510,
        icon="tree",
    )
)
