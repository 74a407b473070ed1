"""Notification kinds of the points ledger."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

POINTS_CORRECTED = register(
    NotificationKind(
        key="points.corrected",
        label=_("A correction to your service points"),
        title=_("Your service record was corrected"),
        body=_(
            "%(points)s points and %(hours)s hours were booked as a correction. See your points page for the reason."
        ),
    )
)
