"""Database triggers that keep the audit log append-only, whoever connects.

UPDATE is always refused; DELETE only for rows older than the legal minimum retention (180
days, 网络安全法 Art. 21). Installed by migration core.0002 unless settings turn it off for
test runs that flush the database between tests (MULIN_AUDIT_DB_GUARD = False); the guard's
own tests install it explicitly.
"""

from __future__ import annotations

from typing import Any

MINIMUM_RETENTION_DAYS = 180

_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS core_auditevent_retention BEFORE DELETE ON core_auditevent
       WHEN OLD.created_at > datetime('now', '-{MINIMUM_RETENTION_DAYS} days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least {MINIMUM_RETENTION_DAYS} days'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_retention",
]
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'the audit log is append-only';
          END IF;
          IF TG_OP = 'TRUNCATE' THEN
            RAISE EXCEPTION 'the audit log cannot be truncated';
          END IF;
          IF OLD.created_at > now() - interval '{MINIMUM_RETENTION_DAYS} days' THEN
            RAISE EXCEPTION 'audit entries are kept at least {MINIMUM_RETENTION_DAYS} days';
          END IF;
          RETURN OLD;
        END $$""",
    "DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent",
    """CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_guard()""",
]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_guard()",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    raise NotImplementedError(f"No audit guard for {vendor}.")


def audit_guard_install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def audit_guard_remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
