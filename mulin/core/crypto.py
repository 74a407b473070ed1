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
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

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
    """Load the keyring once per process."""
    path = settings.MULIN_FIELD_KEYS_FILE
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        keys = {int(version): base64.b64decode(value) for version, value in raw["keys"].items()}
        ring = Keyring(int(raw["active"]), keys, base64.b64decode(raw["index_key"]))
    except (OSError, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"Cannot read the field-encryption keyring at {path}: {exc}") from exc
    if ring.active_version not in ring.keys or any(len(k) != 16 for k in ring.keys.values()):
        raise ImproperlyConfigured("The field-encryption keyring needs 16-byte SM4 keys and a valid active version.")
    return ring


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.keys[ring.active_version]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"v{ring.active_version}:{token}"


def decrypt(stored: str, *, context: str) -> str:
    version_part, _, token = stored.partition(":")
    try:
        key = keyring().keys[int(version_part.removeprefix("v"))]
        blob = base64.b64decode(token, validate=True)
    except (KeyError, ValueError) as exc:
        raise DecryptionError("Unknown key version or malformed value.") from exc
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("The value failed its integrity check.") from exc


def key_version_of(stored: str) -> int:
    return int(stored.partition(":")[0].removeprefix("v"))


def blind_index(kind: str, normalized_value: str) -> str:
    """Return a keyed, deterministic lookup token for an already-normalised value.

    Phone numbers have little entropy, so the token is only as safe as the index key: it lives
    in the keyring, never in the database or the settings files.
    """
    mac = hmac.HMAC(keyring().index_key, hashes.SM3())
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
