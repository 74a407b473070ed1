"""Exporting people as .xlsx: scoped, masked by default, audited once, formula-safe."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mulin.core.models import AuditEvent
from mulin.organizations.exports import people_export
from mulin.organizations.imports import COLUMNS, DATA_SHEET, people_import
from mulin.organizations.models import PartyMembership, Role
from mulin.organizations.services import party_membership_set, volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(content: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[DATA_SHEET]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [column.header for column in COLUMNS]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def worker(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)


@pytest.fixture
def neighbour(street):  # type: ignore[no-untyped-def]
    person = make_person(home=street.cuiyu_building, full_name="翠玉邻居", address="2单元202室")
    party_membership_set(
        actor=SYSTEM,
        person=person,
        branch=street.cuiyu_branch,
        status=PartyMembership.Status.PROBATIONARY,
        joined_on=dt.date(2020, 7, 1),
    )
    volunteer_profile_set(actor=SYSTEM, person=person, skills=["elderly_care", "it"], availability=[])
    return person


def test_masked_export_lists_the_workers_community_only(street, worker, neighbour):
    stranger = make_person(home=street.nanyuan_building, full_name="南苑居民")

    export = people_export(actor=actor(worker))

    rows = {row["姓名"]: row for row in rows_of(export.content)}
    assert stranger.full_name not in rows
    assert set(rows) == {worker.full_name, "翠玉邻居"}
    row = rows["翠玉邻居"]
    assert row["手机号"] == neighbour.phone[:3] + "****" + neighbour.phone[-4:]
    assert row["身份证号"] == neighbour.id_number[:6] + "********" + neighbour.id_number[-4:]
    assert row["地址"] != neighbour.address and "****" in row["地址"]
    assert (row["社区"], row["小区"], row["楼栋"]) == ("翠玉社区", "集翠源", "集翠源1幢")
    assert (row["党组织/所在支部"], row["党员状态"], row["入党日期"]) == ("翠玉社区第一党支部", "预备党员", "2020")
    assert row["志愿者技能"] == "助老服务，手机电脑"
    assert export.count == 2 and export.full is False


def test_full_export_shows_full_values_to_a_worker_who_may_reveal(street, worker, neighbour):
    export = people_export(actor=actor(worker), full=True)

    row = {row["姓名"]: row for row in rows_of(export.content)}["翠玉邻居"]
    assert (row["手机号"], row["身份证号"], row["地址"]) == (neighbour.phone, neighbour.id_number, "2单元202室")
    assert row["入党日期"] == "2020-07-01"
    assert export.filename.startswith("people-full-")


def test_every_export_writes_exactly_one_audit_row_without_personal_data(street, worker, neighbour):
    for full in (False, True):
        since = last_audit_id()

        export = people_export(actor=actor(worker), full=full)

        (event,) = AuditEvent.objects.filter(id__gt=since)
        assert event.verb == "people.exported"
        assert event.actor_person_id == worker.pk
        assert event.data == {"count": export.count, "full": full, "format": "xlsx", "filtered": False}
        recorded = " ".join(str(value) for value in AuditEvent.objects.filter(id=event.id).values().first().values())
        for secret in (neighbour.phone, neighbour.id_number, neighbour.address, neighbour.full_name):
            assert secret not in recorded


def test_full_export_is_refused_without_the_reveal_permission_and_nothing_is_audited(street, client, api_client):
    # The system administrator may list people (masked) but never see full personal data.
    admin = make_person(home=street.nanyuan_building, role=Role.SYSTEM_ADMIN, at=street.street, with_account=True)
    client.force_login(admin.user)
    api_client.force_authenticate(admin.user)
    since = last_audit_id()

    web = client.post(reverse("organizations:export"), {"full": "on"})
    api = api_client.get("/api/v1/people/export/?full=true")

    assert (web.status_code, api.status_code) == (403, 403)
    assert not AuditEvent.objects.filter(id__gt=since, verb="people.exported").exists()
    assert 'data-testid="export-full"' not in client.get(reverse("organizations:import")).content.decode()
    assert api_client.get("/api/v1/people/export/").status_code == 200  # masked is allowed


def test_full_export_holds_only_people_the_actor_may_reveal(street):
    # A branch secretary sees (masked) and reveals the members of their branch.
    secretary = make_person(home=street.nanyuan_building, role=Role.BRANCH_SECRETARY, at=street.nanyuan_branch)
    member = make_person(home=street.cuiyu_building, member_of=street.nanyuan_branch)
    make_person(home=street.nanyuan_building)  # lives nearby, not in the branch

    export = people_export(actor=actor(secretary), full=True)

    assert {row["姓名"] for row in rows_of(export.content)} == {secretary.full_name, member.full_name}


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.VOLUNTEER, Role.AUDIT_ADMIN])
def test_roles_without_people_view_get_403_and_no_audit_row(street, client, api_client, role):
    unit = {Role.RESIDENT: street.cuiyu_building, Role.VOLUNTEER: street.cuiyu, Role.AUDIT_ADMIN: street.street}[role]
    person = make_person(home=street.cuiyu_building, role=role, at=unit, with_account=True)
    client.force_login(person.user)
    api_client.force_authenticate(person.user)
    since = last_audit_id()

    web = client.post(reverse("organizations:export"))
    api = api_client.get("/api/v1/people/export/")

    assert (web.status_code, api.status_code) == (403, 403)
    assert not AuditEvent.objects.filter(id__gt=since, verb="people.exported").exists()


def test_anonymous_export_is_refused(street, client, api_client):
    assert api_client.get("/api/v1/people/export/").status_code == 401
    assert client.post(reverse("organizations:export")).status_code == 302


def test_formula_injection_is_neutralised_in_the_export(street, worker):
    evil = make_person(
        home=street.cuiyu_building, full_name='=HYPERLINK("http://x","点我")', address="@SUM(1)+cmd|' /C calc'!A0"
    )

    export = people_export(actor=actor(worker), full=True)

    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = workbook[DATA_SHEET]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = [cell.value for cell in sheet["A"]]
    addresses = [cell.value for cell in sheet["G"]]
    assert '\'=HYPERLINK("http://x","点我")' in names
    assert f"'{evil.address}" in addresses
    assert not any(isinstance(value, str) and value.startswith(("=", "+", "-", "@")) for value in names + addresses)


def test_web_export_downloads_an_attachment_and_refuses_get(street, worker, neighbour, client):
    client.force_login(worker.user)

    response = client.post(reverse("organizations:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="people-masked-')
    assert "no-store" in response["Cache-Control"]
    assert len(rows_of(response.content)) == 2
    assert client.get(reverse("organizations:export")).status_code == 405


def test_web_export_by_unit_outside_scope_is_404_and_not_audited(street, worker, client):
    client.force_login(worker.user)
    since = last_audit_id()

    response = client.post(reverse("organizations:export"), {"unit": street.nanyuan.pk})

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(id__gt=since).exists()


def test_api_export_filters_by_unit_and_name(street, worker, neighbour, api_client):
    make_person(home=street.cuiyu_compound, full_name="小区居民")
    api_client.force_authenticate(worker.user)
    since = last_audit_id()

    response = api_client.get(f"/api/v1/people/export/?unit={street.cuiyu_compound.pk}&q=邻居")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert [row["姓名"] for row in rows_of(response.content)] == ["翠玉邻居"]
    (event,) = AuditEvent.objects.filter(id__gt=since)
    assert event.scope_path == street.cuiyu_compound.path
    assert event.data["filtered"] is True
    assert "邻居" not in str(event.data)  # the search text may be a name


def test_api_export_of_another_communitys_unit_is_404(street, worker, api_client):
    api_client.force_authenticate(worker.user)

    response = api_client.get(f"/api/v1/people/export/?unit={street.nanyuan.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_export_answers_json_errors_whatever_the_client_accepts(street, api_client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    api_client.force_authenticate(resident.user)

    response = api_client.get("/api/v1/people/export/", HTTP_ACCEPT=XLSX)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_exports_past_the_hourly_limit_are_refused_on_web_and_api_and_not_audited(
    street, worker, neighbour, client, api_client, settings
):
    settings.MULIN_EXPORT_RATE_PER_HOUR = 2
    client.force_login(worker.user)
    api_client.force_authenticate(worker.user)
    assert client.post(reverse("organizations:export")).status_code == 200
    assert api_client.get("/api/v1/people/export/").status_code == 200
    since = last_audit_id()

    page = client.post(reverse("organizations:export"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    api = api_client.get("/api/v1/people/export/")
    chinese = api_client.get("/api/v1/people/export/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.redirect_chain == [(reverse("organizations:import"), 302)]
    assert "the most allowed" in page.content.decode()
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"
    assert "本小时" in chinese.json()["detail"]
    assert not AuditEvent.objects.filter(id__gt=since).exists()


def test_exports_are_refused_when_the_counter_cannot_be_kept(street, worker, api_client, monkeypatch):
    from mulin.core import ratelimit

    class Broken:
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit, "_store", lambda: Broken())
    api_client.force_authenticate(worker.user)
    since = last_audit_id()

    response = api_client.get("/api/v1/people/export/")

    assert response.status_code == 503
    assert not AuditEvent.objects.filter(id__gt=since).exists()


def test_export_runs_the_same_number_of_queries_for_few_and_many_people(street, worker):
    exporter = actor(worker)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            people_export(actor=exporter, full=True)
        return len(queries)

    for _n in range(5):
        make_person(home=street.cuiyu_building, member_of=street.cuiyu_branch)
    few = count_queries()
    for n in range(40):
        make_person(home=street.cuiyu_compound if n % 2 else street.cuiyu_building, member_of=street.cuiyu_branch)
    many = count_queries()

    assert few == many
    # people (one joined query), their units, the audit row (+ an advisory lock on PostgreSQL)
    assert many <= 7


def test_a_full_export_imports_back_without_changes(street, worker, neighbour):
    export = people_export(actor=actor(worker), full=True)

    report = people_import(actor=actor(worker), upload=export.content, filename=export.filename)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_a_masked_export_cannot_be_imported_back_by_mistake(street, worker, neighbour):
    export = people_export(actor=actor(worker))

    report = people_import(actor=actor(worker), upload=export.content, filename=export.filename)

    assert not report.ok
    assert {error.field for error in report.errors} >= {"phone", "id_number"}


def test_the_workbook_says_who_exported_it_and_when(street, worker):
    with translation.override("en"):
        export = people_export(actor=actor(worker))

    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    about = workbook.worksheets[1]
    values = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert values["Exported by"] == f"{worker.full_name} (#{worker.pk})"
    assert values["Personal details"] == "Masked"
    assert values["People"] == export.count
