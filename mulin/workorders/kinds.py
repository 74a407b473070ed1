"""Notification kinds of work orders. Parameters carry the order's number, title, the party's
name and counts only, never a phone number or an address."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register
from mulin.organizations.roles import Capability as C

register(
    NotificationKind(
        key="workorders.reported",
        audience=frozenset({C.WORKORDER_MANAGE}),
        label=_("A problem was reported in my community"),
        title=_("New work order #%(number)s: “%(title)s”"),
        body=_("Category: %(category)s. Please accept it and send it to whoever is responsible."),
    )
)
register(
    NotificationKind(
        key="workorders.accepted",
        audience=frozenset({C.WORKORDER_REPORT}),
        label=_("A problem I reported was accepted"),
        title=_("Your report “%(title)s” was accepted"),
        body=_("The community office will send it to whoever is responsible."),
    )
)
register(
    NotificationKind(
        key="workorders.dispatched",
        audience=frozenset({C.WORKORDER_REPORT, C.WORKORDER_HANDLE}),
        label=_("A work order was sent to my unit, or a problem I reported was dispatched"),
        title=_("Work order #%(number)s “%(title)s” is with %(party)s"),
        body=_("See what needs doing and the deadline on the order's page."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.taken_away",
        audience=frozenset({C.WORKORDER_HANDLE}),
        label=_("A work order was given to another party"),
        title=_("Work order #%(number)s “%(title)s” went to another party"),
        body=_("There is nothing more for your unit to do on it."),
    )
)
register(
    NotificationKind(
        key="workorders.returned",
        audience=frozenset({C.WORKORDER_MANAGE}),
        label=_("A responsible party returned a work order"),
        title=_("%(party)s returned work order #%(number)s “%(title)s”"),
        body=_("Read the reason on the order's page and send it to the right party."),
    )
)
register(
    NotificationKind(
        key="workorders.resolved",
        audience=frozenset({C.WORKORDER_REPORT}),
        label=_("A problem I reported was fixed"),
        title=_("“%(title)s” was reported fixed by %(party)s"),
        body=_("Please have a look and confirm on the order's page, or send it back if it is not fixed."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.sent_back",
        audience=frozenset({C.WORKORDER_HANDLE}),
        label=_("A fixed work order was sent back"),
        title=_("Work order #%(number)s “%(title)s” is not fixed yet"),
        body=_("Read what is still wrong on the order's page."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.verified",
        audience=frozenset({C.WORKORDER_HANDLE, C.WORKORDER_MANAGE}),
        label=_("A fix was verified"),
        title=_("The fix of work order #%(number)s “%(title)s” was verified"),
        body=_("It can be closed now."),
    )
)
register(
    NotificationKind(
        key="workorders.closed",
        audience=frozenset({C.WORKORDER_REPORT}),
        label=_("A problem I reported was closed as fixed"),
        title=_("“%(title)s” is closed as fixed. Is it really fixed?"),
        body=_("Tell us on the order's page, and how satisfied you are. If it is not fixed you can reopen it."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.closed_unfixed",
        audience=frozenset({C.WORKORDER_REPORT}),
        label=_("A problem I reported was closed without a fix"),
        title=_("“%(title)s” was closed without a fix"),
        body=_("%(resolution)s. The reason is on the order's page; you can reopen it if you disagree."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.reopened",
        audience=frozenset({C.WORKORDER_MANAGE, C.WORKORDER_HANDLE}),
        label=_("A work order was reopened"),
        title=_("Work order #%(number)s “%(title)s” was reopened"),
        body=_("It is not fixed: read why on the order's page and dispatch it again."),
    )
)
register(
    NotificationKind(
        key="workorders.late_to_accept",
        audience=frozenset({C.WORKORDER_MANAGE}),
        label=_("A work order is waiting to be accepted"),
        title=_("Work order #%(number)s “%(title)s” has waited %(hours)s hours"),
        body=_("Please accept it and send it to whoever is responsible."),
    )
)
register(
    NotificationKind(
        key="workorders.overdue",
        audience=frozenset({C.WORKORDER_MANAGE, C.WORKORDER_HANDLE}),
        label=_("A work order is overdue"),
        title=_("Work order #%(number)s “%(title)s” is overdue"),
        body=_("Its deadline has passed. Fix it, or say on the order's page what holds it up."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="workorders.escalated",
        audience=frozenset({C.WORKORDER_MANAGE}),
        label=_("An overdue work order was escalated to the street"),
        title=_("Escalated: work order #%(number)s “%(title)s” of %(community)s"),
        body=_("It is well past its deadline. Please follow it up with the community and the responsible party."),
    )
)
