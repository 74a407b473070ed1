"""Reads of a person's notifications and preferences; always for one recipient."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mulin.notifications import registry
from mulin.notifications.models import Notification, NotificationPreference


def notification_list_for(person: Any) -> QuerySet[Notification]:
    """The person's own notifications, newest first (nobody reads another person's inbox)."""
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-id")


def unread_count(person: Any) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def preference_matrix(person: Any) -> list[dict[str, Any]]:
    """One row per kind with the effective on/off state of each outside channel."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(person=person).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in registry.all_kinds():
        states = {
            channel: kind.mandatory or stored.get((kind.key, channel), channel in kind.default_channels)
            for channel in NotificationPreference.Channel.values
        }
        rows.append({"kind": kind, "states": states})
    return rows
