"""The append-only, hash-chained audit log.

Each row's hash covers its own content and the previous row's hash, so editing or deleting a
row in the middle breaks the chain, which `audit_verify_chain` reports. Writers serialise on a
PostgreSQL advisory lock (SQLite already serialises writers), which keeps the chain in id order.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from mulin.core.context import current_request_context
from mulin.core.crypto import sm3_hex
from mulin.core.models import AuditEvent

GENESIS_HASH = "0" * 64
_AUDIT_LOCK_KEY = 7_431_001


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_user_id": event.actor_user_id,
        "actor_person_id": event.actor_person_id,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "scope_path": event.scope_path,
        "outcome": event.outcome,
        "ip": event.ip,
        "request_id": event.request_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def audit_record(
    *,
    verb: str,
    actor: Any = None,
    actor_user: Any = None,
    target: models.Model | None = None,
    target_kind: str = "",
    target_ref: str = "",
    scope_path: str = "",
    outcome: str = "ok",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row.

    `actor` is the acting Person; `actor_user` the login account when there is no person yet
    (a failed login) — both None for the system itself. `data` must hold no personal data
    values: name the field, never its content. `target_kind`/`target_ref` name a target that is
    not a loaded row (refused access: the kind and id from the URL).
    """
    person_id = actor.pk if actor is not None else None
    user_id = actor.user_id if actor is not None else getattr(actor_user, "pk", None)
    context = current_request_context()
    # Hash exactly what the database will give back: JSON turns tuples into lists and keys into
    # strings, and the IP field rewrites IPv6 addresses into their canonical form.
    data = json.loads(json.dumps(data or {}))
    ip = AuditEvent._meta.get_field("ip").to_python(context.ip) if context.ip else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor_user_id=user_id,
            actor_person_id=person_id,
            verb=verb,
            target_type=target._meta.label_lower if target is not None else target_kind,
            target_id=str(target.pk) if target is not None else target_ref[:64],
            scope_path=scope_path,
            outcome=outcome,
            ip=ip,
            request_id=context.request_id,
            data=data,
            prev_hash=previous or GENESIS_HASH,
        )
        event.hash = sm3_hex(_canonical(event))
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def audit_verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in id order; return the first row whose hash or link is wrong.

    The oldest remaining row is trusted as the anchor, because retention purges the head of
    the chain.
    """
    checked = 0
    expected_prev: str | None = None
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return ChainReport(checked, None)
        for event in batch:
            if expected_prev is not None and event.prev_hash != expected_prev:
                return ChainReport(checked, event.pk)
            if sm3_hex(_canonical(event)) != event.hash:
                return ChainReport(checked, event.pk)
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
