"""Authenticate by mobile number and password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from mulin.accounts.models import User
from mulin.core.crypto import blind_index
from mulin.core.normalizers import normalize_phone


def phone_lookup_key(phone: str) -> str | None:
    """Return the blind index of a typed phone number, or None if it is not a valid number."""
    try:
        return blind_index("phone", normalize_phone(phone))
    except ValidationError:
        return None


class PhonePasswordBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, phone: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not phone or not password:
            return None
        key = phone_lookup_key(phone)
        user = User.objects.filter(person__phone_index=key).first() if key else None
        if user is None:
            # Spend the same time as a real check so response time does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.one_time_code_until is not None and user.one_time_code_until < timezone.now():
                return None  # an expired one-time code: staff must issue a new one
            return user
        return None
