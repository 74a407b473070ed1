"""Notification kinds of activities. Parameters carry the activity's title and time only."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

register(
    NotificationKind(
        key="activities.promoted",
        label=_("A place freed up for me at an activity"),
        title=_("You have a place at “%(title)s”"),
        body=_("Someone cancelled, so you moved up from the waiting list. It starts %(when)s."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="activities.cancelled",
        label=_("An activity I signed up for was cancelled"),
        title=_("“%(title)s” on %(when)s is cancelled"),
        body=_("The organiser cancelled it. We are sorry for the trouble."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="activities.reminder_eve",
        label=_("Reminder the day before an activity I signed up for"),
        title=_("Tomorrow: “%(title)s” at %(time)s"),
        body=_("You signed up for this activity. If you cannot come, cancel your place so someone waiting gets it."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="activities.reminder_soon",
        label=_("Reminder an hour before an activity I signed up for"),
        title=_("In an hour: “%(title)s” at %(time)s"),
        body=_("Check in by scanning the activity's code when you arrive."),
    )
)
