"""Attention items of the foundation: locked sign-ins and refused actions."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mulin.accounts.selectors import lockout_list_active, network_limits_active
from mulin.core.attention import AttentionItem, register
from mulin.core.models import AuditEvent
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor


@register
def locked_sign_ins(actor: Actor) -> list[AttentionItem]:
    if not actor.can_anywhere(Capability.SECURITY_MANAGE):
        return []
    locked = lockout_list_active().count() + len(network_limits_active())
    return [AttentionItem(_("Locked sign-ins"), locked, reverse("web:lockouts"), level="warning" if locked else "info")]


@register
def refused_actions(actor: Actor) -> list[AttentionItem]:
    if not actor.can_anywhere(Capability.AUDIT_VIEW):
        return []
    since = timezone.now() - timedelta(days=1)
    count = AuditEvent.objects.filter(created_at__gte=since, outcome="fail").count()
    return [
        AttentionItem(
            _("Failed sign-ins and refused actions, last 24 hours"),
            count,
            reverse("web:audit_log") + "?outcome=fail",
            level="warning" if count else "info",
        )
    ]
