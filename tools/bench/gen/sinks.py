"""Rows several modules add to: in-app notifications (with their SMS/e-mail deliveries) and
points-ledger credits. Written last, in time order, so ids follow time as in production."""

from __future__ import annotations

import datetime as dt

from mulin.notifications import registry
from mulin.notifications.models import Delivery, Notification
from mulin.points.models import LedgerEntry
from tools.bench.gen.context import GenContext
from tools.bench.writer import IdAllocator, TableWriter


def write_notifications(ctx: GenContext) -> None:
    """As notification_send writes them: one row per recipient, plus one delivery per outside
    channel the kind sends by default (sent a few seconds later; skipped without a phone)."""
    rows = sorted(ctx.notifications, key=lambda row: row[0])
    ctx.notifications = []
    ids = IdAllocator(Notification)
    delivery_ids = IdAllocator(Delivery)
    notifications = TableWriter(
        Notification, ["id", "created_at", "updated_at", "recipient", "kind", "params", "url", "read_at"]
    )
    deliveries = TableWriter(
        Delivery,
        ["id", "created_at", "updated_at", "notification", "channel", "status", "attempts", "sent_at", "error"],
    )
    channels = {}
    for at, recipient_id, kind, params, url, read_at, has_phone in rows:
        notification_id = ids.take()
        notifications.add(notification_id, at, read_at or at, recipient_id, kind, params, url, read_at)
        if kind not in channels:
            channels[kind] = sorted(registry.get(kind).default_channels)
        for channel in channels[kind]:
            sent = at + dt.timedelta(seconds=ctx.rng.randint(1, 20))
            ok = has_phone if channel == "sms" else False  # generated people have no e-mail address
            deliveries.add(
                delivery_ids.take(),
                at,
                sent,
                notification_id,
                channel,
                Delivery.Status.SENT if ok else Delivery.Status.SKIPPED,
                1 if ok else 0,
                sent if ok else None,
                "",
            )
    notifications.flush()
    deliveries.flush()
    ctx.counts.update(notifications=notifications.written, deliveries=deliveries.written)


def write_ledger(ctx: GenContext) -> None:
    rows = sorted(ctx.ledger, key=lambda row: row[0])
    ctx.ledger = []
    ids = IdAllocator(LedgerEntry)
    writer = TableWriter(
        LedgerEntry,
        [
            "created_at",
            "id",
            "person",
            "account",
            "kind",
            "points",
            "hours",
            "rule",
            "source_type",
            "source_id",
            "corrects",
            "occurred_at",
            "scope_path",
            "label",
            "note",
            "created_by",
        ],
    )
    for row in rows:
        writer.add(row[0], ids.take(), *row[1:])
    writer.flush()
    ctx.counts["ledger_entries"] = writer.written
