"""Home-page items of the wish wall: one query for all of them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.attention import AttentionItem, register
from mulin.organizations.scoping import Actor
from mulin.wishes.selectors import attention_counts


@register
def wish_items(actor: Actor) -> list[AttentionItem]:
    counts = attention_counts(actor)
    items = []
    if counts.get("to_review"):
        items.append(
            AttentionItem(
                _("Wishes awaiting verification"), counts["to_review"], reverse("wishes:review"), level="warning"
            )
        )
    if counts.get("to_confirm_for"):
        items.append(
            AttentionItem(
                _("Fulfilled wishes of offline residents to confirm"),
                counts["to_confirm_for"],
                reverse("wishes:review") + "#confirm",
            )
        )
    if counts.get("my_claims"):
        items.append(AttentionItem(_("Wishes I have claimed"), counts["my_claims"], reverse("wishes:mine") + "#claims"))
    if counts.get("to_confirm"):
        items.append(
            AttentionItem(
                _("My fulfilled wishes to confirm"), counts["to_confirm"], reverse("wishes:mine"), level="urgent"
            )
        )
    return items
