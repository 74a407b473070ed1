from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability
from mulin.points.permissions import can_manage_rules

register(
    NavItem(
        "points", _("My service points"), "points:mine", lambda actor: actor.person is not None, order=140, icon="coin"
    )
)
register(
    NavItem(
        "points_people",
        _("People's service points"),
        "points:people",
        lambda actor: actor.can_anywhere(Capability.POINTS_MANAGE),
        order=520,
        icon="coin",
    )
)
register(NavItem("points_rules", _("Points rules"), "points:rules", can_manage_rules, order=610, icon="coin"))
register(
    NavItem("points_verify", _("Check a certificate"), "points:verify", lambda actor: True, order=700, icon="check")
)
