"""Bad files (security reference §10.3): every item of the list for imports (mulin/core/
spreadsheets.py) and photo uploads (mulin/core/photos.py), through the real endpoints where the
item is about an endpoint. Items already tested elsewhere are listed in CATALOGUE, and a test
checks that each named test still exists, so the list cannot silently lose one.

ASVS 5.0 5.1.1, 5.2.1–5.2.3, 5.3.2, 1.5.1–1.5.2 (XML), 14.2.8 (EXIF location); GB/T 22239
8.1.4.4 d); F1–F7 of the security reference.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken
from PIL import Image

from mulin.core.photos import photo_clean
from mulin.core.spreadsheets import SpreadsheetError, read_table
from mulin.organizations.scoping import actor_for_person
from mulin.wishes.models import Wish, WishCategory, WishPhoto
from mulin.wishes.services import wish_claim, wish_publish, wish_submit

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# §10.3 items tested in the app's own suites: "file::test" must exist.
CATALOGUE = {
    "oversize import 10 MB + 1 → 413": (
        "mulin/organizations/tests/test_imports.py::test_api_import_refuses_an_oversized_file_with_413"
    ),
    "declared size and real size": (
        "mulin/core/tests/test_spreadsheets.py::test_declared_size_is_checked_before_reading_and_the_real_size_after"
    ),
    "zero-byte import": "mulin/core/tests/test_spreadsheets.py::test_empty_file_is_refused",
    "zero-byte photo": "mulin/core/tests/test_photos.py::test_files_that_are_not_real_photos_are_refused",
    ".jpg that is HTML or SVG with script": (
        "mulin/core/tests/test_photos.py::test_files_that_are_not_real_photos_are_refused"
    ),
    "image bomb (64 Mpx in kilobytes)": "mulin/core/tests/test_photos.py::test_image_bomb_is_refused_before_decoding",
    "Pillow's own bomb limit": (
        "mulin/core/tests/test_photos.py::test_pillows_own_decompression_bomb_limit_also_refuses"
    ),
    "photo with GPS EXIF stored without it": (
        "mulin/core/tests/test_photos.py::test_jpeg_is_re_encoded_without_exif_or_gps_and_turned_upright"
    ),
    "photo over 5 MB": "mulin/core/tests/test_photos.py::test_files_over_five_megabytes_are_refused",
    "photos never under a public media URL": (
        "mulin/wishes/tests/test_photos.py::test_photos_are_not_reachable_under_a_media_url"
    ),
    "zip bomb refused before openpyxl": (
        "mulin/core/tests/test_spreadsheets.py::test_zip_bomb_is_refused_before_openpyxl_parses_anything"
    ),
    "zip bomb through the API": (
        "mulin/organizations/tests/test_imports.py::test_api_import_refuses_a_zip_bomb_before_parsing"
    ),
    "> 500 zip entries": (
        "mulin/core/tests/test_spreadsheets.py::test_workbook_with_too_many_parts_is_refused_before_parsing"
    ),
    "billion laughs in a sheet": "mulin/core/tests/test_spreadsheets.py::test_billion_laughs_in_a_sheet_is_refused",
    "openpyxl uses defusedxml": "mulin/core/tests/test_spreadsheets.py::test_openpyxl_parses_xml_through_defusedxml",
    ".xlsm macro workbook": "mulin/core/tests/test_spreadsheets.py::test_macro_workbook_extension_is_refused",
    "vbaProject inside an .xlsx": "mulin/core/tests/test_spreadsheets.py::test_macro_project_inside_an_xlsx_is_refused",
    "macro-enabled content type renamed .xlsx": (
        "mulin/core/tests/test_spreadsheets.py::test_macro_enabled_content_type_is_refused"
    ),
    ".xls (BIFF) and renamed files": (
        "mulin/core/tests/test_spreadsheets.py::test_a_file_that_is_not_what_its_name_says_gets_a_clear_error"
    ),
    ".xlsx renamed .csv": "mulin/core/tests/test_spreadsheets.py::test_an_xlsx_renamed_csv_is_refused",
    "row cap (stream-abort)": "mulin/core/tests/test_spreadsheets.py::test_too_many_rows_stops_reading_at_the_cap",
    "hidden sheets": "mulin/core/tests/test_spreadsheets.py::test_a_hidden_first_sheet_is_skipped",
    "false dimension (16,384 columns)": (
        "mulin/core/tests/test_spreadsheets.py::test_a_false_dimension_does_not_make_rows_sixteen_thousand_cells_wide"
    ),
    "header with full-width spaces and marks": (
        "mulin/organizations/tests/test_imports.py::"
        "test_headers_with_full_width_spaces_and_required_marks_are_recognised"
    ),
    "columns out of order, extra columns": (
        "mulin/organizations/tests/test_imports.py::test_english_headers_in_any_order_and_extra_columns_are_accepted"
    ),
    "CSV UTF-8 BOM / GBK / GB18030 / UTF-16": (
        "mulin/core/tests/test_spreadsheets.py::test_csv_in_the_encodings_chinese_offices_use"
    ),
    "GBK CSV through the import": "mulin/organizations/tests/test_imports.py::test_gbk_csv_from_chinese_excel_imports",
    "UTF-16 tab-separated CSV through the import": (
        "mulin/organizations/tests/test_imports.py::test_utf16_tab_separated_csv_imports"
    ),
    "mixed newlines, quoted newlines, 32,767-char cell, trailing delimiter": (
        "mulin/core/tests/test_spreadsheets.py::"
        "test_csv_with_mixed_newlines_quoted_newlines_long_cells_and_trailing_delimiters"
    ),
    "Excel-mangled ID numbers": (
        "mulin/organizations/tests/test_imports.py::"
        "test_number_cells_excel_made_are_read_and_mangled_id_numbers_reported"
    ),
    "Excel-mangled ID numbers reach the normaliser as shown": (
        "mulin/core/tests/test_spreadsheets.py::test_excel_mangled_id_number_reaches_the_normaliser_as_excel_shows_it"
    ),
    "same file twice: no duplicates": (
        "mulin/organizations/tests/test_imports.py::test_importing_the_same_file_again_changes_nothing"
    ),
    "one bad row: report, nothing imported": (
        "mulin/organizations/tests/test_imports.py::"
        "test_thousand_rows_with_three_bad_rows_import_nothing_and_report_exactly_those_rows"
    ),
    "re-import with changed values": (
        "mulin/organizations/tests/test_imports.py::test_changed_values_update_the_person_and_move_their_resident_role"
    ),
    "formula injection on export": (
        "mulin/organizations/tests/test_exports.py::test_formula_injection_is_neutralised_in_the_export"
    ),
    "export needs permission and is audited": (
        "mulin/organizations/tests/test_exports.py::"
        "test_every_export_writes_exactly_one_audit_row_without_personal_data"
    ),
    "a bad photo among good ones stores nothing": (
        "mulin/wishes/tests/test_photos.py::test_a_bad_photo_among_good_ones_stores_nothing"
    ),
}


def test_every_catalogued_test_still_exists():
    missing = []
    for item, reference in CATALOGUE.items():
        path, name = reference.split("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        if not re.search(rf"^def {re.escape(name)}\(", source, re.MULTILINE):
            missing.append(f"{item}: {reference}")
    assert not missing, "Catalogued bad-file tests are gone:\n  " + "\n  ".join(missing)


# --- helpers ------------------------------------------------------------------------------------------------


def _jpeg(size: tuple[int, int] = (40, 30), **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1) * 16))
        + chunk(b"IEND", b"")
    )


def _xlsx(sheet_rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in sheet_rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return buffer.getvalue()


def _claimed_wish(cast) -> Wish:  # type: ignore[no-untyped-def]
    wish = wish_submit(
        actor=actor_for_person(cast.cuiyu_plain), title="换灯泡", category=WishCategory.objects.get(code="repair")
    )
    wish_publish(actor=actor_for_person(cast.people["worker_cuiyu"]), wish=wish)
    return wish_claim(actor=actor_for_person(cast.people["volunteer"]), wish=wish)


def _fulfil_via_api(cast, wish: Wish, upload: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    client = APIClient()
    token = AuthToken.objects.create(user=cast.people["volunteer"].user)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.post(f"/api/v1/wishes/{wish.pk}/fulfil/", {"note": "换好了", "photos": [upload]}, format="multipart")


# --- photos -----------------------------------------------------------------------------------------------

DANGEROUS_NAMES = [
    "../../etc/passwd",
    "..\\..\\win.ini",
    "a\x00.jpg",
    "photo.php.jpg",
    "photo.jpg.exe",
    "\u202egpj.exe",
    "x" * 300 + ".jpg",
    "<script>alert(1)</script>.jpg",
]


@pytest.mark.parametrize("name", DANGEROUS_NAMES, ids=range(len(DANGEROUS_NAMES)))
def test_an_uploaded_photo_is_stored_under_a_name_of_ours_whatever_its_own(cast, name, settings):
    wish = _claimed_wish(cast)

    response = _fulfil_via_api(cast, wish, SimpleUploadedFile(name, _jpeg(), content_type="image/jpeg"))

    assert response.status_code == 200, response.content
    photo = WishPhoto.objects.get(wish=wish)
    assert re.fullmatch(r"wishes/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.file_name)
    stored = Path(settings.MEDIA_ROOT) / photo.file_name
    assert stored.is_file()
    assert stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_a_jpeg_with_a_zip_or_html_appended_is_stored_without_it(cast):
    """GIFAR-style polyglot: a real JPEG followed by an archive and a web page."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as payload:
        payload.writestr("evil.class", b"CAFEBABE")
    polyglot = _jpeg() + archive.getvalue() + b"<html><script>alert(1)</script></html>"

    clean = photo_clean(SimpleUploadedFile("photo.jpg", polyglot, content_type="image/jpeg"))

    assert b"PK\x03\x04" not in clean.content
    assert b"<script>" not in clean.content
    assert clean.content.startswith(b"\xff\xd8\xff")


def test_a_script_in_a_jpeg_comment_is_not_kept(cast):
    with_comment = _jpeg(comment=b"<script>alert(document.cookie)</script>")
    assert b"<script>" in with_comment

    clean = photo_clean(SimpleUploadedFile("photo.jpg", with_comment, content_type="image/jpeg"))

    assert b"<script>" not in clean.content


def test_a_20000_by_20000_png_is_refused_before_decoding():
    with pytest.raises(ValidationError) as refused:
        photo_clean(SimpleUploadedFile("bomb.png", _png_bomb(20_000, 20_000), content_type="image/png"))

    assert refused.value.message_dict == {"photos": ["The photo has too many pixels."]}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.jpg"),
        (_png_bomb(20_000, 20_000), "bomb.png"),
        (b"GIF89a" + b"\x00" * 64, "x.gif"),
    ],
    ids=["empty", "svg", "bomb", "gif"],
)
def test_bad_photos_through_the_api_are_400_and_store_nothing(cast, content, name):
    wish = _claimed_wish(cast)

    response = _fulfil_via_api(cast, wish, SimpleUploadedFile(name, content, content_type="image/jpeg"))

    assert response.status_code == 400
    assert "photos" in response.json().get("errors", {})
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED
    assert not WishPhoto.objects.filter(wish=wish).exists()


def test_an_oversized_photo_through_the_api_is_400(cast, settings):
    settings.MULIN_PHOTO_MAX_BYTES = 10_000
    wish = _claimed_wish(cast)
    big = io.BytesIO()
    Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(big, format="JPEG", quality=95)
    big = big.getvalue()
    assert len(big) > 10_000

    response = _fulfil_via_api(cast, wish, SimpleUploadedFile("big.jpg", big, content_type="image/jpeg"))

    assert response.status_code == 400
    assert not WishPhoto.objects.exists()


# --- imports ----------------------------------------------------------------------------------------------

HEADER = ["姓名", "手机号", "身份证号"]
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def test_billion_laughs_in_the_shared_strings_is_refused():
    workbook = _xlsx([HEADER, ["张三", "13800138000", "x"]])
    bomb = (
        b'<?xml version="1.0"?>' + LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1"><si><t>&lol3;</t></si></sst>'
    )

    # openpyxl writes inline strings; Excel writes a shared-strings part, declared like this.
    types = zipfile.ZipFile(io.BytesIO(workbook)).read("[Content_Types].xml")
    declared = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )

    with pytest.raises(SpreadsheetError) as refused:
        read_table(
            _rezip(workbook, {"xl/sharedStrings.xml": bomb, "[Content_Types].xml": declared}), filename="lol.xlsx"
        )

    assert refused.value.code == "unreadable"


def test_billion_laughs_in_the_workbook_part_is_refused():
    workbook = _xlsx([HEADER])
    source = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/workbook.xml")
    bomb = source.replace(b"<workbook ", LAUGHS + b"<workbook ", 1)

    with pytest.raises(SpreadsheetError):
        read_table(_rezip(workbook, {"xl/workbook.xml": bomb}), filename="lol.xlsx")


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE")
    workbook = _xlsx([HEADER])
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    )

    try:
        table = read_table(_rezip(workbook, {"xl/worksheets/sheet1.xml": xxe}), filename="xxe.xlsx")
    except SpreadsheetError:
        return  # refused: fine
    assert "TOP-SECRET-FILE" not in repr(table)


def test_an_import_over_the_size_limit_through_the_web_page_is_refused(cast, settings):
    from django.test import Client
    from django.urls import reverse

    from mulin.web.tests.cast import sign_in

    settings.MULIN_IMPORT_MAX_BYTES = 2048
    client = Client()
    sign_in(client, cast.people["worker_cuiyu"])
    big = SimpleUploadedFile("people.csv", ("姓名,手机号\r\n" + "张三,13800138000\r\n" * 400).encode(), "text/csv")

    response = client.post(reverse("organizations:import"), {"file": big})

    assert response.status_code == 400
    assert "larger than" in response.content.decode() or "大于" in response.content.decode()
