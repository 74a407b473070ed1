"""Notification kinds of the roundtable. Parameters carry the topic's number, title and level
only, never a name, a phone number or an address."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register

register(
    NotificationKind(
        key="roundtable.raised",
        label=_("A topic was raised at a level I handle"),
        title=_("New topic #%(number)s: “%(title)s”"),
        body=_("Level: %(level)s. Handle it here or escalate it with a reason."),
    )
)
register(
    NotificationKind(
        key="roundtable.escalated",
        label=_("A topic was escalated to a level I handle, or a topic I raised was escalated"),
        title=_("Topic #%(number)s “%(title)s” was escalated to the %(level)s level"),
        body=_("See the reason in the topic's history."),
    )
)
register(
    NotificationKind(
        key="roundtable.merged",
        label=_("A topic I raised was merged into another"),
        title=_("Your topic “%(title)s” was merged into topic #%(into)s"),
        body=_("You are counted among its supporters; follow it there."),
    )
)
register(
    NotificationKind(
        key="roundtable.meeting_scheduled",
        label=_("I am invited to a roundtable"),
        title=_("Roundtable “%(title)s”: %(when)s"),
        body=_("Where: %(where)s. See the agenda on the roundtable's page."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="roundtable.decided",
        label=_("A roundtable I took part in decided a topic"),
        title=_("Topic #%(number)s “%(title)s” was decided"),
        body=_("Decision: %(outcome)s"),
    )
)
register(
    NotificationKind(
        key="roundtable.rate_asked",
        label=_("A topic I raised or joined is done: rate it"),
        title=_("Topic #%(number)s “%(title)s” is done — how satisfied are you?"),
        body=_("Rate it from 1 to 5 on the topic's page. If most are not satisfied, it is reopened."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="roundtable.reopened",
        label=_("A topic I handle was reopened: residents are not satisfied"),
        title=_("Topic #%(number)s “%(title)s” was reopened (rated %(average)s of 5)"),
        body=_("Residents are not satisfied with the outcome. Take it up again."),
    )
)
