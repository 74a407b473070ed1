"""Reading settings from the environment, and the local data folder for generated secrets."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def data_dir() -> Path:
    """Return the folder that holds the SQLite file, generated keys and uploads."""
    path = Path(env_str("MULIN_DATA_DIR", str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def local_secret(filename: str, make: Callable[[], str]) -> str:
    """Read a secret from the data folder, creating it once with `make()`.

    Only non-production settings call this; production reads every secret from the
    environment so that nothing secret is generated on an app server by accident.
    """
    path = data_dir() / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def new_field_keyring() -> str:
    """Return a fresh keyring: one SM4 data key (version 1) and a separate blind-index key."""
    import base64
    import json

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(16)).decode()

    return json.dumps({"active": 1, "keys": {"1": key()}, "index_key": key()}, indent=2)
