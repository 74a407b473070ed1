"""Home-page item of the notifications: unread messages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.attention import AttentionItem, register
from mulin.notifications.selectors import unread_count
from mulin.organizations.scoping import Actor


@register
def unread_notifications(actor: Actor) -> list[AttentionItem]:
    if actor.person is None:
        return []
    count = unread_count(actor.person)
    if not count:
        return []
    return [AttentionItem(_("Unread notifications"), count, reverse("notifications:inbox"), level="warning")]
