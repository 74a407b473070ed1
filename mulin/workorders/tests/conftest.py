"""People around the small test street for work orders: reporters, staff of 南苑 and 翠玉, a
partner unit that fixes things, a street administrator, and someone in another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    member: Person  # party member of 南苑's branch (the reporter in most tests)
    resident: Person  # a resident of 南苑
    cuiyu_resident: Person
    partner: Person  # contact of 九洲大药房: handles orders sent to it
    nanyuan_worker: Person
    cuiyu_worker: Person
    street_admin: Person
    property: OrgUnit  # 南八苑物业服务中心 (no accounts: staff record its steps)
    other_street: OrgUnit
    other_community: OrgUnit
    outsider: Person  # a community worker of the other street


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """Categories come from a data migration; tests with transaction=True empty the tables
    afterwards, so later tests put them back."""
    from mulin.workorders.defaults import ensure_default_categories
    from mulin.workorders.models import WorkOrderCategory

    ensure_default_categories(WorkOrderCategory)


@pytest.fixture
def cast(street, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    return Cast(
        street=s,
        member=make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True, full_name="汪孙聚"),
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        cuiyu_resident=make_person(home=s.cuiyu_building, with_account=True, full_name="赵外人"),
        partner=make_person(
            home=s.nanyuan_building, role=Role.PARTNER_CONTACT, at=s.partner, with_account=True, full_name="赵敏"
        ),
        nanyuan_worker=make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_WORKER, at=s.nanyuan, with_account=True, full_name="南社工"
        ),
        cuiyu_worker=make_person(
            home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True, full_name="张晓婷"
        ),
        street_admin=make_person(
            home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True, full_name="陈志刚"
        ),
        property=OrgUnitFactory(kind=K.PROPERTY_MANAGEMENT, name="南八苑物业服务中心", parent=s.nanyuan_compound),
        other_street=other_street,
        other_community=other_community,
        outsider=make_person(
            home=other_community,
            role=Role.COMMUNITY_WORKER,
            at=other_community,
            with_account=True,
            full_name="外街社工",
        ),
    )
