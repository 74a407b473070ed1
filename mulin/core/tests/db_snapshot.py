"""Copy every table's rows once and put them back in a second: for test data that costs far more to
build than to restore (the Daguan demo street takes about a minute; its restore well under a second).

A snapshot holds the rows of every table (but the migration history) as the database itself writes
them — PostgreSQL's COPY text, SQLite's raw values — so nothing is lost to a Python round trip.
`restore()` empties every table and writes the rows back, inside one transaction: in a `db` test it
is rolled back with the test; in a `transaction=True` test it commits, and the flush afterwards
empties the tables again. Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY
DEFERRED on both databases), so the order of the tables does not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import TestCase

SKIPPED_TABLES = {"django_migrations"}


@dataclass
class TableSnapshot:
    vendor: str
    # PostgreSQL: table -> COPY text; SQLite: table -> (columns, rows).
    tables: dict[str, object] = field(default_factory=dict)

    def restore(self) -> None:
        if connection.vendor != self.vendor:
            raise RuntimeError(f"a {self.vendor} snapshot cannot be restored into {connection.vendor}")
        with transaction.atomic():
            if self.vendor == "postgresql":
                _restore_postgresql(self.tables)
            else:
                _restore_sqlite(self.tables)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(statement)
        # The rows came back with the ids they had when the snapshot was taken; content types made
        # since (a flush re-creates them with new ids) must not be served from the process's cache.
        ContentType.objects.clear_cache()


def snapshot_of(build: Callable[[], object]) -> TableSnapshot:
    """Run `build` in a transaction, with its on-commit work (notifications …) done as a commit would
    do it, copy every table, and roll it all back: the database is left as it was."""
    with transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            build()
        snapshot = TableSnapshot(vendor=connection.vendor)
        for table in _tables():
            snapshot.tables[table] = (_copy_postgresql if connection.vendor == "postgresql" else _copy_sqlite)(table)
        transaction.set_rollback(True)
    return snapshot


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return [t for t in connection.introspection.table_names(cursor) if t not in SKIPPED_TABLES]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_postgresql(table: str) -> bytes:
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {_quote(table)} TO STDOUT") as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def _restore_postgresql(tables: dict[str, object]) -> None:
    with connection.connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(_quote(t) for t in tables)}")
        for table, data in tables.items():
            if data:
                with cursor.copy(f"COPY {_quote(table)} FROM STDIN") as copy:
                    copy.write(data)  # type: ignore[arg-type]


def _copy_sqlite(table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    raw = connection.connection.cursor()
    # `+column` is SQLite's no-op operator: an expression has no declared type, so the connection's
    # type converters (datetime, decimal, bool) leave the stored value exactly as it is.
    # Table and column names come from the database's own catalogue, quoted (here and below).
    raw.execute(f"SELECT {', '.join('+' + _quote(c) for c in columns)} FROM {_quote(table)}")  # noqa: S608
    return columns, raw.fetchall()


def _restore_sqlite(tables: dict[str, object]) -> None:
    raw = connection.connection.cursor()
    for table in tables:
        raw.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608
    for table, (columns, rows) in tables.items():  # type: ignore[misc]
        if rows:
            names = ", ".join(_quote(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            raw.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608
