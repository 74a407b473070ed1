"""Hypothesis properties of every validator and normaliser not covered elsewhere.

Already covered: normalize_phone and normalize_id_number (mulin/core/tests/test_normalizers.py),
SM4-GCM round trips (mulin/core/tests/test_crypto.py). Health values (blood pressure, glucose,
uric acid, bone density) do not exist in the code yet: no property here until they do.

ASVS 5.0 2.1.1–2.2.3 (positive validation of every field), 1.2.10 / F7 (formula injection),
16.2.5 / PIPL Art. 51 (masking); GB/T 22239 8.1.4.4 d) 数据有效性检验.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from mulin.accounts.validators import CharacterClassValidator, LocalWordValidator
from mulin.core.concurrency import parse_version
from mulin.core.exceptions import ApplicationError
from mulin.core.idempotency import _KEY
from mulin.core.logging import mask_text
from mulin.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from mulin.core.normalizers import id_number_check_digit, normalize_phone
from mulin.core.spreadsheets import cell_text, header_key, neutralize, read_table, write_csv
from mulin.organizations.imports import parse_date

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

phones = st.builds(
    lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9)
)
birthdays = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["110101", "330105", "440305"]))
    first17 = f"{area}{draw(birthdays):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_number_check_digit(first17)


# Text around a number, as log lines have it: anything but digits and letters touching the number.
surroundings = st.text(alphabet=st.characters(blacklist_categories=["Nd", "Lu", "Ll", "Cs"]), max_size=20)
separators = st.sampled_from(["", " ", "-"])


# --- masking --------------------------------------------------------------------------------------


@PROPERTY
@given(phone=phones)
def test_a_masked_phone_shows_only_the_first_three_and_last_four_digits(phone):
    masked = mask_phone(phone)

    assert masked == phone[:3] + "****" + phone[-4:]


@PROPERTY
@given(id_number=id_numbers())
def test_a_masked_id_number_hides_the_birth_date(id_number):
    masked = mask_id_number(id_number)

    assert len(masked) == len(id_number)
    assert masked[6:14] == "********"
    assert id_number[6:14] not in masked


@PROPERTY
@given(value=st.text(alphabet=st.characters(blacklist_characters="*", blacklist_categories=["Cs"]), max_size=60))
def test_masks_always_hide_part_of_the_value(value):
    assume(len(value) >= 2)
    for mask in (mask_phone, mask_id_number, mask_name, mask_address):
        shown = len(mask(value).replace("*", ""))
        assert shown < len(value), (mask.__name__, len(value), shown)


@PROPERTY
@given(
    before=surroundings,
    after=surroundings,
    phone=phones,
    separator=separators,
    prefix=st.sampled_from(["", "+86", "+86 ", "0086"]),
)
def test_log_masking_leaves_no_mobile_number_in_a_line(before, after, phone, separator, prefix):
    spaced = f"{phone[:3]}{separator}{phone[3:7]}{separator}{phone[7:]}"

    masked = mask_text(f"{before}{prefix}{spaced}{after}")

    assert phone not in re.sub(r"[ -]", "", masked)
    assert f"{phone[:3]}****{phone[7:]}" in masked


@PROPERTY
@given(before=surroundings, after=surroundings, id_number=id_numbers(), lower=st.booleans())
def test_log_masking_leaves_no_id_number_in_a_line(before, after, id_number, lower):
    text = id_number.lower() if lower else id_number

    masked = mask_text(f"{before}{text}{after}")

    assert text not in masked
    assert id_number[6:14] not in masked


# --- spreadsheets ---------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@PROPERTY
@given(value=st.text(max_size=40))
@example('=HYPERLINK("http://x","点我")')
@example("@SUM(1)")
@example("－1+1")
def test_a_neutralised_cell_never_starts_like_a_formula(value):
    safe = neutralize(value)

    assert not safe.startswith(FORMULA_STARTS)
    assert safe in (value, "'" + value)
    assert (safe == value) == (not value.startswith(FORMULA_STARTS))


@PROPERTY
@given(number=st.integers(min_value=-(10**14), max_value=10**14))
def test_integral_number_cells_come_back_without_a_decimal_point(number):
    assert cell_text(float(number)) == str(number)


@PROPERTY
@given(header=st.text(max_size=20))
def test_header_matching_is_idempotent(header):
    assert header_key(header_key(header)) == header_key(header)


cells = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\u2028\u2029\x85"), max_size=30
)


@PROPERTY
@given(rows=st.lists(st.lists(cells, min_size=2, max_size=2), min_size=1, max_size=5))
def test_an_exported_csv_reads_back_as_the_neutralised_text(rows):
    assume(all(any(cell.strip() for cell in row) for row in rows))
    data = write_csv(["姓名", "备注"], rows)

    table = read_table(io.BytesIO(data), filename="export.csv", max_bytes=10**6, max_rows=100)

    expected = [[cell_text(neutralize(cell)) for cell in row] for row in rows]
    assert [row.values for row in table.rows] == expected


@PROPERTY
@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet="王李张赵翠玉南苑社区一二三ABCabc0123456789", min_size=1, max_size=8),
            min_size=2,
            max_size=2,
        ),
        min_size=1,
        max_size=4,
    ),
    encoding=st.sampled_from(["utf-8-sig", "gb18030", "gbk", "utf-16"]),
)
def test_csv_in_any_office_encoding_reads_back_the_same(rows, encoding):
    text = "姓名,备注\r\n" + "".join(",".join(row) + "\r\n" for row in rows)

    table = read_table(io.BytesIO(text.encode(encoding)), filename="people.csv", max_bytes=10**6, max_rows=100)

    assert table.header == ["姓名", "备注"]
    assert [row.values for row in table.rows] == rows


# --- imports ------------------------------------------------------------------------------------------


@PROPERTY
@given(date=st.dates(min_value=dt.date(1921, 7, 1), max_value=dt.date(2100, 1, 1)), style=st.integers(0, 5))
def test_join_dates_as_people_write_them_parse_to_the_same_day(date, style):
    text = [
        f"{date:%Y-%m-%d}",
        f"{date.year}/{date.month}/{date.day}",
        f"{date.year}年{date.month}月{date.day}日",
        f"{date:%Y%m%d}",
        f"{date.year}.{date.month:02d}.{date.day:02d}",
        f"{date:%Y-%m-%d}".translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    ][style]

    assert parse_date(text) == date


@PROPERTY
@given(text=st.text(max_size=20))
def test_parse_date_never_raises(text):
    result = parse_date(text)

    assert result is None or isinstance(result, dt.date)


# --- passwords ------------------------------------------------------------------------------------------


@PROPERTY
@given(
    parts=st.lists(
        st.sampled_from([string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#%^&*()_+-=,.;"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    data=st.data(),
)
def test_three_character_classes_are_required(parts, data):
    password = "".join(data.draw(st.text(alphabet=part, min_size=2, max_size=5)) for part in parts)

    if len(parts) >= 3:
        CharacterClassValidator().validate(password)
    else:
        with pytest.raises(ValidationError):
            CharacterClassValidator().validate(password)


@PROPERTY
@given(
    before=st.text(max_size=6),
    after=st.text(max_size=6),
    word=st.sampled_from(["Daguan", "MULIN", "dangyuan", "JieDao"]),
)
def test_local_words_are_refused_in_any_case_and_position(before, after, word):
    with pytest.raises(ValidationError):
        LocalWordValidator().validate(before + word + after)


# --- request plumbing ----------------------------------------------------------------------------------


@PROPERTY
@given(key=st.text(max_size=80))
def test_idempotency_keys_are_16_to_64_safe_characters(key):
    allowed = set(string.ascii_letters + string.digits + "-_")

    assert bool(_KEY.fullmatch(key)) == (16 <= len(key) <= 64 and set(key) <= allowed)


@PROPERTY
@given(moment=st.datetimes(timezones=st.just(dt.UTC)))
def test_a_form_version_reads_back_as_the_same_moment(moment):
    assert parse_version(moment.isoformat(timespec="microseconds")) == moment


@PROPERTY
@given(token=st.text(max_size=40))
def test_a_damaged_form_version_is_a_400_never_a_crash(token):
    try:
        parse_version(token)
    except ApplicationError as exc:
        assert exc.status == 400


@PROPERTY
@given(phone=phones, style=st.integers(0, 4))
def test_every_way_of_writing_a_phone_normalises_to_the_same_blind_index_input(phone, style):
    written = [
        phone,
        f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
        phone.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"0086-{phone}",
        f"{phone}.0",
    ][style]

    assert normalize_phone(written) == phone


def test_money_and_hours_are_decimals_not_floats():
    """A guard for the services' clean_decimal: 0.1 + 0.2 must stay 0.3 (property below)."""
    from mulin.core.inputs import clean_decimal

    assert clean_decimal("0.3", field="estimated_value", low=Decimal(0), high=Decimal(1)) == Decimal("0.30")


@PROPERTY
@given(value=st.one_of(st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers()))
def test_wish_numbers_are_in_range_or_refused(value):
    from mulin.core.inputs import TENTHS, clean_decimal

    try:
        number = clean_decimal(value, field="estimated_hours", low=Decimal(0), high=Decimal(99), places=TENTHS)
    except ValidationError:
        return
    assert number is None or Decimal(0) <= number <= Decimal(99)
