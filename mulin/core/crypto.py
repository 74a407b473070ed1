"""Field encryption (SM4-GCM) and keyed blind indexes (HMAC-SM3) for personal data.

Stored form: ``v<key version>:`` + base64(nonce ‖ ciphertext ‖ tag). The associated data binds
a value to its model and column, so a ciphertext copied into another column fails to decrypt.
(Binding to the row's primary key as well is not possible: it is unknown at INSERT time.)

Keys come from the file named by ``MULIN_FIELD_KEYS_FILE`` and are never derived from
SECRET_KEY. Old key versions stay in the file so old rows still decrypt; ``rotate_field_keys``
re-encrypts them under the active version.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, router, transaction
from django.db.models.functions import Cast
from django.dispatch import receiver

NONCE_BYTES = 12
TAG_BYTES = 16
BLIND_INDEX_BYTES = 16


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered value or moved ciphertext."""


@dataclass(frozen=True)
class Keyring:
    active_version: int
    keys: dict[int, bytes]
    index_key: bytes


@cache
def keyring() -> Keyring:
    """Load the keyring once per process (tests that swap the file clear the cache, see below)."""
    path = settings.MULIN_FIELD_KEYS_FILE
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        keys = {int(version): base64.b64decode(value, validate=True) for version, value in raw["keys"].items()}
        ring = Keyring(int(raw["active"]), keys, base64.b64decode(raw["index_key"], validate=True))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"Cannot read the field-encryption keyring at {path}: {exc}") from exc
    if ring.active_version not in ring.keys or any(len(k) != 16 for k in ring.keys.values()):
        raise ImproperlyConfigured("The field-encryption keyring needs 16-byte SM4 keys and a valid active version.")
    if len(ring.index_key) < 16:
        raise ImproperlyConfigured("The blind-index key must be at least 16 bytes.")
    if ring.index_key in ring.keys.values():
        raise ImproperlyConfigured("The blind-index key must differ from every data key.")
    return ring


@receiver(setting_changed)
def _forget_keyring(*, setting: str, **kwargs: Any) -> None:
    if setting == "MULIN_FIELD_KEYS_FILE":
        keyring.cache_clear()


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.keys[ring.active_version]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"v{ring.active_version}:{token}"


def decrypt(stored: str, *, context: str) -> str:
    """Return the plaintext of a stored value; DecryptionError if it is not one of ours,
    was changed, or belongs to another column (`context` is the associated data)."""
    version_part, separator, token = stored.partition(":")
    try:
        if not separator or not version_part.startswith("v"):
            raise ValueError("no version prefix")
        key = keyring().keys[int(version_part[1:])]
        blob = base64.b64decode(token, validate=True)
    except (KeyError, ValueError) as exc:
        raise DecryptionError("Unknown key version or malformed value.") from exc
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("The value is too short to be an encrypted value.")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        plaintext = decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("The value failed its integrity check.") from exc
    return plaintext.decode()


def key_version_of(stored: str) -> int:
    """The key version a stored value was encrypted with (``v2:...`` → 2)."""
    return int(stored.partition(":")[0].removeprefix("v"))


def blind_index(kind: str, normalized_value: str, *, index_key: bytes | None = None) -> str:
    """Return a keyed, deterministic lookup token for an already-normalised value.

    Phone numbers have little entropy, so the token is only as safe as the index key: it lives
    in the keyring, never in the database or the settings files. `index_key` is for the
    rotation, which computes tokens under the next key before it becomes the keyring's.
    """
    mac = hmac.HMAC(index_key or keyring().index_key, hashes.SM3())
    mac.update(f"{kind}:{normalized_value}".encode())
    return mac.finalize()[:BLIND_INDEX_BYTES].hex()


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


class EncryptedTextField(models.TextField):
    """A text column stored SM4-GCM encrypted; reads return plaintext.

    Encrypted columns cannot be searched: only ``isnull`` lookups are allowed. Look values up
    through a separate blind-index column instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), context=self._context())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self._context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(f"Encrypted field {self.name!r} cannot be searched with {lookup_name!r}.")
        return super().get_lookup(lookup_name)


# --- Key rotation -------------------------------------------------------------------------------


@dataclass
class RotationReport:
    """What `encrypted_values_rotate` did to one column."""

    column: str
    examined: int = 0
    reencrypted: int = 0
    failed_pks: list[Any] = field(default_factory=list)


def encrypted_columns() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every EncryptedTextField of every concrete model, each column once."""
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.local_concrete_fields:
            if isinstance(model_field, EncryptedTextField):
                columns.append((model, model_field))
    return columns


@dataclass(frozen=True)
class BlindIndexedColumn:
    """An encrypted column looked up through a blind index: `<source>_index` beside `<source>`."""

    model: type[models.Model]
    source: str
    index: str

    @property
    def normalise(self) -> Callable[[str], str]:
        from mulin.core.normalizers import normalize_id_number, normalize_phone

        return {"phone": normalize_phone, "id_number": normalize_id_number}[self.source]


def blind_indexed_columns() -> list[BlindIndexedColumn]:
    """Every encrypted phone or ID number column that has a blind index beside it."""
    columns = []
    for model, model_field in encrypted_columns():
        names = {f.name for f in model._meta.concrete_fields}
        if model_field.name in ("phone", "id_number") and f"{model_field.name}_index" in names:
            columns.append(BlindIndexedColumn(model, model_field.name, f"{model_field.name}_index"))
    return columns


def blind_indexes_recompute(*, index_key: bytes, batch_size: int = 1000) -> dict[str, int]:
    """Rewrite every blind index under `index_key`, in one transaction per database.

    For the index-key rotation (manage.py rotate_index_key), with the application stopped: a
    lookup computes its token under the keyring's key, so tokens under two keys at once would
    hide people from sign-in and from de-duplication. Running it twice with the same key
    changes nothing the second time. Returns the rows rewritten per column.
    """
    rewritten: dict[str, int] = {}
    for column in blind_indexed_columns():
        model = column.model
        rows = model._base_manager.filter(**{f"{column.source}__isnull": False}).only("pk", column.source, column.index)
        count, last_pk = 0, None
        with transaction.atomic(using=router.db_for_write(model)):
            while chunk := list((rows if last_pk is None else rows.filter(pk__gt=last_pk)).order_by("pk")[:batch_size]):
                changed = []
                for obj in chunk:
                    value = getattr(obj, column.source)
                    token = blind_index(column.source, column.normalise(value), index_key=index_key) if value else None
                    if getattr(obj, column.index) != token:
                        setattr(obj, column.index, token)
                        changed.append(obj)
                model._base_manager.bulk_update(changed, [column.index])
                count += len(changed)
                last_pk = chunk[-1].pk
        rewritten[f"{model._meta.label}.{column.index}"] = count
    return rewritten


def encrypted_values_rotate(*, batch_size: int = 500, dry_run: bool = False) -> list[RotationReport]:
    """Re-encrypt every stored value that is not under the active key version.

    Walks each encrypted column in primary-key order, `batch_size` rows per transaction. A row
    is rewritten only if its stored value is still the one read (a conditional UPDATE), so a
    concurrent edit is never overwritten, and rows already under the active version are left
    alone: running it twice changes nothing the second time. `updated_at` is not touched.
    """
    active_prefix = f"v{keyring().active_version}:"
    reports = []
    for model, model_field in encrypted_columns():
        report = RotationReport(f"{model._meta.label}.{model_field.name}")
        context = model_field._context()
        stored = Cast(model_field.name, output_field=models.TextField())  # the raw column, not decrypted
        rows = model._base_manager.alias(mulin_stored=stored)
        last_pk: Any = None
        while True:
            batch = rows.order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            chunk = list(batch.annotate(mulin_raw=stored).values_list("pk", "mulin_raw")[:batch_size])
            if not chunk:
                break
            with transaction.atomic(using=router.db_for_write(model)):
                for pk, raw in chunk:
                    report.examined += 1
                    if not raw or raw.startswith(active_prefix):
                        continue
                    try:
                        plaintext = decrypt(raw, context=context)
                    except DecryptionError:
                        report.failed_pks.append(pk)
                        continue
                    if dry_run:
                        report.reencrypted += 1
                        continue
                    # update() encrypts the plaintext afresh under the active version.
                    report.reencrypted += rows.filter(pk=pk, mulin_stored=raw).update(**{model_field.name: plaintext})
            last_pk = chunk[-1][0]
        reports.append(report)
    return reports
