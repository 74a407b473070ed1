from django.utils.translation import gettext_lazy as _

from mulin.organizations.roles import Capability
from mulin.web.navigation import NavItem, register

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
