"""Reads of a person's notifications and preferences; always for one recipient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from mulin.core.types import ActorLike
from mulin.notifications import registry
from mulin.notifications.models import Notification, NotificationPreference


def notification_list_for(person: Any) -> QuerySet[Notification]:
    """The person's own notifications, newest first (nobody reads another person's inbox)."""
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-id")


# The bell's count is on every page; it changes only when a notification is sent to the person
# or they read some (both in services.py, which forget it). A minute bounds any staleness from
# writes that bypass the services.
UNREAD_CACHE_SECONDS = 60


def _unread_key(person_id: int) -> str:
    return f"mulin:notifications:unread:{person_id}"


def unread_count(person: Any) -> int:
    key = _unread_key(person.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def unread_count_forget(person_ids: Iterable[int]) -> None:
    cache.delete_many([_unread_key(person_id) for person_id in person_ids])


def preference_matrix(person: Any, actor: ActorLike) -> list[dict[str, Any]]:
    """One row per kind the person's roles can receive, with the effective on/off state of each
    outside channel."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(person=person).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in registry.kinds_for(actor):
        states = {
            channel: kind.mandatory or stored.get((kind.key, channel), channel in kind.default_channels)
            for channel in NotificationPreference.Channel.values
        }
        rows.append({"kind": kind, "states": states})
    return rows
