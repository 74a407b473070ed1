"""Fast, time-ordered bulk writes that still go through Django's field classes.

Every value is turned into its database form by the model field's own `get_db_prep_save`, so
encrypted columns are encrypted by `EncryptedTextField`, JSON is adapted by `JSONField`, and
datetimes are converted as the ORM would. Only the INSERT itself is bypassed:

- ``copy`` (PostgreSQL): psycopg's COPY FROM STDIN, the fastest way into PostgreSQL;
- ``insert``: multi-row INSERT through Django's cursor (``executemany``), used on SQLite;
- ``orm``: ``Model.objects.bulk_create`` (for comparison; slower, and it cannot keep
  ``updated_at`` in the past because ``auto_now`` overwrites it).

Primary keys are given explicitly (allocated from ``max(id) + 1``), so rows can reference each
other before they are written; `sequences_reset` puts PostgreSQL's sequences past them afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from mulin.core.crypto import EncryptedTextField

# Field classes whose Python values (str, int, bool, None) are already what the database takes;
# every other field (dates, decimals, JSON, UUIDs, IP addresses, encrypted text) is converted by
# the field itself. Exact classes: a subclass (EncryptedTextField) may convert.
PLAIN_FIELDS = (
    models.CharField,
    models.SlugField,
    models.EmailField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
    models.ForeignKey,
    models.OneToOneField,
)

FLUSH_ROWS = 20_000


@dataclass
class WriteStats:
    rows: int = 0
    seconds: float = 0.0
    per_table: dict[str, int] = field(default_factory=dict)


STATS = WriteStats()
METHOD: str | None = None  # set by generate --method; None: the best one for the database


def default_method() -> str:
    if METHOD:
        return METHOD
    return "copy" if connection.vendor == "postgresql" else "insert"


class IdAllocator:
    """Hands out primary keys for a model, starting after the largest one already stored."""

    def __init__(self, model: type[models.Model]) -> None:
        last = model._base_manager.aggregate(m=models.Max("pk"))["m"]
        self.next_id = (last or 0) + 1

    def take(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


class TableWriter:
    """Buffers rows (tuples in `columns` order) for one model and writes them in big batches."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, method: str | None = None) -> None:
        self.model = model
        # A NOT NULL column the generator does not name gets its field's default: a field added to
        # a model after its generator was written must not break the bench.
        named = {model._meta.get_field(name).attname for name in columns}
        missing = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key
            and not field.null
            and (field.has_default() or field.empty_strings_allowed)  # a text field's default is ""
            and field.attname not in named
        ]
        self.defaults = tuple(field.get_default() for field in missing)
        self.columns = [*columns, *(field.attname for field in missing)]
        self.fields = [model._meta.get_field(name) for name in self.columns]
        self.method = method or default_method()
        self.buffer: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *values: Any) -> None:
        self.buffer.append(values + self.defaults if self.defaults else values)
        if len(self.buffer) >= FLUSH_ROWS:
            self.flush()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.add(*row)

    def _prepared(self) -> list[tuple[Any, ...]]:
        # The real connection object, not the thread-local proxy (whose lookups cost more than
        # the conversions themselves at millions of values).
        db = connections[DEFAULT_DB_ALIAS]
        plain = [type(f) in PLAIN_FIELDS and not isinstance(f, EncryptedTextField) for f in self.fields]
        if all(plain):
            return self.buffer
        converters = [None if is_plain else f.get_db_prep_save for f, is_plain in zip(self.fields, plain, strict=True)]
        return [
            tuple(
                value if convert is None else convert(value, db) for convert, value in zip(converters, row, strict=True)
            )
            for row in self.buffer
        ]

    def flush(self) -> None:
        if not self.buffer:
            return
        started = time.perf_counter()
        if self.method == "orm":
            attnames = [f.attname for f in self.fields]  # type: ignore[union-attr]
            objects = [self.model(**dict(zip(attnames, row, strict=True))) for row in self.buffer]
            self.model._base_manager.bulk_create(objects, batch_size=2000)
        else:
            rows = self._prepared()
            table = self.model._meta.db_table
            columns = [f.column for f in self.fields]  # type: ignore[union-attr]
            with connection.cursor() as cursor:
                if self.method == "copy":
                    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                    with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    placeholders = ", ".join(["%s"] * len(columns))
                    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608
                    cursor.executemany(sql, rows)
        self.written += len(self.buffer)
        STATS.rows += len(self.buffer)
        STATS.seconds += time.perf_counter() - started
        label = self.model._meta.label
        STATS.per_table[label] = STATS.per_table.get(label, 0) + len(self.buffer)
        self.buffer = []


def write_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, method: str | None = None
) -> int:
    """Write all `rows` (already in insertion order) and return how many."""
    writer = TableWriter(model, columns, method=method)
    writer.extend(rows)
    writer.flush()
    return writer.written


def sequences_reset(model_list: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the explicit ids (SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if not statements:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
