"""Temporary field-encryption keyrings for tests that change keys."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

from mulin.core.crypto import Keyring, keyring


def write_keyring(path: Path, *, keys: dict[int, bytes], active: int, index_key: bytes) -> str:
    path.write_text(
        json.dumps(
            {
                "active": active,
                "keys": {str(version): base64.b64encode(key).decode() for version, key in keys.items()},
                "index_key": base64.b64encode(index_key).decode(),
            }
        )
    )
    path.chmod(0o600)
    return str(path)


def fresh_keyring(path: Path) -> str:
    return write_keyring(path, keys={1: secrets.token_bytes(16)}, active=1, index_key=secrets.token_bytes(32))


def with_new_active_version(current: Keyring, path: Path) -> str:
    """The current keyring plus a new data key that becomes active; same blind-index key."""
    version = max(current.keys) + 1
    return write_keyring(
        path, keys={**current.keys, version: secrets.token_bytes(16)}, active=version, index_key=current.index_key
    )


__all__ = ["fresh_keyring", "keyring", "with_new_active_version", "write_keyring"]
