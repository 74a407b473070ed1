from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register

register(
    NavItem(
        "inbox",
        _("Notifications"),
        "notifications:inbox",
        lambda actor: actor.person is not None,
        order=50,
        icon="bell",
    )
)
