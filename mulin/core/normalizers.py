"""Normalising and validating the identifiers residents give us: phone numbers and ID numbers.

Each function returns the canonical form or raises ValidationError with a message in the
user's language. Hypothesis tests cover them (core/tests/test_normalizers.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SEPARATORS = re.compile(r"[\s\-()（）\u3000.]")


def _half_width(value: str) -> str:
    # NFKC turns full-width digits and letters (１３８, ｘ) into ASCII.
    return unicodedata.normalize("NFKC", value)


def normalize_phone(value: str) -> str:
    """Return an 11-digit mainland mobile number from what a person typed or Excel stored."""
    text = _SEPARATORS.sub("", _half_width(str(value or "")).strip())
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell that Excel turned into a float
        text = text[:-2]
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _PHONE.match(text):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_phone")
    return text


def id_number_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    """Return an 18-character resident ID number (GB 11643-1999) after checking its checksum."""
    text = _SEPARATORS.sub("", _half_width(str(value or "")).strip()).upper()
    if re.fullmatch(r"\d{15}", text):
        raise ValidationError(
            _("15-digit ID numbers are no longer accepted; enter the 18-digit number."), code="legacy_id"
        )
    if re.fullmatch(r"\d\.\d+E\+17", text):
        raise ValidationError(
            _("This ID number was turned into a number by Excel and lost its last digits; format the column as text."),
            code="mangled_id",
        )
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="invalid_id")
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."), code="invalid_id"
        ) from None
    if id_number_check_digit(text[:17]) != text[17]:
        raise ValidationError(_("The ID number's check digit is wrong; please check it."), code="invalid_id_checksum")
    return text


def birth_date_from_id_number(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_from_id_number(id_number: str) -> str:
    return "male" if int(id_number[16]) % 2 else "female"
