"""Notification kinds of people administration. No number and no name in the parameters."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

PERSON_DUPLICATE_REPORTED = register(
    NotificationKind(
        key="organizations.person_duplicate_reported",
        label=_("A number was registered twice in the street (for merging)"),
        title=_("A person may have been registered twice"),
        body=_(
            "A community registered a mobile or ID number that another community already has. "
            "Check the two records and merge them."
        ),
        default_channels=frozenset(),
    )
)
