"""Notification kinds of duty rosters. Parameters carry the point's name, the date and the hours,
never a phone number or an address."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register
from mulin.organizations.roles import Capability as C

register(
    NotificationKind(
        key="rosters.assigned",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("I was put on a duty shift"),
        title=_("Duty at %(point)s on %(date)s, %(time)s"),
        body=_("An organiser put you on this garbage-sorting shift. If you cannot come, ask for leave in My duty."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.roster_applied",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("A new roster gave me duty shifts"),
        title=_("You have %(count)s duty shifts in %(period)s"),
        body=_("The first is at %(point)s on %(date)s, %(time)s. See all of them in My duty."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.removed",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("I was taken off a duty shift"),
        title=_("You are no longer on duty at %(point)s on %(date)s, %(time)s"),
        body=_("An organiser took you off this shift."),
    )
)
register(
    NotificationKind(
        key="rosters.shift_cancelled",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("A shift I was on was cancelled"),
        title=_("Cancelled: duty at %(point)s on %(date)s, %(time)s"),
        body=_("This shift will not take place. Thank you all the same."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.request_approved",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("My leave or swap request was approved"),
        title=_("Approved: your request for %(point)s on %(date)s, %(time)s"),
        body=_("The roster has been changed accordingly."),
    )
)
register(
    NotificationKind(
        key="rosters.request_declined",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("My leave or swap request was declined"),
        title=_("Declined: your request for %(point)s on %(date)s, %(time)s"),
        body=_("You are still on duty for this shift. Talk to the organiser if you cannot come."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.swap_taken",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("I took over a shift in a swap"),
        title=_("You took over duty at %(point)s on %(date)s, %(time)s"),
        body=_("The swap was approved. Thank you for standing in."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.reminder_eve",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("Reminder the evening before my duty"),
        title=_("Tomorrow: duty at %(point)s, %(time)s"),
        body=_("Thank you for standing duty. Check in by scanning the point's code when you arrive."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="rosters.reminder_soon",
        audience=frozenset({C.ROSTER_DUTY}),
        label=_("Reminder half an hour before my duty"),
        title=_("In half an hour: duty at %(point)s, %(time)s"),
        body=_("Check in by scanning the point's code when you arrive."),
    )
)
register(
    NotificationKind(
        key="rosters.understaffed",
        audience=frozenset({C.ROSTER_MANAGE}),
        label=_("Shifts in my community are short of people"),
        title=_("%(count)s shifts in the next 24 hours are short of people"),
        body=_("The first is at %(point)s on %(date)s, %(time)s. Open the week's roster to fill the gaps."),
    )
)
register(
    NotificationKind(
        key="rosters.autofill_done",
        audience=frozenset({C.ROSTER_MANAGE}),
        label=_("An auto-fill I started has finished"),
        title=_("The auto-fill of %(period)s is ready to review"),
        body=_("It filled %(filled)s of %(needed)s places. Review it, then apply it."),
    )
)
