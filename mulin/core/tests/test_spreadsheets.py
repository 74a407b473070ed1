"""Reading untrusted spreadsheets and writing safe ones (reference/security.md §6 and §10.3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from openpyxl import Workbook

from mulin.core import spreadsheets
from mulin.core.spreadsheets import (
    FileTooLarge,
    Sheet,
    SpreadsheetError,
    cell_text,
    header_key,
    neutralize,
    read_table,
    write_csv,
    write_xlsx,
)

HEADER = ["姓名", "手机号", "身份证号"]


def xlsx(rows: list[list[object]], *, title: str = "人员") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of an .xlsx with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    assert set(replace or {}) <= set(source.namelist())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):  # type: ignore[no-untyped-def]
    """Fail the test if openpyxl is asked to parse: the refusal must come first."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("openpyxl.load_workbook was called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def code_of(excinfo: pytest.ExceptionInfo[SpreadsheetError]) -> str:
    return excinfo.value.code


# --- Reading .xlsx ------------------------------------------------------------------------------


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_xlsx_cells_come_back_as_the_text_people_typed():
    data = xlsx(
        [
            [*HEADER, "入党日期", "楼栋"],
            ["  张三\u3000", 13800138000, "330105196001010013", dt.datetime(2001, 7, 1), 3.0],
            ["李四", 13900139000.0, 3.30105196001010e17, dt.date(1999, 12, 31), 2.5],
        ]
    )

    table = read_table(data, filename="people.xlsx")

    assert table.header == [*HEADER, "入党日期", "楼栋"]
    assert [row.values for row in table.rows] == [
        ["张三", "13800138000", "330105196001010013", "2001-07-01", "3"],
        ["李四", "13900139000", "3.30105E+17", "1999-12-31", "2.5"],
    ]


def test_excel_mangled_id_number_reaches_the_normaliser_as_excel_shows_it():
    from django.core.exceptions import ValidationError

    from mulin.core.normalizers import normalize_id_number

    text = cell_text(3.30105196001010e17)

    assert text == "3.30105E+17"
    with pytest.raises(ValidationError) as excinfo:
        normalize_id_number(text)
    assert excinfo.value.code == "mangled_id"


def test_rows_keep_their_spreadsheet_numbers_and_blank_rows_are_skipped():
    data = xlsx([[], HEADER, ["张三", "", ""], [None, None, None], ["李四", "", ""]])

    table = read_table(data, filename="people.xlsx")

    assert table.header_row == 2
    assert [(row.number, row.values[0]) for row in table.rows] == [(3, "张三"), (5, "李四")]


def test_short_rows_are_padded_and_cells_beyond_the_header_dropped():
    table = read_table(xlsx([HEADER, ["张三"], ["李四", "1", "2", "extra"]]), filename="a.xlsx")

    assert [row.values for row in table.rows] == [["张三", "", ""], ["李四", "1", "2"]]


def test_a_hidden_first_sheet_is_skipped():
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "secret"
    hidden.append(["不是", "这个"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("人员")
    visible.append(HEADER)
    visible.append(["张三", "13800138000", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), filename="a.xlsx")

    assert table.header == HEADER


def test_a_false_dimension_does_not_make_rows_sixteen_thousand_cells_wide():
    data = xlsx([HEADER, ["张三", "1", "2"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="A1:C2"\s*/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    assert lying != sheet

    started = time.monotonic()
    table = read_table(rezip(data, replace={"xl/worksheets/sheet1.xml": lying}), filename="a.xlsx")

    assert time.monotonic() - started < 5
    assert [row.values for row in table.rows] == [["张三", "1", "2"]]


def test_header_matching_ignores_full_width_spaces_case_and_marks():
    assert header_key("姓\u3000名") == header_key("姓名")
    assert header_key(" Mobile  Number *") == header_key("mobile number")
    assert header_key("手机号：") == header_key("手机号")


# --- Refusals before parsing --------------------------------------------------------------------


def test_zip_bomb_is_refused_before_openpyxl_parses_anything(no_parsing):
    data = rezip(xlsx([HEADER]), add={"xl/media/padding.bin": b"\0" * (101 * 1024 * 1024)})
    assert len(data) < 1024 * 1024  # a small upload that would unpack to over 100 MB

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(data, filename="bomb.xlsx")

    assert code_of(excinfo) == "archive_too_large"
    assert "100 MB" in excinfo.value.message


def test_workbook_with_too_many_parts_is_refused_before_parsing(no_parsing):
    data = rezip(xlsx([HEADER]), add={f"xl/media/{n}.txt": b"x" for n in range(500)})

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(data, filename="many.xlsx")

    assert code_of(excinfo) == "archive_too_many_entries"


def test_suspiciously_compressed_member_is_refused_before_parsing(no_parsing):
    data = rezip(xlsx([HEADER]), add={"xl/media/zeros.bin": b"\0" * (5 * 1024 * 1024)})

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(data, filename="ratio.xlsx")

    assert code_of(excinfo) == "archive_ratio"


def test_member_larger_than_declared_fails_instead_of_unpacking_past_the_check():
    # A forged central directory may understate a member's size; zipfile stops at the declared
    # size and the CRC check then fails, so the limit on declared sizes holds.
    data = xlsx([HEADER, ["张三", "1", "2"]])
    name = b"xl/worksheets/sheet1.xml"
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo(name.decode())
    forged = bytearray(data)
    record = data.find(b"PK\x01\x02")
    while data[record + 46 : record + 46 + len(name)] != name:  # the member's central-directory record
        record = data.find(b"PK\x01\x02", record + 4)
    forged[record + 24 : record + 28] = (real.file_size // 2).to_bytes(4, "little")  # its uncompressed size

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(bytes(forged), filename="forged.xlsx")

    assert code_of(excinfo) == "unreadable"


@pytest.mark.parametrize("filename", ["people.xlsm", "people.XLSM", "people.xltm"])
def test_macro_workbook_extension_is_refused(filename, no_parsing):
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(xlsx([HEADER]), filename=filename)

    assert code_of(excinfo) == "macro_file"


def test_macro_project_inside_an_xlsx_is_refused(no_parsing):
    data = rezip(xlsx([HEADER]), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(data, filename="people.xlsx")

    assert code_of(excinfo) == "macro_file"


def test_macro_enabled_content_type_is_refused(no_parsing):
    data = xlsx([HEADER])
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(rezip(data, replace={"[Content_Types].xml": macro}), filename="people.xlsx")

    assert code_of(excinfo) == "macro_file"


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"name,phone\n", "people.xlsx", "not_xlsx"),  # a CSV renamed .xlsx
        (b"<html><script>alert(1)</script></html>", "people.xlsx", "not_xlsx"),
        (b"PK\x03\x04 but not a zip at all", "people.xlsx", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "people.xlsx", "old_excel"),  # BIFF / encrypted
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "people.csv", "old_excel"),
        (b"name\n", "people.xls", "unsupported_type"),
        (b"name\n", "people.txt", "unsupported_type"),
        (b"name\n", "people", "unsupported_type"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_gets_a_clear_error(content, filename, code, no_parsing):
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(content, filename=filename)

    assert code_of(excinfo) == code
    assert excinfo.value.message


def test_a_zip_that_is_not_a_workbook_is_refused(no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(buffer.getvalue(), filename="people.xlsx")

    assert code_of(excinfo) == "not_xlsx"


def test_an_xlsx_renamed_csv_is_refused():
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(xlsx([HEADER]), filename="people.csv")

    assert code_of(excinfo) == "not_csv"


def test_billion_laughs_in_a_sheet_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )

    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(rezip(xlsx([HEADER]), replace={"xl/worksheets/sheet1.xml": bomb}), filename="lol.xlsx")

    assert code_of(excinfo) == "unreadable"


def test_oversized_upload_is_refused_with_413(settings):
    settings.MULIN_IMPORT_MAX_BYTES = 1024

    with pytest.raises(FileTooLarge) as excinfo:
        read_table(b"a" * 1025, filename="people.csv")

    assert excinfo.value.status == 413
    assert "1 KB" in excinfo.value.message


def test_declared_size_is_checked_before_reading_and_the_real_size_after(settings):
    settings.MULIN_IMPORT_MAX_BYTES = 10 * 1024 * 1024

    class Upload(io.BytesIO):
        size = 10 * 1024 * 1024 + 1

        def read(self, *args):  # type: ignore[no-untyped-def]
            raise AssertionError("read despite a declared size over the limit")

    with pytest.raises(FileTooLarge):
        read_table(Upload(b""), filename="people.csv")

    class LyingUpload(io.BytesIO):
        size = 10  # claims to be small

    with pytest.raises(FileTooLarge):
        read_table(LyingUpload(b"a" * (10 * 1024 * 1024 + 1)), filename="people.csv")


def test_empty_file_is_refused():
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(b"", filename="people.csv")

    assert code_of(excinfo) == "file_empty"


def test_too_many_rows_stops_reading_at_the_cap(settings):
    settings.MULIN_IMPORT_MAX_ROWS = 5
    rows = [HEADER] + [[f"居民{n}", "", ""] for n in range(6)]

    assert len(read_table(xlsx(rows[:6]), filename="a.xlsx").rows) == 5
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(xlsx(rows), filename="a.xlsx")
    assert code_of(excinfo) == "too_many_rows"
    with pytest.raises(SpreadsheetError):
        read_table("\n".join(",".join(row) for row in rows).encode(), filename="a.csv")


def test_default_limits_are_ten_megabytes_and_twenty_thousand_rows(settings):
    assert settings.MULIN_IMPORT_MAX_BYTES == 10 * 1024 * 1024
    assert settings.MULIN_IMPORT_MAX_ROWS == 20_000


# --- Reading CSV --------------------------------------------------------------------------------

CSV_TEXT = "姓名,手机号,身份证号\r\n张三,13800138000,330105196001010013\r\n李四,+86 139 0013 9000,\r\n"
EXPECTED = [["张三", "13800138000", "330105196001010013"], ["李四", "+86 139 0013 9000", ""]]


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-8-sig"),
        CSV_TEXT.encode("gbk"),
        CSV_TEXT.encode("gb18030"),
        CSV_TEXT.encode("utf-16"),  # with BOM (little-endian here)
        b"\xfe\xff" + CSV_TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "utf16-be"],
)
def test_csv_in_the_encodings_chinese_offices_use(encoded):
    table = read_table(encoded, filename="people.csv")

    assert table.header == HEADER
    assert [row.values for row in table.rows] == EXPECTED


def test_gb18030_characters_outside_gbk_survive():
    text = "姓名,手机号\r\n王𠈌,13800138000\r\n"
    table = read_table(text.encode("gb18030"), filename="people.csv")

    assert table.rows[0].values[0] == "王𠈌"


def test_excel_unicode_text_export_is_read_as_tab_separated():
    text = "姓名\t手机号\t身份证号\r\n张三\t13800138000\t330105196001010013\r\n"

    table = read_table(text.encode("utf-16"), filename="people.csv")

    assert table.rows[0].values == EXPECTED[0]


def test_csv_with_mixed_newlines_quoted_newlines_long_cells_and_trailing_delimiters():
    long_cell = "长" * 32767
    text = f'姓名,手机号,身份证号,\n张三,"138\n00138000",x,\r\n"{long_cell}",,,\n'

    table = read_table(text.encode("utf-8"), filename="people.csv")

    assert table.header == HEADER
    assert table.rows[0].values == ["张三", "138\n00138000", "x"]
    assert table.rows[1].values[0] == long_cell


def test_undecodable_csv_gets_a_clear_error():
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table(b"\x81\x20\xff\xfe\x00name\n", filename="people.csv")

    assert code_of(excinfo) == "bad_encoding"


def test_utf16_without_bom_is_refused_rather_than_misread():
    with pytest.raises(SpreadsheetError) as excinfo:
        read_table("姓名,手机号\n".encode("utf-16-le"), filename="people.csv")

    assert code_of(excinfo) == "bad_encoding"


# --- Writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "＝1+1", '=HYPERLINK("http://x","点我")']
)
def test_text_that_looks_like_a_formula_gets_an_apostrophe(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "138****8000", "", 5, -5, 1.5, dt.date(2001, 7, 1), None])
def test_ordinary_values_are_left_alone(value):
    assert neutralize(value) == value


def test_xlsx_writer_never_stores_a_formula():
    data = write_xlsx([Sheet("人员", ["=bad header", "手机号"], rows=[['=HYPERLINK("http://x","点我")', "@SUM(1)"]])])

    sheet = openpyxl.load_workbook(io.BytesIO(data))["人员"]

    assert sheet["A1"].value == "'=bad header"
    assert sheet["A2"].value == '\'=HYPERLINK("http://x","点我")'
    assert sheet["B2"].value == "'@SUM(1)"
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s"}


def test_xlsx_writer_formats_text_columns_and_offers_choices():
    data = write_xlsx(
        [Sheet("人员", ["姓名", "手机号"], text_columns=[1], choices={0: ["正式党员", "预备党员"]}, widths=[10, 15])]
    )

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["人员"]
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.freeze_panes == "A2"
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref).startswith("A2:A")
    helper = workbook[validation.formula1.split("!")[0].strip("'")]
    assert helper.sheet_state == "hidden"
    assert [row[0] for row in helper.iter_rows(values_only=True)] == ["正式党员", "预备党员"]
    # What we write, we can read back.
    assert read_table(data, filename="t.xlsx").header == ["姓名", "手机号"]


def test_csv_writer_neutralises_and_starts_with_a_bom():
    data = write_csv(["姓名", "年龄"], [["=cmd|' /C calc'!A0", 5], ["-2+3", dt.date(2001, 7, 1)]])

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "年龄"], ["'=cmd|' /C calc'!A0", "5"], ["'-2+3", "2001-07-01"]]


def test_module_imports_no_domain_app():
    with open(spreadsheets.__file__, encoding="utf-8") as module:
        source = module.read()

    assert "mulin.organizations" not in source
    assert "from mulin." in source  # only mulin.core
    assert all(line.startswith("from mulin.core") for line in source.splitlines() if line.startswith("from mulin."))


def test_formula_cells_are_marked_and_never_read_as_their_value():
    # Given a workbook whose address cell is a formula (openpyxl saves no cached result)
    data = xlsx([[*HEADER, "地址"], ["张三", "13800138000", "", '=HYPERLINK("http://x.example","家")'], ["李四"]])

    # When it is read
    table = read_table(data, filename="people.xlsx")

    # Then the formula cell is empty and its position is reported; other rows have none
    assert [(row.values, row.formulas) for row in table.rows] == [
        (["张三", "13800138000", "", ""], (3,)),
        (["李四", "", "", ""], ()),
    ]


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["张三", "13800138000", ""])
    sheet["C2"].value = "=not a formula"
    sheet["C2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), filename="people.xlsx")

    assert [(row.values, row.formulas) for row in table.rows] == [(["张三", "13800138000", "=not a formula"], ())]
