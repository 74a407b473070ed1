"""Importing residents and party members from spreadsheets (issue 2, item 7)."""

from __future__ import annotations

import datetime as dt
import io
import math
import threading
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.core.normalizers import id_number_check_digit
from mulin.organizations.imports import COLUMNS, DATA_SHEET, ImportReport, parse_date, people_import
from mulin.organizations.models import (
    OrgUnit,
    PartyMembership,
    Person,
    PersonDuplicate,
    Role,
    RoleAssignment,
    VolunteerProfile,
)
from mulin.organizations.services import role_grant
from mulin.organizations.tests.factories import SYSTEM, OrgUnitFactory, actor, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages are quoted in English

HEADER = [column.header for column in COLUMNS]
K = OrgUnit.Kind


def id_number(n: int) -> str:
    """A valid, unique ID number for the n-th test person (one birthday each, from 1950)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n)
    first17 = f"330105{birth:%Y%m%d}{101 + n % 800:03d}"
    return first17 + id_number_check_digit(first17)


def person_row(n: int, **overrides: str) -> dict[str, str]:
    member = n % 5 == 0
    row = {
        "姓名": f"住户{n}",
        "手机号": f"137{n:08d}",
        "身份证号": id_number(n),
        "社区": "南苑社区",
        "小区": "南八苑",
        "楼栋": "1",
        "地址": f"{n % 6 + 1}单元{n % 30 + 101}室",
        "党组织/所在支部": "南苑社区第一支部" if member else "",
        "党员状态": "正式党员" if member else "",
        "入党日期": "2001-07-01" if member else "",
        "志愿者技能": "助老，文艺" if n % 7 == 0 else "",
        "人员编号": "",
    }
    row.update(overrides)
    return row


def xlsx_file(rows: list[dict[str, object]], header: list[str] = HEADER) -> bytes:
    """An .xlsx built in memory with openpyxl, as Excel would save it (write-only: fast)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[dict[str, str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    lines = [delimiter.join(header)] + [delimiter.join(row.get(name, "") for name in header) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def errors_of(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.field) for error in report.errors]


def snapshot() -> dict[str, object]:
    """Everything an import could change, to assert that a refused import changed nothing."""
    return {
        "people": Person.objects.count(),
        "memberships": PartyMembership.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "volunteers": VolunteerProfile.objects.count(),
        "audit": AuditEvent.objects.exclude(verb="access.refused").count(),  # the refusal's own record
        "latest_change": max([p.updated_at for p in Person.objects.all()] + [dt.datetime.min.replace(tzinfo=dt.UTC)]),
    }


@pytest.fixture
def worker(street):  # type: ignore[no-untyped-def]
    """The 南苑 community worker, who may register people in 南苑 only."""
    return make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, with_account=True)


@pytest.fixture
def thousand_rows() -> list[dict[str, str]]:
    return [person_row(n) for n in range(1000)]


# --- The acceptance test of issue 2 -------------------------------------------------------------


def test_thousand_rows_with_three_bad_rows_import_nothing_and_report_exactly_those_rows(street, worker, thousand_rows):
    bad = list(thousand_rows)
    good_id = bad[10]["身份证号"]
    bad[10] = {**bad[10], "身份证号": good_id[:-1] + ("0" if good_id[-1] != "0" else "1")}  # wrong check digit
    bad[500] = {**bad[500], "手机号": "1380013800"}  # ten digits
    bad[990] = {**bad[990], "小区": "不存在苑"}  # no such compound in 南苑
    before = snapshot()

    report = people_import(actor=actor(worker), upload=xlsx_file(bad), filename="居民.xlsx")

    assert not report.ok
    assert report.rows == 1000
    assert errors_of(report) == [(12, "身份证号", "id_number"), (502, "手机号", "phone"), (992, "小区", "compound")]
    assert report.errors[0].message == "The ID number's check digit is wrong; please check it."
    assert "不存在苑" in report.errors[2].message
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert snapshot() == before


def test_fixed_thousand_row_file_imports_every_row_with_one_audit_row(street, worker, thousand_rows):
    people_before = Person.objects.count()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    report = people_import(actor=actor(worker), upload=xlsx_file(thousand_rows), filename="居民.xlsx")

    assert report.ok, report.errors[:5]
    assert (report.created, report.updated, report.unchanged) == (1000, 0, 0)
    assert Person.objects.count() == people_before + 1000
    sample = Person.objects.get(full_name="住户35")
    assert (sample.phone, sample.id_number, sample.home_unit) == ("13700000035", id_number(35), street.nanyuan_building)
    assert sample.address == "6单元106室"
    assert sample.party_membership.branch == street.nanyuan_branch
    assert sample.party_membership.status == PartyMembership.Status.FULL
    assert sample.party_membership.joined_on == "2001-07-01"
    assert sample.volunteer_profile.skills == ["arts", "elderly_care"]
    assert set(sample.role_assignments.values_list("role", "unit")) == {
        (Role.RESIDENT, street.nanyuan_building.pk),
        (Role.PARTY_MEMBER, street.nanyuan_branch.pk),
        (Role.VOLUNTEER, street.nanyuan.pk),
    }
    (event,) = AuditEvent.objects.filter(pk__gt=last_event)
    assert event.verb == "person.bulk_registered"
    assert event.actor_person_id == worker.pk
    assert event.data == {"source": "import", "created": 1000, "updated": 0, "unchanged": 0}


def test_importing_the_same_file_again_changes_nothing(street, worker, thousand_rows):
    data = xlsx_file(thousand_rows)
    people_import(actor=actor(worker), upload=data, filename="居民.xlsx")
    before = snapshot()

    report = people_import(actor=actor(worker), upload=data, filename="居民.xlsx")

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1000)
    after = snapshot()
    assert after["audit"] == before["audit"] + 1  # the import itself is recorded, once
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


def test_thousand_row_import_runs_a_bounded_number_of_queries(
    street, worker, thousand_rows, django_assert_max_num_queries
):
    data = xlsx_file(thousand_rows)
    importer = actor(worker)  # grants are loaded here, once per request, and not counted below
    batches = math.ceil(1000 / 500)
    # A constant (units, savepoints, audit) plus each 500-row batch: lookups by blind index,
    # the scope check of matches and the bulk inserts, which Django splits further on SQLite
    # (999 parameters per statement). Per-row queries would be thousands.
    with django_assert_max_num_queries(12 + 20 * batches):
        first = people_import(actor=importer, upload=data, filename="居民.xlsx")
    with django_assert_max_num_queries(12 + 20 * batches):
        second = people_import(actor=importer, upload=data, filename="居民.xlsx")

    assert (first.created, second.unchanged) == (1000, 1000)


# --- Encodings and number formats ---------------------------------------------------------------


def test_gbk_csv_from_chinese_excel_imports(street, worker):
    rows = [person_row(1), person_row(2, 姓名="欧阳娜娜")]

    report = people_import(actor=actor(worker), upload=csv_text(rows).encode("gbk"), filename="居民.csv")

    assert report.ok, report.errors
    assert report.created == 2
    assert Person.objects.filter(full_name="欧阳娜娜", home_unit=street.nanyuan_building).exists()


def test_utf16_tab_separated_csv_imports(street, worker):
    text = csv_text([person_row(3)], delimiter="\t")

    report = people_import(actor=actor(worker), upload=text.encode("utf-16"), filename="居民.csv")

    assert report.ok, report.errors
    assert Person.objects.get(full_name="住户3").phone == "13700000003"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("+86-139-0013-9000", "13900139000"),
        ("0086 13600136000", "13600136000"),
        ("１３５００１３５０００", "13500135000"),
        ("＋８６　１８６００１８６０００", "18600186000"),
        ("131 0013 1000", "13100131000"),
    ],
)
def test_full_width_digits_plus86_and_spaces_in_phones_are_normalised(street, worker, typed, stored):
    report = people_import(actor=actor(worker), upload=xlsx_file([person_row(7, 手机号=typed)]), filename="居民.xlsx")

    assert report.ok, report.errors
    assert Person.objects.get(full_name="住户7").phone == stored


def test_full_width_id_number_with_lower_case_x_is_normalised(street, worker):
    first17 = "33010519700101002"
    check = id_number_check_digit(first17)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in first17) + (check.lower() if check == "X" else check)

    report = people_import(actor=actor(worker), upload=xlsx_file([person_row(8, 身份证号=typed)]), filename="a.xlsx")

    assert report.ok, report.errors
    assert Person.objects.get(full_name="住户8").id_number == first17 + check


def test_number_cells_excel_made_are_read_and_mangled_id_numbers_reported(street, worker):
    rows = [
        {**person_row(1), "手机号": 13700000001, "楼栋": 1.0},
        {**person_row(2), "身份证号": 3.30105195001030e17},
    ]

    report = people_import(actor=actor(worker), upload=xlsx_file(rows), filename="a.xlsx")

    assert errors_of(report) == [(3, "身份证号", "id_number")]
    assert "Excel" in report.errors[0].message


# --- Scope and permission -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.BRANCH_SECRETARY, Role.PARTNER_CONTACT, Role.SYSTEM_ADMIN])
def test_role_without_people_management_gets_403_and_nothing_changes(street, client, api_client, role):
    unit = {
        Role.RESIDENT: street.nanyuan_building,
        Role.BRANCH_SECRETARY: street.nanyuan_branch,
        Role.PARTNER_CONTACT: street.partner,
        Role.SYSTEM_ADMIN: street.street,
    }[role]
    person = make_person(home=street.nanyuan_building, role=role, at=unit, with_account=True)
    data = xlsx_file([person_row(1)])
    before = snapshot()
    client.force_login(person.user)
    api_client.force_authenticate(person.user)

    web = client.post(reverse("organizations:import"), {"file": _api_upload(data)})
    api = api_client.post("/api/v1/people/import/", {"file": _api_upload(data)}, format="multipart")
    template = client.get(reverse("organizations:import_template"))

    assert (web.status_code, api.status_code, template.status_code) == (403, 403, 403)
    assert snapshot() == before


def test_anonymous_cannot_import(street, client, api_client):
    before = snapshot()

    api = api_client.post("/api/v1/people/import/", {"file": io.BytesIO(b"x")}, format="multipart")
    web = client.get(reverse("organizations:import"))

    assert api.status_code == 401
    assert web.status_code == 302  # to the login page
    assert snapshot() == before


def test_worker_of_another_community_gets_row_errors_for_compounds_outside_their_scope(street):
    cuiyu_worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    rows = [
        person_row(1, 社区="翠玉社区", 小区="集翠源", 楼栋="集翠源1幢"),  # fine on its own
        person_row(2),  # 南苑社区 / 南八苑: not theirs
        person_row(3, 社区="", 小区="南八苑", 楼栋=""),
        person_row(5, 社区="翠玉社区", 小区="集翠源", 楼栋="1", **{"党组织/所在支部": "南苑社区第一支部"}),
    ]
    before = snapshot()

    report = people_import(actor=actor(cuiyu_worker), upload=xlsx_file(rows), filename="a.xlsx")

    assert errors_of(report) == [(3, "社区", "community"), (4, "小区", "compound"), (5, "党组织/所在支部", "branch")]
    assert snapshot() == before


def test_unit_visible_but_not_manageable_is_refused_by_the_bulk_service(street):
    # A 翠玉 community worker who is also secretary of a 南苑 branch sees that branch but may
    # not manage its members.
    person = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    role_grant(actor=SYSTEM, person=person, role=Role.BRANCH_SECRETARY, unit=street.nanyuan_branch)
    row = person_row(5, 社区="翠玉社区", 小区="集翠源", 楼栋="1", **{"党组织/所在支部": "南苑社区第一支部"})

    report = people_import(actor=actor(person), upload=xlsx_file([row]), filename="a.xlsx")

    assert errors_of(report) == [(2, "党组织/所在支部", "branch")]
    assert "may not manage" in report.errors[0].message


def test_existing_person_outside_the_workers_scope_is_not_overwritten(street):
    cuiyu_worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    resident = make_person(home=street.nanyuan_building, full_name="南苑居民")
    phone = resident.phone
    row = person_row(1, 姓名="改名", 身份证号=resident.id_number, 社区="翠玉社区", 小区="集翠源", 楼栋="1")
    before = snapshot()

    report = people_import(actor=actor(cuiyu_worker), upload=xlsx_file([row]), filename="a.xlsx")

    # Not an error that would confirm the number (issue 9, item 10): a new 翠玉 record holds it
    # for the street to merge, and the 南苑 resident is untouched.
    assert errors_of(report) == []
    assert (report.created, report.updated) == (1, 0)
    resident.refresh_from_db()
    assert (resident.full_name, resident.home_unit, resident.phone) == ("南苑居民", street.nanyuan_building, phone)
    held = Person.objects.get(full_name="改名")
    assert (held.home_unit, held.id_number, held.id_number_index) == (street.cuiyu_building, resident.id_number, None)
    assert PersonDuplicate.objects.get().existing == resident
    assert snapshot()["people"] == before["people"] + 1

    # and importing the same file again changes nothing
    again = people_import(actor=actor(cuiyu_worker), upload=xlsx_file([row]), filename="a.xlsx")
    assert (errors_of(again), again.created, again.updated) == ([], 0, 0)
    assert PersonDuplicate.objects.count() == 1


def test_a_formula_cell_is_refused_with_a_row_error_and_nothing_is_imported(street, worker):
    # Given a file whose second row has =HYPERLINK(...) in the address column
    rows: list[dict[str, object]] = [person_row(1), person_row(2, 地址='=HYPERLINK("http://x.example","3单元")')]
    before = snapshot()

    # When the worker imports it
    report = people_import(actor=actor(worker), upload=xlsx_file(rows), filename="a.xlsx")

    # Then exactly that cell is reported, and nothing was written
    assert errors_of(report) == [(3, "地址", "address")]
    assert report.errors[0].message == "This cell holds a formula; type the value itself (formulas are not imported)."
    assert snapshot() == before


# --- What the bulk service does with existing people ---------------------------------------------


def test_two_rows_for_one_registered_person_are_an_error(street, worker):
    resident = make_person(home=street.nanyuan_building)
    rows = [
        person_row(1, 身份证号=resident.id_number, 手机号="13711112222"),
        person_row(2, 身份证号="", 手机号=resident.phone),
    ]

    report = people_import(actor=actor(worker), upload=xlsx_file(rows), filename="a.xlsx")

    assert errors_of(report) == [(3, "手机号", "phone")]
    assert "row 2" in report.errors[0].message


def test_an_empty_address_cell_keeps_the_address_on_record(street, worker):
    resident = make_person(home=street.nanyuan_building, address="3单元303室")
    row = person_row(1, 姓名=resident.full_name, 身份证号=resident.id_number, 手机号=resident.phone, 地址="")

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert report.ok, report.errors
    resident.refresh_from_db()
    assert resident.address == "3单元303室"


def test_moving_a_member_to_another_branch_drops_the_old_member_role(street):
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)
    member = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch)
    row = person_row(
        0,
        姓名=member.full_name,
        身份证号=member.id_number,
        手机号=member.phone,
        **{"党组织/所在支部": "翠玉社区第一党支部"},
    )

    report = people_import(actor=actor(admin), upload=xlsx_file([row]), filename="a.xlsx")

    assert (report.updated, report.errors) == (1, [])
    assert set(RoleAssignment.objects.filter(person=member, role=Role.PARTY_MEMBER).values_list("unit", flat=True)) == {
        street.cuiyu_branch.pk
    }


def test_changed_values_update_the_person_and_move_their_resident_role(street, worker):
    resident = make_person(home=street.nanyuan_building)
    row = person_row(1, 姓名="新名字", 身份证号=resident.id_number, 手机号=resident.phone, 楼栋="")

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    resident.refresh_from_db()
    assert (resident.full_name, resident.home_unit) == ("新名字", street.nanyuan_compound)
    # Like person_update: no resident role left behind at the old building.
    assert list(resident.role_assignments.filter(role=Role.RESIDENT).values_list("unit", flat=True)) == [
        street.nanyuan_compound.pk
    ]


# --- Reading the rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"姓名": ""}, ("姓名", "full_name", "The name is missing.")),
        ({"姓名": "张\u202e三"}, ("姓名", "full_name", "The name contains invisible or control characters.")),
        ({"手机号": "", "身份证号": ""}, ("手机号", "phone", "Give a mobile number or an ID number")),
        ({"社区": "", "小区": "", "楼栋": ""}, ("社区", "community", "Fill in the community, compound or building")),
        ({"社区": "东海社区"}, ("社区", "community", "There is no community named “东海社区”")),
        ({"楼栋": "99"}, ("楼栋", "building", "There is no building named “99” in 南八苑")),
        ({"党组织/所在支部": "第九支部", "党员状态": "正式党员"}, ("党组织/所在支部", "branch", "第九支部")),
        ({"党员状态": "预备党员"}, ("党组织/所在支部", "branch", "Name the party branch")),
        ({"党组织/所在支部": "南苑社区第一支部", "党员状态": "积极分子"}, ("党员状态", "party_status", "积极分子")),
        ({"党组织/所在支部": "南苑社区第一支部", "党员状态": ""}, ("党员状态", "party_status", "Choose applicant")),
        ({"入党日期": "2001-07-01"}, ("党员状态", "party_status", "fill in the party status")),
        (
            {"党组织/所在支部": "南苑社区第一支部", "党员状态": "正式党员", "入党日期": "去年"},
            ("入党日期", "joined_on", "“去年” is not a date"),
        ),
        (
            {"党组织/所在支部": "南苑社区第一支部", "党员状态": "正式党员", "入党日期": "2999-01-01"},
            ("入党日期", "joined_on", "cannot be in the future"),
        ),
        ({"志愿者技能": "助老，唱歌"}, ("志愿者技能", "volunteer_skills", "Unknown skill “唱歌”")),
        ({"地址": "长" * 201}, ("地址", "address", "longer than 200")),
    ],
)
def test_each_bad_cell_is_reported_against_its_column(street, worker, overrides, expected):
    row = person_row(1, **{"党组织/所在支部": "", "党员状态": "", "入党日期": "", "志愿者技能": ""})
    row.update(overrides)
    before = snapshot()

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert len(report.errors) == 1, report.errors
    (error,) = report.errors
    assert (error.row, error.column, error.field) == (2, expected[0], expected[1])
    assert expected[2] in error.message
    assert snapshot() == before


@pytest.mark.parametrize("building", ["1", "1幢", "南八苑1幢", " 南八苑1幢 "])
def test_buildings_may_be_written_short_or_in_full(street, worker, building):
    report = people_import(actor=actor(worker), upload=xlsx_file([person_row(1, 楼栋=building)]), filename="a.xlsx")

    assert report.ok, report.errors
    assert Person.objects.get(full_name="住户1").home_unit == street.nanyuan_building


def test_community_may_be_written_without_its_suffix_and_compound_alone_is_enough(street, worker):
    rows = [person_row(1, 社区="南苑", 小区="", 楼栋=""), person_row(2, 社区="", 楼栋="")]

    report = people_import(actor=actor(worker), upload=xlsx_file(rows), filename="a.xlsx")

    assert report.ok, report.errors
    assert Person.objects.get(full_name="住户1").home_unit == street.nanyuan
    assert Person.objects.get(full_name="住户2").home_unit == street.nanyuan_compound


def test_a_branch_name_repeated_in_two_communities_resolves_to_the_persons_own(street):
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)
    local = OrgUnitFactory(kind=K.BRANCH, name="第二支部", parent=street.nanyuan_party)
    OrgUnitFactory(kind=K.BRANCH, name="第二支部", parent=street.cuiyu)
    rows = [
        person_row(1, **{"党组织/所在支部": "第二支部", "党员状态": "预备党员"}),
        person_row(2, 社区="", 小区="", 楼栋="", **{"党组织/所在支部": "第二支部", "党员状态": "预备党员"}),
    ]

    report = people_import(actor=actor(admin), upload=xlsx_file(rows), filename="a.xlsx")

    assert [(e.row, e.field) for e in report.errors] == [(3, "community"), (3, "branch")]
    assert "Several party branches" in report.errors[1].message
    rows.pop()
    assert people_import(actor=actor(admin), upload=xlsx_file(rows), filename="a.xlsx").ok
    assert Person.objects.get(full_name="住户1").party_membership.branch == local


def test_english_headers_in_any_order_and_extra_columns_are_accepted(street, worker):
    header = ["No.", "Mobile number", "Name", "ID number", "Compound", "Building", "Remarks"]
    row = {"No.": "1", "Mobile number": "13700000001", "Name": "Li Lei", "ID number": id_number(1)}
    row.update({"Compound": "南八苑", "Building": "1", "Remarks": "=1+1"})

    report = people_import(actor=actor(worker), upload=xlsx_file([row], header=header), filename="a.xlsx")

    assert report.ok, report.errors
    assert report.ignored_columns == ["No.", "Remarks"]
    assert Person.objects.get(full_name="Li Lei").home_unit == street.nanyuan_building


def test_headers_with_full_width_spaces_and_required_marks_are_recognised(street, worker):
    header = ["姓　名", "手机号（必填）", "身份证号 *", "小区"]
    row = {"姓　名": "张三", "手机号（必填）": "13700000009", "身份证号 *": id_number(9), "小区": "南八苑"}

    report = people_import(actor=actor(worker), upload=xlsx_file([row], header=header), filename="a.xlsx")

    assert report.ok, report.errors


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (["手机号", "小区"], "missing_column"),
        (["姓名", "手机号"], "missing_column"),
        (["姓名", "小区", "地址"], "missing_column"),
        (["姓名", "手机号", "手机", "小区"], "duplicate_column"),
    ],
)
def test_a_file_without_the_needed_columns_is_refused_as_a_whole(street, worker, header, code):
    from mulin.core.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError) as excinfo:
        people_import(actor=actor(worker), upload=xlsx_file([{}], header=header), filename="a.xlsx")

    assert excinfo.value.code == code


def test_a_file_with_only_the_header_is_refused(street, worker):
    from mulin.core.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError) as excinfo:
        people_import(actor=actor(worker), upload=xlsx_file([]), filename="a.xlsx")

    assert excinfo.value.code == "file_empty"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2001-07-01", dt.date(2001, 7, 1)),
        ("2001/7/1", dt.date(2001, 7, 1)),
        ("2001.07.01", dt.date(2001, 7, 1)),
        ("2001年7月1日", dt.date(2001, 7, 1)),
        ("20010701", dt.date(2001, 7, 1)),
        ("2001-07", dt.date(2001, 7, 1)),
        ("2001年7月", dt.date(2001, 7, 1)),
        ("２００１－０７－０１", dt.date(2001, 7, 1)),
        ("2001-02-30", None),
        ("July 2001", None),
        ("", None),
    ],
)
def test_join_dates_as_people_write_them(text, date):
    assert parse_date(text) == date


# --- Web page and API ---------------------------------------------------------------------------


def test_import_page_offers_the_template_upload_and_export(street, worker, client):
    client.force_login(worker.user)

    response = client.get(reverse("organizations:import"))

    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("organizations:import_template") in body
    assert 'enctype="multipart/form-data"' in body
    assert reverse("organizations:export") in body
    assert 'data-testid="export-full"' in body


def test_web_upload_with_bad_rows_shows_the_report_and_imports_nothing(street, worker, client):
    client.force_login(worker.user)
    rows = [person_row(1), person_row(2, 手机号="12345"), person_row(3, 小区="不存在苑")]
    upload = io.BytesIO(xlsx_file(rows))
    upload.name = "居民.xlsx"
    before = snapshot()

    response = client.post(reverse("organizations:import"), {"file": upload})

    assert response.status_code == 200
    assert [(e.row, e.field) for e in response.context["report"].errors] == [(3, "phone"), (4, "compound")]
    body = response.content.decode()
    assert 'data-testid="row-errors"' in body and "不存在苑" in body
    assert snapshot() == before


def test_web_upload_of_a_good_file_shows_the_summary(street, worker, client):
    client.force_login(worker.user)
    upload = io.BytesIO(csv_text([person_row(1), person_row(2)]).encode("utf-8-sig"))
    upload.name = "居民.csv"

    response = client.post(reverse("organizations:import"), {"file": upload})

    assert response.status_code == 200
    assert 'data-testid="import-success"' in response.content.decode()
    assert response.context["report"].created == 2


def test_web_upload_of_a_refused_file_shows_why(street, worker, client):
    client.force_login(worker.user)
    upload = io.BytesIO(b"<html>not a workbook</html>")
    upload.name = "居民.xlsx"
    before = snapshot()

    response = client.post(reverse("organizations:import"), {"file": upload})

    assert response.status_code == 400
    assert "not really an Excel workbook" in response.content.decode()
    assert snapshot() == before


def test_branch_secretary_may_open_the_page_to_export_but_sees_no_upload(street, client):
    secretary = make_person(
        home=street.nanyuan_building, role=Role.BRANCH_SECRETARY, at=street.nanyuan_branch, with_account=True
    )
    client.force_login(secretary.user)

    response = client.get(reverse("organizations:import"))

    assert response.status_code == 200
    assert 'data-testid="upload"' not in response.content.decode()
    assert 'data-testid="export-masked"' in response.content.decode()


def test_resident_gets_403_for_the_import_page(street, client):
    resident = make_person(home=street.nanyuan_building, with_account=True)
    client.force_login(resident.user)

    assert client.get(reverse("organizations:import")).status_code == 403


def _api_upload(data: bytes, name: str = "居民.xlsx") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_api_import_returns_the_report(street, worker, api_client):
    api_client.force_authenticate(worker.user)

    response = api_client.post(
        "/api/v1/people/import/", {"file": _api_upload(xlsx_file([person_row(1), person_row(2)]))}, format="multipart"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert {k: body[k] for k in ("code", "rows", "created", "updated", "unchanged", "row_errors")} == {
        "code": "imported",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "row_errors": [],
    }


def test_api_import_with_bad_rows_is_400_with_every_bad_row_and_changes_nothing(street, worker, api_client):
    api_client.force_authenticate(worker.user)
    rows = [person_row(1, 手机号="phone"), person_row(2), person_row(3, 社区="东海社区")]
    before = snapshot()

    response = api_client.post("/api/v1/people/import/", {"file": _api_upload(xlsx_file(rows))}, format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert [(e["row"], e["column"], e["field"]) for e in body["row_errors"]] == [
        (2, "手机号", "phone"),
        (4, "社区", "community"),
    ]
    assert body["created"] == 0
    assert snapshot() == before


def test_api_import_refuses_a_zip_bomb_before_parsing(street, worker, api_client, monkeypatch):
    api_client.force_authenticate(worker.user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (101 * 1024 * 1024))
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed a zip bomb"))

    response = api_client.post("/api/v1/people/import/", {"file": _api_upload(buffer.getvalue())}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "archive_too_large"


def test_api_import_refuses_an_oversized_file_with_413(street, worker, api_client, settings):
    settings.MULIN_IMPORT_MAX_BYTES = 4096
    api_client.force_authenticate(worker.user)
    before = snapshot()

    response = api_client.post(
        "/api/v1/people/import/", {"file": _api_upload(b"x" * 4097, "居民.csv")}, format="multipart"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert snapshot() == before


def test_api_import_refuses_too_many_rows(street, worker, api_client, settings):
    settings.MULIN_IMPORT_MAX_ROWS = 3
    api_client.force_authenticate(worker.user)
    data = xlsx_file([person_row(n) for n in range(4)])
    before = snapshot()

    response = api_client.post("/api/v1/people/import/", {"file": _api_upload(data)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows"
    assert snapshot() == before


def test_api_import_refuses_a_macro_workbook(street, worker, api_client):
    api_client.force_authenticate(worker.user)

    response = api_client.post(
        "/api/v1/people/import/", {"file": _api_upload(xlsx_file([person_row(1)]), "居民.xlsm")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "macro_file"


def test_api_import_without_a_file_is_400(street, worker, api_client):
    api_client.force_authenticate(worker.user)

    response = api_client.post("/api/v1/people/import/", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_import_and_export_appear_in_the_openapi_schema(street, worker, api_client):
    api_client.force_authenticate(worker.user)

    schema = api_client.get("/api/v1/schema/?format=json").json()

    upload = schema["paths"]["/api/v1/people/import/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    request_ref = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][request_ref]["properties"]["file"]["format"] == "binary"
    assert {"200", "400", "403", "413"} <= set(upload["responses"])
    export = schema["paths"]["/api/v1/people/export/"]["get"]
    assert {p["name"] for p in export["parameters"]} == {"full", "q", "unit"}
    content = export["responses"]["200"]["content"]
    assert content == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        }
    }


# --- The template -------------------------------------------------------------------------------


def test_template_has_the_columns_instructions_and_the_workers_values(street, worker, client):
    client.force_login(worker.user)

    response = client.get(reverse("organizations:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    people = workbook.worksheets[0]
    assert people.title == DATA_SHEET
    assert [cell.value for cell in people[1]] == [
        "姓名",
        "手机号",
        "身份证号",
        "社区",
        "小区",
        "楼栋",
        "地址",
        "党组织/所在支部",
        "党员状态",
        "入党日期",
        "志愿者技能",
        "人员编号",
    ]
    assert people.column_dimensions["B"].number_format == "@"  # phone and ID kept as text
    assert people.column_dimensions["C"].number_format == "@"
    visible = [sheet.title for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    assert len(visible) == 3
    values = list(workbook[visible[2]].iter_cols(values_only=True))
    assert "南苑社区" in values[0] and "翠玉社区" not in values[0]  # only where the worker may import
    assert "南八苑" in values[1] and "集翠源" not in values[1]
    assert set(values[3]) >= {"正式党员", "预备党员", "入党申请人"}


def test_a_filled_in_template_imports(street, worker, client):
    client.force_login(worker.user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("organizations:import_template")).content))
    sheet = workbook[DATA_SHEET]
    sheet.append([person_row(1)[name] for name in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = people_import(actor=actor(worker), upload=buffer.getvalue(), filename="模板.xlsx")

    assert report.ok, report.errors
    assert report.created == 1


# --- Two imports at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_one_file_register_each_person_once(street):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    data = xlsx_file([person_row(n) for n in range(200)])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            report = people_import(actor=actor(worker), upload=data, filename="a.xlsx")
            outcomes.append(f"created={report.created}" if report.ok else "errors")
        except StateConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Person.objects.filter(full_name__startswith="住户").count() == 200
    assert "created=200" in outcomes
    assert sorted(outcomes) in (["conflict", "created=200"], ["created=0", "created=200"])


# --- Record numbers and branches outside the importer's reach (issue 9, item 5) ------------------


def test_a_record_number_finds_a_person_with_neither_phone_nor_id_number(street, worker):
    elderly = make_person(home=street.nanyuan_building, full_name="钱阿婆", phone="", id_number="")
    row = person_row(1, 姓名="钱阿婆", 手机号="", 身份证号="", 地址="", 人员编号=str(elderly.pk))
    before = snapshot()

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert (report.errors, report.created, report.updated, report.unchanged) == ([], 0, 0, 1)
    assert {**snapshot(), "audit": before["audit"]} == before  # one audit row: the import's counts


def test_a_record_number_with_a_new_phone_updates_that_person(street, worker):
    elderly = make_person(home=street.nanyuan_building, full_name="钱阿婆", phone="", id_number="")
    row = person_row(1, 姓名="钱阿婆", 手机号="13955556666", 身份证号="", 人员编号=str(elderly.pk))

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert (report.errors, report.created, report.updated) == ([], 0, 1)
    elderly.refresh_from_db()
    assert elderly.phone == "13955556666"


@pytest.mark.parametrize("whose", ["other_community", "nobody"])
def test_a_record_number_outside_the_workers_area_answers_as_one_nobody_has(street, worker, whose):
    stranger = make_person(home=street.cuiyu_building, full_name="翠玉居民", phone="", id_number="")
    record = stranger.pk if whose == "other_community" else stranger.pk + 1000
    row = person_row(1, 姓名="改名", 手机号="", 身份证号="", 人员编号=str(record))
    before = snapshot()

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (
            2,
            "人员编号",
            f"Nobody with record number {record} is registered in your area; leave the cell empty for a new person.",
        )
    ]
    assert snapshot() == before
    stranger.refresh_from_db()
    assert stranger.full_name == "翠玉居民"


def test_a_record_number_and_a_phone_of_two_different_people_is_an_error(street, worker):
    first = make_person(home=street.nanyuan_building)
    second = make_person(home=street.nanyuan_building)
    row = person_row(1, 手机号=second.phone, 身份证号="", 人员编号=str(first.pk))
    before = snapshot()

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert errors_of(report) == [(2, "手机号", "phone")]
    assert snapshot() == before


def test_a_record_number_that_is_not_a_number_is_reported(street, worker):
    report = people_import(actor=actor(worker), upload=xlsx_file([person_row(1, 人员编号="张三")]), filename="a.xlsx")

    assert errors_of(report) == [(2, "人员编号", "record")]
    assert "is not a record number" in report.errors[0].message


def test_a_member_of_a_branch_the_secretary_cannot_see_imports_back_unchanged(street):
    # 南苑's secretary cannot see the partner unit's branch, nor 翠玉's; their exported file names them.
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    partner_member = make_person(home=street.nanyuan_building, member_of=street.partner_branch)
    cuiyu_member = make_person(home=street.nanyuan_building, member_of=street.cuiyu_branch)
    rows = [
        person_row(
            n,
            姓名=member.full_name,
            手机号=member.phone,
            身份证号=member.id_number,
            地址=member.address,
            入党日期="",
            **{"党组织/所在支部": branch, "党员状态": "正式党员"},
        )
        for n, member, branch in [(1, partner_member, "九洲大药房党支部"), (2, cuiyu_member, "翠玉社区第一党支部")]
    ]
    before = snapshot()

    report = people_import(actor=actor(secretary), upload=xlsx_file(rows), filename="a.xlsx")

    assert (report.errors, report.updated, report.unchanged) == ([], 0, 2)
    assert {**snapshot(), "audit": before["audit"]} == before


def test_changing_a_membership_in_a_branch_the_secretary_cannot_see_is_refused(street):
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    member = make_person(home=street.nanyuan_building, member_of=street.partner_branch)
    resident = make_person(home=street.nanyuan_building)
    branch = {"党组织/所在支部": "九洲大药房党支部", "入党日期": "", "地址": ""}
    rows = [
        # the member's status changed, and the resident newly in that branch
        person_row(
            1, 姓名=member.full_name, 手机号=member.phone, 身份证号=member.id_number, 党员状态="预备党员", **branch
        ),
        person_row(
            2,
            姓名=resident.full_name,
            手机号=resident.phone,
            身份证号=resident.id_number,
            党员状态="正式党员",
            **branch,
        ),
    ]
    before = snapshot()

    report = people_import(actor=actor(secretary), upload=xlsx_file(rows), filename="a.xlsx")

    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (2, "branch", "You may not manage members of 九洲大药房党支部."),
        (3, "branch", "There is no party branch named “九洲大药房党支部” that you can see."),
    ]
    assert snapshot() == before
    assert PartyMembership.objects.get(person=member).status == PartyMembership.Status.FULL


@pytest.mark.parametrize("status", ["正式党员", "积极分子"])
def test_a_member_row_with_the_branch_left_blank_says_the_branch_is_missing(street, worker, status):
    row = person_row(1, **{"党组织/所在支部": "", "党员状态": status, "入党日期": ""})

    report = people_import(actor=actor(worker), upload=xlsx_file([row]), filename="a.xlsx")

    branch_messages = [e.message for e in report.errors if e.field == "branch"]
    assert branch_messages == ["Name the party branch of this member."]
