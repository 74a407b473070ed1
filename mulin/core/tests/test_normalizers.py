"""Phone and ID-number normalisation: properties over generated input, plus the known bad cases
from reference/security.md §10.2."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from mulin.core.normalizers import (
    birth_date_from_id_number,
    gender_from_id_number,
    id_number_check_digit,
    normalize_id_number,
    normalize_phone,
)

FULL_WIDTH = str.maketrans("0123456789xX+-", "０１２３４５６７８９ｘＸ＋－")

mobile_numbers = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
regions = st.sampled_from(["110101", "310104", "330105", "440305", "510107", "650102"])
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)


@st.composite
def id_numbers(draw):  # type: ignore[no-untyped-def]
    first17 = f"{draw(regions)}{draw(birth_dates):%Y%m%d}{draw(sequences)}"
    return first17 + id_number_check_digit(first17)


def _code(callable_, value):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        callable_(value)
    return info.value.code


# --- phone ---------------------------------------------------------------------------------------


@given(mobile_numbers)
def test_plain_mobile_number_is_kept(phone):
    assert normalize_phone(phone) == phone


@given(mobile_numbers, st.sampled_from(["", "+86", "0086", "86", "+86 ", "+86-", "(+86)", "0086 "]))
def test_country_prefixes_are_removed(phone, prefix):
    assert normalize_phone(prefix + phone) == phone


@given(mobile_numbers, st.sampled_from([" ", "-", "\u3000", "－", "—", ".", "\u200b"]))
def test_separators_between_groups_are_removed(phone, separator):
    typed = f"{phone[:3]}{separator}{phone[3:7]}{separator}{phone[7:]}"

    assert normalize_phone(typed) == phone


@given(mobile_numbers)
def test_full_width_digits_are_accepted(phone):
    assert normalize_phone(phone.translate(FULL_WIDTH)) == phone
    assert normalize_phone(("+86" + phone).translate(FULL_WIDTH)) == phone


@given(mobile_numbers)
def test_excel_number_cell_is_accepted(phone):
    assert normalize_phone(f"{phone}.0") == phone
    assert normalize_phone(float(phone)) == phone
    assert normalize_phone(int(phone)) == phone
    assert normalize_phone(f"'{phone}") == phone


@given(st.text(max_size=20))
@example("١٣٨٠٠١٣٨٠٠٠")  # Arabic-Indic digits: \d would accept them
@example("13800138000\n")
def test_whatever_comes_out_is_eleven_ascii_digits(value):
    try:
        phone = normalize_phone(value)
    except ValidationError as exc:
        assert exc.code == "invalid_phone"
        return
    assert len(phone) == 11
    assert phone.isascii()
    assert phone.isdigit()
    assert phone[0] == "1"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "12800138000",  # no such mobile prefix
        "010-62345678",  # landline
        "13800138000;DROP",
        "13800138000.5",
        "1.38E+10",
        "+1 13800138000",
        "８６１３８００１３８０００１",
        "١٣٨٠٠١٣٨٠٠٠",
    ],
)
def test_not_a_mobile_number_is_rejected(value):
    assert _code(normalize_phone, value) == "invalid_phone"


# --- ID number ----------------------------------------------------------------------------------


@given(id_numbers())
def test_generated_id_numbers_pass(id_number):
    assert normalize_id_number(id_number) == id_number


@given(id_numbers())
@example("11010519491231002X")
def test_lower_case_and_full_width_and_spaces_are_accepted(id_number):
    assert normalize_id_number(id_number.lower()) == id_number
    assert normalize_id_number(id_number.translate(FULL_WIDTH)) == id_number
    assert normalize_id_number(f" {id_number[:6]} {id_number[6:14]} {id_number[14:]} ") == id_number


@given(id_numbers())
def test_any_separator_or_case_variant_normalises_to_the_same_number(id_number):
    assert normalize_id_number(id_number.lower().translate(FULL_WIDTH)) == id_number
    assert normalize_id_number(f"'{id_number}\u200b") == id_number


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_rejected(id_number, position, replacement):
    changed = id_number[:position] + replacement + id_number[position + 1 :]
    assume(changed != id_number)

    with pytest.raises(ValidationError):
        normalize_id_number(changed)


@given(id_numbers())
def test_birth_date_and_gender_come_from_the_number(id_number):
    assert birth_date_from_id_number(id_number).strftime("%Y%m%d") == id_number[6:14]
    assert gender_from_id_number(id_number) in {"male", "female"}


def _with_check(first17: str) -> str:
    return first17 + id_number_check_digit(first17)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("330105600101001", "legacy_id"),  # 15-digit legacy number
        ("1.10101E+17", "mangled_id"),
        ("1.10101199003071E+17", "mangled_id"),
        ("3.30105E17", "mangled_id"),
        ("1.10101e+17", "mangled_id"),
        ("110101199003071000", "mangled_id"),  # Excel kept 15 digits and added zeros
        ("33010519600101001", "invalid_id"),  # 17 characters
        ("3301051960010100111", "invalid_id"),  # 19
        ("33010519600101001Y", "invalid_id"),
        ("", "invalid_id"),
        (None, "invalid_id"),
        ("١١٠١٠١١٩٩٠٠٣٠٧١٠٠٠", "invalid_id"),  # Arabic-Indic digits
        (_with_check("33010519000230001"), "invalid_birth_date"),  # 30 February
        (_with_check("33010518000101001"), "invalid_birth_date"),  # 1800
        (_with_check("33010529990101001"), "invalid_birth_date"),  # the future
        (_with_check("33010519601301001"), "invalid_birth_date"),  # month 13
    ],
)
def test_bad_id_numbers_are_rejected_with_their_own_reason(value, code):
    assert _code(normalize_id_number, value) == code


def test_wrong_check_digit_is_reported_as_such():
    first17 = "33010519600101001"
    wrong = next(c for c in "0123456789X" if c != id_number_check_digit(first17))

    assert _code(normalize_id_number, first17 + wrong) == "invalid_id_checksum"


def test_birth_date_today_is_accepted_and_tomorrow_is_not(settings):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)):
        assert normalize_id_number(_with_check("33010520260301001"))
        assert _code(normalize_id_number, _with_check("33010520260302001")) == "invalid_birth_date"


def test_known_valid_number_from_the_standard():
    # The example in GB 11643-1999, Annex A.
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
