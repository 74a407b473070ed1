"""Sending notifications: in-app rows now, e-mail and SMS after commit through queued tasks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mulin.core.tasks import enqueue
from mulin.notifications import registry
from mulin.notifications.models import Delivery, Notification, NotificationPreference
from mulin.notifications.selectors import unread_count_forget

Channel = NotificationPreference.Channel


def _wanted_channels(kind: registry.NotificationKind, person_ids: list[int]) -> dict[int, set[str]]:
    """Outside channels per person: the kind's defaults, overridden by stored preferences."""
    wanted = {person_id: set(kind.default_channels) for person_id in person_ids}
    if kind.mandatory:
        return wanted
    for person_id, channel, enabled in NotificationPreference.objects.filter(
        person_id__in=person_ids, kind=kind.key
    ).values_list("person_id", "channel", "enabled"):
        (wanted[person_id].add if enabled else wanted[person_id].discard)(channel)
    return wanted


@transaction.atomic
def notification_send(
    *, kind: str, recipients: Iterable[Any], params: dict[str, Any] | None = None, url: str = ""
) -> list[Notification]:
    """Notify each recipient (a Person) in-app, and by e-mail/SMS per their preferences.

    Outside deliveries run after the surrounding transaction commits, so a rolled-back change
    sends nothing. `params` fill the kind's templates and must not contain personal data.
    A kind must be registered (a typo would otherwise send a blank message to real people).
    """
    if not registry.is_registered(kind):
        raise ValueError(f"Unknown notification kind {kind!r}; register it in the app's kinds.py.")
    spec = registry.get(kind)
    people = {person.pk: person for person in recipients if person is not None}
    if not people:
        return []
    notifications = Notification.objects.bulk_create(
        [Notification(recipient_id=person_id, kind=kind, params=params or {}, url=url) for person_id in people]
    )
    _forget_unread_counts(list(people))
    wanted = _wanted_channels(spec, list(people))
    for person_id, person in people.items():
        if not person.is_active:
            wanted[person_id] = set()  # moved away or deregistered: in-app only, no texts or mail
    deliveries = [
        Delivery(notification=notification, channel=channel)
        for notification in notifications
        for channel in sorted(wanted[notification.recipient_id])
    ]
    for delivery in Delivery.objects.bulk_create(deliveries):
        enqueue("notifications.deliver", delivery_id=delivery.pk)
    return notifications


def notification_mark_read(*, person: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when no ids are given); ids of other
    people's notifications are ignored. Returns how many changed."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now(), updated_at=timezone.now())
    if changed:
        _forget_unread_counts([person.pk])
    return changed


def _forget_unread_counts(person_ids: list[int]) -> None:
    """The cached bell counts (selectors.unread_count): forgotten now, and again once the change
    is committed, so a page read in between cannot keep the old count for a minute."""
    unread_count_forget(person_ids)
    transaction.on_commit(lambda: unread_count_forget(person_ids))


@transaction.atomic
def preferences_set(*, person: Any, choices: dict[tuple[str, str], bool]) -> None:
    """Store the person's channel choices, keyed by (kind, channel). Mandatory and unknown
    kinds and unknown channels are ignored: security messages cannot be switched off."""
    for (kind, channel), enabled in choices.items():
        if not registry.is_registered(kind) or registry.get(kind).mandatory or channel not in Channel.values:
            continue
        NotificationPreference.objects.update_or_create(
            person=person, kind=kind, channel=channel, defaults={"enabled": bool(enabled)}
        )
