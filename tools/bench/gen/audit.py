"""Audit rows for what the generated people did, hash-chained exactly as `audit_record` chains
them (same canonical form, same SM3), continuing the chain already in the table.

Only the retention window (MULIN_AUDIT_RETENTION_DAYS) is generated: after five years in
production the retention job has purged everything older."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings

from mulin.core.audit import GENESIS_HASH, _canonical
from mulin.core.crypto import sm3_hex
from mulin.core.models import AuditEvent
from tools.bench.gen.context import GenContext
from tools.bench.writer import IdAllocator, TableWriter

COLUMNS = [
    "id",
    "created_at",
    "actor_user_id",
    "actor_person_id",
    "verb",
    "target_type",
    "target_id",
    "scope_path",
    "outcome",
    "ip",
    "request_id",
    "data",
    "prev_hash",
    "hash",
]


def generate(ctx: GenContext) -> None:
    since = ctx.end - dt.timedelta(days=settings.MULIN_AUDIT_RETENTION_DAYS)
    rows = sorted((row for row in ctx.audit if row[0] >= since), key=lambda row: row[0])
    ctx.audit = []
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    ids = IdAllocator(AuditEvent)
    writer = TableWriter(AuditEvent, COLUMNS)
    rng = ctx.rng
    for at, verb, actor, target_type, target_id, scope_path, data in rows:
        event = AuditEvent(
            id=ids.take(),
            created_at=at,
            actor_user_id=actor.user_id if actor is not None else None,
            actor_person_id=actor.id if actor is not None else None,
            verb=verb,
            target_type=target_type,
            target_id=target_id,
            scope_path=scope_path,
            outcome="ok",
            ip=f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" if actor is not None else None,
            request_id=f"{rng.getrandbits(128):032x}" if actor is not None else "",
            data=json.loads(json.dumps(data)),
            prev_hash=previous,
        )
        event.hash = previous = sm3_hex(_canonical(event))
        writer.add(*(getattr(event, name) for name in COLUMNS))
    writer.flush()
    ctx.counts["audit_events"] = writer.written
