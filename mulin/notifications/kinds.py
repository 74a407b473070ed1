"""Notification kinds of the foundation itself."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

SECURITY_PASSWORD_CHANGED = register(
    NotificationKind(
        key="security.password_changed",
        label=_("Your password was changed"),
        title=_("Your password was changed"),
        body=_("If this was not you, contact your community office at once."),
        default_channels=frozenset({"sms"}),
        mandatory=True,
    )
)
ANNOUNCEMENT = register(
    NotificationKind(
        key="street.announcement",
        label=_("Announcements from the street or community"),
        title=_("%(subject)s"),
        body=_("%(text)s"),
        default_channels=frozenset(),
    )
)
