"""The retention schedule: what is deleted when (PIPL Art. 19/47: keep no longer than needed).

| data | kept for |
|---|---|
| audit log | MULIN_AUDIT_RETENTION_DAYS (at least 180; the database refuses younger deletes) |
| finished background tasks | 30 days |
| idempotency keys (core/idempotency.py) | 1 day |
| expired sessions | until expiry |
| sign-in logs and failed sign-ins (axes) | 180 days |
| failed background tasks | kept for an administrator to look at |
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from mulin.core.audit_guard import MINIMUM_RETENTION_DAYS
from mulin.core.models import AuditEvent, IdempotencyKey, QueuedTask
from mulin.core.schedule import periodic


@periodic("core.purge_expired", every=timedelta(days=1))
def purge_expired() -> dict[str, int]:
    """Delete what the retention schedule says is due, and nothing else; return counts."""
    now = timezone.now()
    audit_days = max(settings.MULIN_AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)
    sign_in_cutoff = now - timedelta(days=MINIMUM_RETENTION_DAYS)
    counts = {
        "audit_events": AuditEvent.objects.filter(created_at__lt=now - timedelta(days=audit_days)).delete()[0],
        "queued_tasks": QueuedTask.objects.filter(
            status=QueuedTask.Status.DONE, updated_at__lt=now - timedelta(days=30)
        ).delete()[0],
        # A retry comes within minutes; a day covers a phone that was offline overnight.
        "idempotency_keys": IdempotencyKey.objects.filter(created_at__lt=now - timedelta(days=1)).delete()[0],
        "access_logs": AccessLog.objects.filter(attempt_time__lt=sign_in_cutoff).delete()[0],
        "access_failure_logs": AccessFailureLog.objects.filter(attempt_time__lt=sign_in_cutoff).delete()[0],
    }
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(session_store, "get_model_class"):  # database sessions: count what goes
        counts["sessions"] = session_store.get_model_class().objects.filter(expire_date__lt=now).delete()[0]
    else:
        session_store.clear_expired()
    return counts
