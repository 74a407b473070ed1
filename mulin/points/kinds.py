"""Notification kinds of the points ledger."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register
from mulin.organizations.roles import Capability as C

POINTS_CORRECTED = register(
    NotificationKind(
        key="points.corrected",
        audience=frozenset({C.WISH_CLAIM, C.ROSTER_DUTY}),
        label=_("A correction to your service points"),
        title=_("Your service record was corrected"),
        body=_(
            "%(points)s points and %(hours)s hours were booked as a correction. See your points page for the reason."
        ),
    )
)
