from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability

register(
    NavItem(
        "work_orders",
        _("Work orders"),
        "workorders:list",
        lambda actor: actor.can_anywhere(Capability.WORKORDER_VIEW),
        order=300,
        icon="check",
    )
)
register(
    NavItem(
        "work_orders_queue",
        _("Work order queue"),
        "workorders:queue",
        lambda actor: (
            actor.can_anywhere(Capability.WORKORDER_MANAGE) or actor.can_anywhere(Capability.WORKORDER_HANDLE)
        ),
        order=310,
        icon="check",
    )
)
