"""Session engine: Django's database sessions plus the owning account's id (see UserSession)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from mulin.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = super().create_model_instance(data)
        user_id = data.get("_auth_user_id")
        instance.user_id = int(user_id) if user_id else None  # type: ignore[attr-defined]
        return instance
