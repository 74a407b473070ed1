"""Who needs a second factor. Kept apart from services so middleware can ask without cycles."""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Session key: whether this sign-in passed the second factor (set by services.session_start).
SECOND_FACTOR_KEY = "mulin_second_factor"


def second_factor_required(user: Any) -> bool:
    """Staff and administrators need a TOTP code; demo accounts are exempt in demo mode only."""
    if settings.MULIN_DEMO and user.is_demo:
        return False
    return bool(user.needs_second_factor)
