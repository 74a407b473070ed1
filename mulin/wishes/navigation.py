from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register
from mulin.organizations.roles import Capability
from mulin.wishes.permissions import can_manage_categories

register(
    NavItem(
        "wishes",
        _("Wish wall"),
        "wishes:wall",
        lambda actor: actor.can_anywhere(Capability.WISH_VIEW),
        order=100,
        icon="heart",
    )
)
register(
    NavItem(
        "my_wishes",
        _("My wishes"),
        "wishes:mine",
        lambda actor: actor.can_anywhere(Capability.WISH_POST) or actor.can_anywhere(Capability.WISH_CLAIM),
        order=110,
        icon="wish",
    )
)
register(
    NavItem(
        "wishes_for_me",
        _("Wishes near me"),
        "wishes:for_me",
        lambda actor: actor.can_anywhere(Capability.WISH_CLAIM),
        order=120,
        icon="hand",
    )
)
register(
    NavItem(
        "wishes_review",
        _("Verify wishes"),
        "wishes:review",
        lambda actor: actor.can_anywhere(Capability.WISH_MODERATE),
        order=130,
        icon="check",
    )
)
register(
    NavItem(
        "wishes_stats",
        _("Wish statistics"),
        "wishes:stats",
        lambda actor: actor.can_anywhere(Capability.WISH_MODERATE),
        order=600,
        icon="chart",
    )
)
register(
    NavItem("wish_categories", _("Wish categories"), "wishes:categories", can_manage_categories, order=605, icon="wish")
)
