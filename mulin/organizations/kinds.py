"""Notification kinds of people administration. No number and no name in the parameters (a role's
and a unit's name at most)."""

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
register(
    NotificationKind(
        key="organizations.role_granted",
        label=_("I was given a role"),
        title=_("You are now %(role)s at %(unit)s"),
        body=_("Sign in to see what you can do in this role."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="organizations.role_revoked",
        label=_("A role of mine was removed"),
        title=_("You are no longer %(role)s at %(unit)s"),
        mandatory=True,
    )
)
