from django.utils.translation import gettext_lazy as _

from mulin.core.navigation import NavItem, register

register(
    NavItem(
        "points", _("My service points"), "points:mine", lambda actor: actor.person is not None, order=140, icon="coin"
    )
)
