"""Normalising and validating the identifiers residents give us: phone numbers and ID numbers.

Each function returns the canonical form or raises ValidationError with a message in the
user's language. Hypothesis tests cover them (core/tests/test_normalizers.py).

Values arrive typed on phones (full-width digits from a Chinese keyboard, "+86 138-0013-8000"),
pasted from chat apps (zero-width spaces) or read from Excel (number cells as "13800000000.0",
ID numbers turned into "1.10101E+17"). Only ASCII digits come out: Python's ``\\d`` also
matches Arabic-Indic and other digits, so the patterns here spell out ``[0-9]``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Zero-width and direction marks survive NFKC; chat apps and web forms paste them in.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Spaces, hyphens and dashes, brackets and dots that people put between digit groups.
_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015\u2212()（）.·]")
# An Excel number cell: "13800000000.0" (a float) — only a trailing ".0", nothing else.
_EXCEL_FLOAT = re.compile(r"([0-9]+)\.0+")
# Excel shows long numbers in scientific notation and keeps only 15 significant digits.
_EXCEL_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+")
_OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def _clean(value: object) -> str:
    # NFKC turns full-width digits and letters (１３８, ｘ, ＋) into ASCII; a leading apostrophe
    # is how Excel marks a number stored as text.
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value if value is not None else "")))
    return text.strip().removeprefix("'").strip()


def normalize_phone(value: object) -> str:
    """Return an 11-digit mainland mobile number from what a person typed or Excel stored."""
    text = _clean(value)
    excel_float = _EXCEL_FLOAT.fullmatch(text)
    if excel_float:
        text = excel_float.group(1)
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _PHONE.fullmatch(text):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_phone")
    return text


def id_number_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _excel_mangled_error() -> ValidationError:
    return ValidationError(
        _("This ID number was turned into a number by Excel and lost its last digits; format the column as text."),
        code="mangled_id",
    )


def normalize_id_number(value: object) -> str:
    """Return an 18-character resident ID number (GB 11643-1999) after checking its checksum
    and the birth date inside it."""
    raw = _clean(value).upper()
    if _EXCEL_SCIENTIFIC.fullmatch(raw.replace(" ", "")):
        raise _excel_mangled_error()
    text = _SEPARATORS.sub("", raw)
    if re.fullmatch(r"[0-9]{15}", text):
        raise ValidationError(
            _("15-digit ID numbers are no longer accepted; enter the 18-digit number."), code="legacy_id"
        )
    if not _ID_NUMBER.fullmatch(text):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="invalid_id")
    try:
        birth_date = birth_date_from_id_number(text)
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."), code="invalid_birth_date"
        ) from None
    if not _OLDEST_BIRTH_DATE <= birth_date <= timezone.localdate():
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="invalid_birth_date")
    if id_number_check_digit(text[:17]) != text[17]:
        if text.endswith("000"):  # what Excel leaves of an 18-digit number: 15 digits and zeros
            raise _excel_mangled_error()
        raise ValidationError(_("The ID number's check digit is wrong; please check it."), code="invalid_id_checksum")
    return text


def birth_date_from_id_number(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_from_id_number(id_number: str) -> str:
    return "male" if int(id_number[16]) % 2 else "female"
