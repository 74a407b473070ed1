"""The points ledger's append-only guard: corrections are new rows, never edits, whoever connects.
See mulin/core/append_only.py."""

from __future__ import annotations

from mulin.core.append_only import AppendOnlyGuard, guards_enabled

LEDGER_GUARD = AppendOnlyGuard("points_ledgerentry", "the points ledger")
ledger_guard_install = LEDGER_GUARD.install
ledger_guard_remove = LEDGER_GUARD.remove
guard_enabled = guards_enabled
