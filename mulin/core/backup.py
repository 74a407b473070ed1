"""Encrypted backups of the database and uploaded files, and their verified restore.

One archive holds everything but the keys:

- the database: PostgreSQL as ``pg_dump --format=custom``; SQLite through its online backup API
  (a consistent copy while the application runs);
- MEDIA_ROOT (wish photos) as a tar;
- manifest.json: row counts per table, the applied migrations, a digest of every member, and a
  fingerprint of the field-encryption keyring (never the keys).

The archive is encrypted with SM4-GCM under the *backup key* (MULIN_BACKUP_KEY_FILE), a key of its
own: someone holding a backup and the backup key still needs the *field keyring*
(MULIN_FIELD_KEYS_FILE) to read phone numbers, ID numbers and addresses, and the keyring is never
inside a backup. It is escrowed separately (docs/security.md, "Backup and restore").

Stream format: ``MULINBAK`` + version (1 byte) + header length (4 bytes) + header (JSON: key id,
chunk size, nonce prefix), then chunks of ``length (4 bytes) ‖ ciphertext ‖ tag``. Each chunk's
nonce is the prefix and the chunk's number; its associated data is the header, the number and a
last-chunk flag, so a chunk cannot be changed, moved, dropped or the stream cut short unnoticed.

Restore refuses a database that already has tables and a MEDIA_ROOT that already holds files, then
checks what it restored: row counts against the manifest, the keyring fingerprint, and a sample of
encrypted values decrypted and blind indexes recomputed with the keyring now configured.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from mulin.core.crypto import (
    DecryptionError,
    blind_index,
    blind_indexed_columns,
    encrypted_columns,
    keyring,
    sm3_hex,
)

MAGIC = b"MULINBAK"
FORMAT_VERSION = 1
CHUNK_BYTES = 1024 * 1024
NONCE_PREFIX_BYTES = 8
TAG_BYTES = 16
SAMPLE_PER_COLUMN = 50


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


# --- the backup key ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupKey:
    key_id: str
    key: bytes


def backup_key_create(path: Path) -> BackupKey:
    """Write a new backup key to `path` (mode 600); refuse to overwrite one."""
    if path.exists():
        raise BackupError(f"{path} already exists; a backup key is never overwritten.")
    key = BackupKey(secrets.token_hex(4), secrets.token_bytes(16))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"key_id": key.key_id, "key": base64.b64encode(key.key).decode()}, handle)
    return key


def backup_key_load(path: Path) -> BackupKey:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        key = BackupKey(str(raw["key_id"]), base64.b64decode(raw["key"], validate=True))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Cannot read the backup key at {path}: {exc}") from exc
    if len(key.key) != 16:
        raise BackupError("The backup key must be 16 bytes (SM4).")
    return key


# --- encryption of the archive stream --------------------------------------------------------------


def _chunk_aad(header: bytes, number: int, last: bool) -> bytes:
    return header + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(source: IO[bytes], target: IO[bytes], key: BackupKey) -> None:
    prefix = os.urandom(NONCE_PREFIX_BYTES)
    header = json.dumps(
        {"key_id": key.key_id, "chunk": CHUNK_BYTES, "nonce_prefix": base64.b64encode(prefix).decode()},
        sort_keys=True,
    ).encode()
    target.write(MAGIC + bytes([FORMAT_VERSION]) + len(header).to_bytes(4, "big") + header)
    number = 0
    chunk = source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES)
        last = not following
        encryptor = Cipher(algorithms.SM4(key.key), modes.GCM(prefix + number.to_bytes(4, "big"))).encryptor()
        encryptor.authenticate_additional_data(_chunk_aad(header, number, last))
        body = encryptor.update(chunk) + encryptor.finalize() + encryptor.tag
        target.write(len(body).to_bytes(4, "big") + body)
        if last:
            return
        chunk, number = following, number + 1


def decrypt_stream(source: IO[bytes], target: IO[bytes], key: BackupKey) -> None:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Mulin backup file.")
    version = source.read(1)
    if version != bytes([FORMAT_VERSION]):
        raise BackupError(f"Unknown backup format version {version!r}.")
    header = source.read(int.from_bytes(source.read(4), "big"))
    try:
        meta = json.loads(header)
        prefix = base64.b64decode(meta["nonce_prefix"])
    except (ValueError, KeyError) as exc:
        raise BackupError("The backup's header is damaged.") from exc
    if meta.get("key_id") != key.key_id:
        raise BackupError(f"This backup was made with backup key {meta.get('key_id')!r}, not {key.key_id!r}.")
    number = 0
    length_bytes = source.read(4)
    while True:
        if len(length_bytes) < 4:
            raise BackupError("The backup file is cut short.")
        body = source.read(int.from_bytes(length_bytes, "big"))
        length_bytes = source.read(4)
        last = not length_bytes  # the writer flagged its last chunk; a cut stream fails the tag
        ciphertext, tag = body[:-TAG_BYTES], body[-TAG_BYTES:]
        try:
            decryptor = Cipher(algorithms.SM4(key.key), modes.GCM(prefix + number.to_bytes(4, "big"), tag)).decryptor()
            decryptor.authenticate_additional_data(_chunk_aad(header, number, last))
            target.write(decryptor.update(ciphertext) + decryptor.finalize())
        except (InvalidTag, ValueError) as exc:
            raise BackupError("The backup file was changed or damaged (integrity check failed).") from exc
        if last:
            return
        number += 1


# --- what a backup holds ------------------------------------------------------------------------------


def keyring_fingerprint() -> str:
    """A digest that tells whether two keyrings are the same, revealing nothing of the keys."""
    ring = keyring()
    material = b"".join(version.to_bytes(4, "big") + ring.keys[version] for version in sorted(ring.keys))
    return sm3_hex(b"mulin-keyring-fingerprint:" + material + ring.index_key)[:32]


def table_counts() -> dict[str, int]:
    """Rows per table of every model (many-to-many tables included) and the migration records."""
    counts = {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    counts["django_migrations"] = MigrationRecorder(connection).migration_qs.count()
    return dict(sorted(counts.items()))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _postgres_env_and_args() -> tuple[dict[str, str], list[str]]:
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    args = ["--dbname", str(params["NAME"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    return env, args


def _dump_database(target: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        env, args = _postgres_env_and_args()
        command = [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        # An argument list (no shell) built from the database settings.
        result = subprocess.run(  # noqa: S603
            [*command, *args, "--file", str(target)], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return "database.pgdump"
    if connection.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)  # type: ignore[union-attr]
        return "database.sqlite3"
    raise BackupError(f"No backup method for {connection.vendor}.")


def _media_tar(target: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return count


@dataclass
class BackupReport:
    path: Path
    size: int
    tables: dict[str, int]
    media_files: int
    key_id: str


def backup_create(*, output: Path, key: BackupKey) -> BackupReport:
    """Write an encrypted backup of the database and MEDIA_ROOT to `output` (mode 600)."""
    if output.exists():
        raise BackupError(f"{output} already exists.")
    with tempfile.TemporaryDirectory(prefix="mulin-backup-") as work_dir:  # 700: plaintext lives here
        work = Path(work_dir)
        database_name = _dump_database(work / "database")
        (work / "database").rename(work / database_name)
        media_files = _media_tar(work / "media.tar")
        tables = table_counts()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": database_name,
            "tables": tables,
            "migrations": sorted(MigrationRecorder(connection).applied_migrations()),
            "media_files": media_files,
            "keyring_fingerprint": keyring_fingerprint(),
            "members": {name: _sha256(work / name) for name in (database_name, "media.tar")},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, default=list), encoding="utf-8")
        bundle = work / "bundle.tar.gz"
        with tarfile.open(bundle, "w:gz") as archive:
            for name in ("manifest.json", database_name, "media.tar"):
                archive.add(work / name, arcname=name)
        output.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with bundle.open("rb") as plain, os.fdopen(descriptor, "wb") as sealed:
            encrypt_stream(plain, sealed, key)
    return BackupReport(output, output.stat().st_size, tables, media_files, key.key_id)


# --- restore ------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: dict[str, int]
    media_files: int
    mismatched_tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    decrypted_samples: int = 0
    failed_samples: list[str] = field(default_factory=list)
    blind_indexes_checked: int = 0
    blind_index_mismatches: int = 0
    keyring_matches: bool = True
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.mismatched_tables
            and not self.failed_samples
            and not self.blind_index_mismatches
            and self.keyring_matches
        )


@contextlib.contextmanager
def _opened(path: Path, key: BackupKey) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Decrypt and unpack a backup into a private temporary folder; yield it and the manifest."""
    with tempfile.TemporaryDirectory(prefix="mulin-restore-") as work_dir:
        work = Path(work_dir)
        bundle = work / "bundle.tar.gz"
        with path.open("rb") as sealed, bundle.open("wb") as plain:
            decrypt_stream(sealed, plain, key)
        with tarfile.open(bundle, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        for name, digest in manifest["members"].items():
            if _sha256(work / name) != digest:
                raise BackupError(f"{name} does not match the manifest's digest.")
        yield work, manifest


def _ensure_empty_target() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already has {len(tables)} tables; restore only into a "
            "new, empty database."
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        raise BackupError(f"MEDIA_ROOT ({media}) already holds files; restore into an empty folder.")


def _load_database(work: Path, manifest: dict[str, Any]) -> None:
    dump = work / manifest["database"]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"This is a {manifest['vendor']} backup; the configured database is {connection.vendor}.")
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        env, args = _postgres_env_and_args()
        command = [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        # An argument list (no shell) built from the database settings.
        result = subprocess.run(  # noqa: S603
            [*command, "--single-transaction", *args, str(dump)], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    with contextlib.closing(sqlite3.connect(dump)) as source:
        source.backup(connection.connection)  # type: ignore[arg-type]


def _unpack_media(work: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(work / "media.tar") as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        archive.extractall(root, members=members, filter="data")
    return len(members)


def restore_verify(manifest: dict[str, Any], report: RestoreReport) -> None:
    """The drill's checks: rows per table as at backup time, the same keyring, and a sample of
    encrypted values that decrypt, with blind indexes that match the decrypted values."""
    restored = table_counts()
    report.tables = restored
    report.mismatched_tables = {
        table: (count, restored.get(table, -1))
        for table, count in manifest["tables"].items()
        if restored.get(table, -1) != count
    }
    report.keyring_matches = manifest["keyring_fingerprint"] == keyring_fingerprint()
    for model, column in encrypted_columns():
        rows = model._base_manager.filter(**{f"{column.name}__isnull": False}).order_by("pk")
        for pk in rows.values_list("pk", flat=True)[:SAMPLE_PER_COLUMN]:
            try:
                value = model._base_manager.values_list(column.name, flat=True).get(pk=pk)
            except DecryptionError:
                report.failed_samples.append(f"{model._meta.label}.{column.name} #{pk}")
                continue
            if value:
                report.decrypted_samples += 1
    for indexed in blind_indexed_columns():
        rows = indexed.model._base_manager.filter(**{f"{indexed.source}__isnull": False}).order_by("pk")
        try:
            sample = list(rows.values_list(indexed.source, indexed.index)[:SAMPLE_PER_COLUMN])
        except DecryptionError:  # reported above, value by value
            continue
        for value, stored in sample:
            if value:
                report.blind_indexes_checked += 1
                if stored != blind_index(indexed.source, indexed.normalise(value)):
                    report.blind_index_mismatches += 1


def backup_restore(*, path: Path, key: BackupKey) -> RestoreReport:
    """Restore a backup into the configured (empty) database and MEDIA_ROOT, then verify it."""
    started = dt.datetime.now(tz=dt.UTC)
    _ensure_empty_target()
    with _opened(path, key) as (work, manifest):
        _load_database(work, manifest)
        media_files = _unpack_media(work)
        report = RestoreReport(tables={}, media_files=media_files)
        if media_files != manifest["media_files"]:
            report.mismatched_tables["(media files)"] = (manifest["media_files"], media_files)
        restore_verify(manifest, report)
    report.seconds = (dt.datetime.now(tz=dt.UTC) - started).total_seconds()
    return report


def backup_inspect(*, path: Path, key: BackupKey) -> dict[str, Any]:
    """The manifest of a backup (decrypts and checks it, restores nothing)."""
    with _opened(path, key) as (_work, manifest):
        return manifest
