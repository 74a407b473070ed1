"""Database triggers that keep the points ledger append-only, whoever connects.

UPDATE and DELETE of ledger rows are refused by the database itself, not only by the code, so a
mistaken script or an admin shell cannot rewrite anyone's history: corrections are new rows.
Installed by migration points.0002 unless the settings turn the append-only guards off for test
runs that empty tables between tests (MULIN_LEDGER_DB_GUARD, which defaults to
MULIN_AUDIT_DB_GUARD); the guard's own tests install it explicitly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

TABLE = "points_ledgerentry"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END""",
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the points ledger is append-only';
        END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard()""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_guard()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_guard()",
]


def guard_enabled() -> bool:
    return bool(getattr(settings, "MULIN_LEDGER_DB_GUARD", getattr(settings, "MULIN_AUDIT_DB_GUARD", True)))


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    raise NotImplementedError(f"No ledger guard for {vendor}.")


def ledger_guard_install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def ledger_guard_remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
