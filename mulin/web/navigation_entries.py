from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(NavItem("home", _("Home"), "web:home", lambda actor: True, order=0, icon="home"))
register(
    NavItem(
        "lockouts",
        _("Locked sign-ins"),
        "web:lockouts",
        lambda actor: actor.can_anywhere(Capability.SECURITY_MANAGE),
        order=880,
        icon="lock",
    )
)
register(
    NavItem(
        "audit",
        _("Audit log"),
        "web:audit_log",
        lambda actor: actor.can_anywhere(Capability.AUDIT_VIEW),
        order=900,
        icon="log",
    )
)
register(
    NavItem(
        "admin_site",
        _("System administration"),
        "admin:index",
        lambda actor: actor.can_anywhere(Capability.ADMIN_SITE),
        order=950,
        icon="tree",
    )
)
