"""Home-page items of the people pages: who cannot be reached."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.attention import AttentionItem, register
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_count_missing_phone


@register
def people_missing_phone(actor: Actor) -> list[AttentionItem]:
    if not actor.can_anywhere(Capability.PEOPLE_MANAGE):
        return []
    count = person_count_missing_phone(actor)
    if not count:
        return []
    return [
        AttentionItem(
            _("People without a mobile number"),
            count,
            reverse("organizations:people") + "?missing_phone=on",
            hint=_("They miss text-message notices; add a number when you next meet them."),
        )
    ]
