"""Importing a small Excel file of residents through the people import page, on a phone: the template
downloads, a file with a bad row imports nothing and names the row, the fixed file imports everyone,
and importing it again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mulin.core.crypto import blind_index
from mulin.core.normalizers import id_number_check_digit
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import subtree_q

pytestmark = pytest.mark.e2e
CUIYU_WORKER = "13800000008"
HEADERS = ["姓名", "手机号", "身份证号", "社区", "小区", "楼栋", "地址"]


def _id_number(serial: int) -> str:
    first17 = f"33010519{58 + serial:02d}0312{serial:03d}"
    return first17 + id_number_check_digit(first17)


NEWCOMERS = [
    ["钱春梅", "16612340001", _id_number(1), "翠玉社区", "集翠源", "1幢", "集翠源1幢2单元301室"],
    ["吴国强", "16612340002", _id_number(2), "翠玉社区", "集翠源", "2", "集翠源2幢1单元502室"],
    ["冯玉兰", "16612340003", _id_number(3), "翠玉社区", "翠玉苑", "3幢", "翠玉苑3幢1单元101室"],
]


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _people_in_cuiyu() -> int:
    cuiyu = OrgUnit.objects.get(kind=OrgUnit.Kind.COMMUNITY, name="翠玉社区")
    return Person.objects.filter(subtree_q("home_unit__path", cuiyu.path)).count()


def _upload(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("[data-testid=upload]")


def test_community_worker_imports_a_small_excel_file_all_or_nothing_and_idempotently(
    demo_street, page, sign_in, tmp_path, results_dir
):  # type: ignore[no-untyped-def]
    for _name, phone, *_rest in NEWCOMERS:
        assert not Person.objects.filter(phone_index=blind_index("phone", phone)).exists(), "pick unused phones"
    before = _people_in_cuiyu()
    sign_in(page, CUIYU_WORKER)
    page.goto(reverse("organizations:import"))

    with page.expect_download() as download:
        page.click("[data-testid=template]")
    assert download.value.suggested_filename.endswith(".xlsx")
    template_path = tmp_path / "template.xlsx"
    download.value.save_as(template_path)
    template = load_workbook(template_path, read_only=True)
    first_row = next(template.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert "姓名" in first_row and "身份证号" in first_row

    broken = [row[:] for row in NEWCOMERS]
    broken[1][2] = broken[1][2][:-1] + ("0" if broken[1][2][-1] != "0" else "1")  # wrong check digit
    _upload(page, _workbook(tmp_path / "broken.xlsx", broken))
    assert page.locator("[data-testid=import-failed]").is_visible()
    error_rows = page.locator("[data-testid=row-errors] tbody tr")
    assert error_rows.count() == 1
    assert error_rows.first.locator("td").first.inner_text().strip() == "3"  # the header is row 1
    assert _people_in_cuiyu() == before, "a file with a bad row must import nothing"
    page.screenshot(path=str(results_dir / "import-report-phone.png"), full_page=True)

    fixed = _workbook(tmp_path / "fixed.xlsx", NEWCOMERS)
    _upload(page, fixed)
    assert page.locator("[data-testid=import-success]").is_visible()
    assert page.inner_text("[data-testid=created]").strip() == "3"
    assert _people_in_cuiyu() == before + 3

    page.goto(reverse("organizations:import"))
    _upload(page, fixed)
    assert page.locator("[data-testid=import-success]").is_visible()
    assert page.inner_text("[data-testid=created]").strip() == "0"
    assert page.inner_text("[data-testid=unchanged]").strip() == "3"
    assert _people_in_cuiyu() == before + 3
