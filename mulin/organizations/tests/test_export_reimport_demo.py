"""Issue 9, acceptance: a full people export by the street admin and by a community secretary
re-imports with zero errors and zero changes, on the demo street (partner branches, people with
neither phone nor ID number, members of every kind of branch)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mulin.core.crypto import blind_index
from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.exports import people_export
from mulin.organizations.imports import people_import
from mulin.organizations.models import (
    OrgUnit,
    PartyMembership,
    Person,
    PersonDuplicate,
    RoleAssignment,
    VolunteerProfile,
)
from mulin.organizations.services import party_membership_set, person_register
from mulin.organizations.tests.factories import SYSTEM, actor

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

STREET_ADMIN = "13800000001"  # 陈志刚 (mulin/demo/daguan.py DEMO_ACCOUNTS)
NANYUAN_SECRETARY = "13800000002"  # 周丽华, 南苑社区


@pytest.fixture(scope="module")
def demo(module_transaction, _daguan_snapshot):  # type: ignore[no-untyped-def]
    _daguan_snapshot.restore()  # the demo street (conftest.py), inside the module's transaction
    units = {unit.name: unit for unit in OrgUnit.objects.filter(name__in=["南七苑3幢", "翠玉社区第二党支部"])}
    # An elderly resident registered by name only (the add-person form allows it), and a 南苑
    # resident whose party branch is another community's.
    person_register(actor=SYSTEM, full_name="钱阿婆", home_unit=units["南七苑3幢"], address="南七苑3幢1单元101室")
    member = person_register(actor=SYSTEM, full_name="邵建新", home_unit=units["南七苑3幢"], phone="13912345678")
    party_membership_set(
        actor=SYSTEM,
        person=member,
        branch=units["翠玉社区第二党支部"],
        status=PartyMembership.Status.FULL,
        joined_on=dt.date(1998, 7, 1),
    )


def snapshot() -> dict[str, Any]:
    """Everything an import could change, down to the timestamps."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "memberships": list(PartyMembership.objects.order_by("pk").values()),
        "volunteers": list(VolunteerProfile.objects.order_by("pk").values()),
        "roles": list(RoleAssignment.objects.order_by("pk").values()),
        "duplicates": list(PersonDuplicate.objects.order_by("pk").values()),
        "notifications": Notification.objects.count(),
    }


def by_phone(phone: str) -> Person:
    return Person.objects.get(phone_index=blind_index("phone", phone))


@pytest.mark.parametrize("exporter", [STREET_ADMIN, NANYUAN_SECRETARY], ids=["street_admin", "community_secretary"])
def test_a_full_export_reimports_with_zero_errors_and_zero_changes(demo, exporter):
    staff = actor(by_phone(exporter))
    export = people_export(actor=staff, full=True)
    before = snapshot()
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    report = people_import(actor=staff, upload=export.content, filename=export.filename)

    assert [(error.row, error.column, error.message) for error in report.errors] == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (export.count, 0, 0, export.count)
    assert snapshot() == before
    written = list(AuditEvent.objects.filter(pk__gt=last_audit).values_list("verb", "data"))
    assert written == [
        ("person.bulk_registered", {"source": "import", "created": 0, "updated": 0, "unchanged": export.count})
    ]


def test_the_exports_hold_the_rows_that_used_to_fail(demo):
    """The cases the acceptance names are in the files above, so the test proves something."""
    no_numbers = {
        person.full_name
        for person in Person.objects.filter(phone_index__isnull=True, id_number_index__isnull=True)
        if not person.phone and not person.id_number
    }
    assert no_numbers == {"钱阿婆"}
    # 赵敏 lives in 南苑新村 and belongs to the partner unit's branch 九洲大药房党支部.
    assert {"赵敏", "邵建新", "钱阿婆"} <= _names(actor(by_phone(NANYUAN_SECRETARY)))
    assert {"赵敏", "邵建新", "钱阿婆"} <= _names(actor(by_phone(STREET_ADMIN)))


def _names(staff) -> set[str]:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    from mulin.organizations.imports import DATA_SHEET

    content = people_export(actor=staff, full=True).content
    rows = list(openpyxl.load_workbook(io.BytesIO(content))[DATA_SHEET].iter_rows(values_only=True))
    return {str(row[0]) for row in rows[1:]}
