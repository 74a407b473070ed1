"""Password rules beyond Django's: three of four character classes, and no local words."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CLASSES = (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z\d]")
# Words an attacker guessing passwords at a street office would try first.
_LOCAL_WORDS = ("daguan", "mulin", "gongshu", "hangzhou", "dangyuan", "shequ", "jiedao", "zhibu")


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if sum(bool(re.search(pattern, password)) for pattern in _CLASSES) < 3:
            raise ValidationError(
                _("Use at least three of: lower-case letters, upper-case letters, digits and symbols."),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least three of: lower-case letters, upper-case letters, digits and symbols."
        )


class LocalWordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if any(word in lowered for word in _LOCAL_WORDS):
            raise ValidationError(
                _("Your password contains a word that is too easy to guess here."), code="password_local_word"
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain the street's or the platform's name.")
