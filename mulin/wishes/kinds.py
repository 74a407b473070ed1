"""Notification kinds of the wish wall. Parameters carry the wish's public title and numbers only,
never a phone number or an address."""

from django.utils.translation import gettext_lazy as _

from mulin.notifications.registry import NotificationKind, register
from mulin.organizations.roles import Capability as C

register(
    NotificationKind(
        key="wishes.published",
        audience=frozenset({C.WISH_POST}),
        label=_("My wish was put on the wall"),
        title=_("Your wish “%(title)s” is on the wall"),
        body=_("Party members and volunteers nearby can now see it and offer help."),
    )
)
register(
    NotificationKind(
        key="wishes.rejected",
        audience=frozenset({C.WISH_POST}),
        label=_("My wish was not published"),
        title=_("Your wish “%(title)s” was not published"),
        body=_("The community office gave a reason on the wish's page. You may post it again in other words."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="wishes.claimed",
        audience=frozenset({C.WISH_POST}),
        label=_("Someone claimed my wish"),
        title=_("Your wish “%(title)s” has been claimed"),
        body=_("%(claimant)s will help you and may call you to arrange a time."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="wishes.released",
        audience=frozenset({C.WISH_POST}),
        label=_("A claim on my wish was released"),
        title=_("Your wish “%(title)s” is back on the wall"),
        body=_("The helper could not do it; someone else can claim it now."),
    )
)
register(
    NotificationKind(
        key="wishes.fulfilled",
        audience=frozenset({C.WISH_POST}),
        label=_("My wish was fulfilled"),
        title=_("Your wish “%(title)s” has been fulfilled"),
        body=_("Please confirm, say thanks and rate the help on the wish's page."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="wishes.closed",
        audience=frozenset({C.WISH_CLAIM}),
        label=_("A wish I fulfilled was confirmed"),
        title=_("“%(title)s” was confirmed: thank you"),
        body=_("The wisher rated your help %(rating)s of 5. %(points)s service points were booked for you."),
    )
)
register(
    NotificationKind(
        key="wishes.withdrawn",
        audience=frozenset({C.WISH_CLAIM}),
        label=_("A wish I claimed was withdrawn"),
        title=_("“%(title)s” was withdrawn by the wisher"),
        body=_("There is nothing more to do for this wish."),
    )
)
register(
    NotificationKind(
        key="wishes.unclaimed",
        audience=frozenset({C.WISH_MODERATE}),
        label=_("A wish in my community is still unclaimed"),
        title=_("“%(title)s” has waited %(days)s days without a helper"),
        body=_("Consider asking a branch or a partner unit to take it on."),
    )
)
register(
    NotificationKind(
        key="wishes.claim_reminder",
        audience=frozenset({C.WISH_CLAIM}),
        label=_("Reminder about a wish I claimed"),
        title=_("Reminder: “%(title)s” is still open"),
        body=_("You claimed it %(days)s days ago. Fulfil it, or release it so someone else can help."),
        default_channels=frozenset({"sms"}),
    )
)
register(
    NotificationKind(
        key="wishes.claim_expired",
        audience=frozenset({C.WISH_CLAIM}),
        label=_("A claim expired and the wish went back on the wall"),
        title=_("The claim on “%(title)s” expired"),
        body=_("It was claimed %(days)s days ago and not fulfilled, so it is back on the wall."),
    )
)
register(
    NotificationKind(
        key="wishes.suggested",
        audience=frozenset({C.WISH_CLAIM}),
        label=_("A wish near me matches what I can offer"),
        title=_("A wish near you: “%(title)s”"),
        body=_("It is in %(place)s and suits what you offer. Have a look if you can help."),
    )
)
register(
    NotificationKind(
        key="wishes.awaiting_review",
        audience=frozenset({C.WISH_MODERATE}),
        label=_("A new wish in my community awaits verification"),
        title=_("New wish to verify: “%(title)s”"),
        body=_("Posted in %(place)s. Check it with the resident, then put it on the wall or give a reason."),
    )
)
