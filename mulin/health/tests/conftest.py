"""People around a 九洲大药房 health-check day: the pharmacy's health staff, the staff of another
partner unit, residents of both communities, a community worker, the street administrator and
someone of another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.activities.models import Activity
from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    staff: Person  # partner contact of 九洲大药房: its health staff
    other_staff: Person  # partner contact of another partner unit of the same street
    other_partner: OrgUnit
    resident: Person  # 南苑
    neighbour: Person  # 南苑, no consent
    cuiyu_resident: Person
    worker: Person  # 南苑 community worker
    street_admin: Person
    outsider: Person  # a resident of another street
    day: Activity  # a 九洲 health-check day everyone of the street may join


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    from mulin.activities.defaults import ensure_default_types
    from mulin.activities.models import ActivityType

    ensure_default_types(ActivityType)


@pytest.fixture
def cast(street, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    from mulin.health.tests.factories import make_health_day

    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    other_partner = OrgUnitFactory(kind=K.PARTNER_UNIT, name="大关社区卫生服务中心", parent=s.street)
    return Cast(
        street=s,
        staff=make_person(
            home=s.cuiyu_building, role=Role.PARTNER_CONTACT, at=s.partner, with_account=True, full_name="赵敏"
        ),
        other_staff=make_person(
            home=s.cuiyu_building, role=Role.PARTNER_CONTACT, at=other_partner, with_account=True, full_name="钱医生"
        ),
        other_partner=other_partner,
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        neighbour=make_person(home=s.nanyuan_building, with_account=True, full_name="李大爷"),
        cuiyu_resident=make_person(home=s.cuiyu_building, with_account=True, full_name="孙阿姨"),
        worker=make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_WORKER, at=s.nanyuan, with_account=True, full_name="南社工"
        ),
        street_admin=make_person(
            home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True, full_name="街道管理员"
        ),
        outsider=make_person(home=other_community, with_account=True, full_name="外街居民"),
        day=make_health_day(s.partner),
    )
