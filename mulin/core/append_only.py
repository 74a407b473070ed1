"""Database triggers that make a table append-only, whoever connects (an admin shell, a script,
another service): UPDATE and TRUNCATE are refused, and DELETE too — or, with
`deletable_after_days`, allowed only for rows older than that (a retention purge).

The audit log and the points ledger use this; so can any later ledger. Migrations install the
guard unless settings turn the guards off for test runs that empty tables between tests
(MULIN_AUDIT_DB_GUARD = False); the guards' own tests install them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


def guards_enabled() -> bool:
    return bool(getattr(settings, "MULIN_AUDIT_DB_GUARD", True))


@dataclass(frozen=True)
class AppendOnlyGuard:
    table: str
    subject: str  # in the error the database raises, e.g. "the audit log"
    deletable_after_days: int | None = None  # rows older than this may be deleted; None: never

    def _sqlite(self, install: bool) -> list[str]:
        t = self.table
        if not install:
            return [f"DROP TRIGGER IF EXISTS {t}_no_update", f"DROP TRIGGER IF EXISTS {t}_no_delete"]
        young = (
            f"WHEN OLD.created_at > datetime('now', '-{self.deletable_after_days} days')"
            if self.deletable_after_days
            else ""
        )
        return [
            f"""CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
                BEGIN SELECT RAISE(ABORT, '{self.subject} is append-only'); END""",
            f"""CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} {young}
                BEGIN SELECT RAISE(ABORT, '{self._delete_message()}'); END""",
        ]

    def _postgres(self, install: bool) -> list[str]:
        t = self.table
        if not install:
            return [
                f"DROP TRIGGER IF EXISTS {t}_guard ON {t}",
                f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}",
                f"DROP FUNCTION IF EXISTS {t}_guard()",
            ]
        young = (
            f"OLD.created_at > now() - interval '{self.deletable_after_days} days'"
            if self.deletable_after_days
            else "TRUE"
        )
        return [
            f"""CREATE OR REPLACE FUNCTION {t}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '{self.subject} is append-only'; END IF;
                  IF TG_OP = 'TRUNCATE' THEN RAISE EXCEPTION '{self.subject} cannot be truncated'; END IF;
                  IF {young} THEN RAISE EXCEPTION '{self._delete_message()}'; END IF;
                  RETURN OLD;
                END $$""",
            f"DROP TRIGGER IF EXISTS {t}_guard ON {t}",
            f"CREATE TRIGGER {t}_guard BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION {t}_guard()",
            f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}",
            f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION {t}_guard()",
        ]

    def _delete_message(self) -> str:
        if self.deletable_after_days:
            return f"entries of {self.subject} are kept at least {self.deletable_after_days} days"
        return f"{self.subject} is append-only"

    def _statements(self, vendor: str, install: bool) -> list[str]:
        if vendor == "postgresql":
            return self._postgres(install)
        if vendor == "sqlite":
            return self._sqlite(install)
        raise NotImplementedError(f"No append-only guard for {vendor}.")

    def install(self, connection: Any) -> None:
        with connection.cursor() as cursor:
            for statement in self._statements(connection.vendor, install=True):
                cursor.execute(statement)

    def remove(self, connection: Any) -> None:
        with connection.cursor() as cursor:
            for statement in self._statements(connection.vendor, install=False):
                cursor.execute(statement)
