"""People and places of the roster tests: 翠玉's 集翠源 with a sorting point, its volunteers and party
members, organisers of 翠玉 and 南苑, and 南苑 people who must never reach 翠玉's roster."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import Person, Role
from mulin.organizations.services import volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, Street, make_person
from mulin.rosters.models import DutyPoint, Pledge


@dataclass
class Duty:
    street: Street
    volunteer: Person  # 翠玉, not a member
    member: Person  # 翠玉 第一党支部
    resident: Person  # 翠玉, neither member nor volunteer
    nanyuan_volunteer: Person
    nanyuan_resident: Person
    cuiyu_worker: Person
    nanyuan_worker: Person
    street_admin: Person
    point: DutyPoint  # 集翠源, 2 people a shift
    point2: DutyPoint  # 集翠源, another point (same hours)
    pledge: Pledge  # 翠玉's


@pytest.fixture
def point_rules(db):  # type: ignore[no-untyped-def]
    """Points rules come from data migrations; transactional tests empty the tables afterwards."""
    from mulin.points.models import PointRule
    from mulin.rosters.defaults import ensure_default_rules

    ensure_default_rules(PointRule)


@pytest.fixture
def duty(street, point_rules) -> Duty:  # type: ignore[no-untyped-def]
    from mulin.rosters.tests.factories import make_pledge, make_point

    s = street
    volunteer = make_person(home=s.cuiyu_building, with_account=True, full_name="孙小燕")
    volunteer_profile_set(actor=SYSTEM, person=volunteer, skills=["cleaning"], availability=[])
    nanyuan_volunteer = make_person(home=s.nanyuan_building, with_account=True, full_name="南志愿")
    volunteer_profile_set(actor=SYSTEM, person=nanyuan_volunteer, skills=["cleaning"], availability=[])
    return Duty(
        street=s,
        volunteer=volunteer,
        member=make_person(home=s.cuiyu_building, member_of=s.cuiyu_branch, with_account=True, full_name="吴红英"),
        resident=make_person(home=s.cuiyu_building, with_account=True, full_name="翠居民"),
        nanyuan_volunteer=nanyuan_volunteer,
        nanyuan_resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        cuiyu_worker=make_person(
            home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True, full_name="张晓婷"
        ),
        nanyuan_worker=make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_WORKER, at=s.nanyuan, with_account=True, full_name="南社工"
        ),
        street_admin=make_person(
            home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True, full_name="陈志刚"
        ),
        point=make_point(s.cuiyu_compound),
        point2=make_point(s.cuiyu_compound, name="集翠源2号投放点"),
        pledge=make_pledge(s.cuiyu),
    )
