"""System checks: refuse to start without a usable field-encryption keyring (fail closed)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from mulin.core.crypto import keyring


@register(Tags.security)
def check_field_keyring(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Personal data cannot be read or written without the keyring, so a missing or broken one
    stops every management command and server start rather than failing on the first request."""
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="mulin.E001", hint="Set MULIN_FIELD_KEYS_FILE to a valid keyring file.")]
    return []


@register(Tags.security, deploy=True)
def check_field_keyring_permissions(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    try:
        mode = Path(settings.MULIN_FIELD_KEYS_FILE).stat().st_mode
    except OSError:
        return []  # reported by mulin.E001
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [
            CheckWarning(
                "The field-encryption keyring is readable by other users.",
                id="mulin.W001",
                hint=f"chmod 600 {settings.MULIN_FIELD_KEYS_FILE}",
            )
        ]
    return []
