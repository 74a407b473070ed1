"""The audit log's append-only guard: UPDATE refused always, DELETE for rows younger than the
legal minimum retention (180 days, 网络安全法 Art. 21). See mulin/core/append_only.py."""

from __future__ import annotations

from mulin.core.append_only import AppendOnlyGuard

MINIMUM_RETENTION_DAYS = 180
AUDIT_GUARD = AppendOnlyGuard("core_auditevent", "the audit log", deletable_after_days=MINIMUM_RETENTION_DAYS)
audit_guard_install = AUDIT_GUARD.install
audit_guard_remove = AUDIT_GUARD.remove
