"""People and stations around the small test street: a 南苑 station with rooms, its staff, a
branch secretary who books rooms, and someone of another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person
from mulin.stations.models import Room, Station
from mulin.stations.tests.factories import make_room, make_station

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    resident: Person  # 南苑
    branch_secretary: Person  # 南苑社区第一支部
    nanyuan_worker: Person
    cuiyu_worker: Person
    street_admin: Person
    outsider: Person  # a community worker of another street
    station: Station  # 南苑红色健康驿站
    room: Room  # its 健康讲堂
    other_station: Station  # in the other street


@pytest.fixture
def cast(street) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    station = make_station(s.nanyuan, name="南苑红色健康驿站", partner=s.partner)
    return Cast(
        street=s,
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        branch_secretary=make_person(
            home=s.nanyuan_building,
            role=Role.BRANCH_SECRETARY,
            at=s.nanyuan_branch,
            member_of=s.nanyuan_branch,
            with_account=True,
            full_name="李书记",
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
        outsider=make_person(
            home=other_community,
            role=Role.COMMUNITY_WORKER,
            at=other_community,
            with_account=True,
            full_name="外街社工",
        ),
        station=station,
        room=make_room(station, name="健康讲堂", capacity=30),
        other_station=make_station(other_community, name="左家驿站"),
    )
