"""Home-page items of work orders: one query for all of them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.attention import AttentionItem, register
from mulin.organizations.scoping import Actor
from mulin.workorders.selectors import attention_counts


@register
def work_order_items(actor: Actor) -> list[AttentionItem]:
    counts = attention_counts(actor)
    items = []
    if counts.get("to_triage"):
        items.append(
            AttentionItem(
                _("Work orders to accept, dispatch or close"), counts["to_triage"], reverse("workorders:queue")
            )
        )
    if counts.get("overdue"):
        items.append(
            AttentionItem(
                _("Overdue work orders"),
                counts["overdue"],
                reverse("workorders:list") + "?show=overdue",
                level="urgent",
            )
        )
    if counts.get("assigned"):
        items.append(
            AttentionItem(
                _("Work orders sent to my unit"), counts["assigned"], reverse("workorders:queue"), level="warning"
            )
        )
    if counts.get("to_verify"):
        items.append(
            AttentionItem(
                _("My reported problems to check"), counts["to_verify"], reverse("workorders:mine"), level="urgent"
            )
        )
    return items
