"""People around the small test street for activities: a 南苑 branch with its secretary and
members, residents of both communities, staff, a station room, and someone of another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person
from mulin.stations.models import Room
from mulin.stations.tests.factories import make_room, make_station

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    secretary: Person  # branch secretary of 南苑社区第一支部
    members: list[Person]  # members of that branch
    resident: Person  # 南苑, not a member
    cuiyu_resident: Person
    nanyuan_worker: Person
    cuiyu_worker: Person
    outsider: Person  # a resident of another street
    room: Room  # 南苑 station's 党员活动室 (30 seats)


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """Types and point rules come from data migrations; transaction=True tests empty the tables."""
    from mulin.activities.defaults import ensure_default_types
    from mulin.activities.models import ActivityType
    from mulin.points.defaults import ensure_default_rules
    from mulin.points.models import PointRule

    ensure_default_types(ActivityType)
    ensure_default_rules(PointRule)


@pytest.fixture
def cast(street, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    station = make_station(s.nanyuan, name="南苑党群驿站")
    return Cast(
        street=s,
        secretary=make_person(
            home=s.nanyuan_building,
            role=Role.BRANCH_SECRETARY,
            at=s.nanyuan_branch,
            member_of=s.nanyuan_branch,
            with_account=True,
            full_name="李书记",
        ),
        members=[
            make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True, full_name=f"党员{i}")
            for i in range(3)
        ],
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        cuiyu_resident=make_person(home=s.cuiyu_building, with_account=True, full_name="赵外人"),
        nanyuan_worker=make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_WORKER, at=s.nanyuan, with_account=True, full_name="南社工"
        ),
        cuiyu_worker=make_person(
            home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True, full_name="张晓婷"
        ),
        outsider=make_person(home=other_community, with_account=True, full_name="外街居民"),
        room=make_room(station, name="党员活动室", capacity=30),
    )
