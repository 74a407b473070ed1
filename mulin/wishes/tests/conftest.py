"""People around the small test street: residents, helpers and staff of 南苑 and 翠玉."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import Person, Role
from mulin.organizations.services import volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, Street, make_person


@dataclass
class Cast:
    street: Street
    resident: Person  # 南苑, 南八苑
    neighbour: Person  # 南苑, another resident
    stranger: Person  # a resident of 翠玉
    member: Person  # party member of 南苑's branch
    member2: Person  # another party member, of 翠玉's branch
    volunteer: Person  # volunteer (not a member) of 翠玉
    partner: Person  # partner-unit contact of 九洲大药房
    branch_secretary: Person  # of 南苑's branch
    nanyuan_worker: Person
    nanyuan_secretary: Person
    cuiyu_worker: Person
    street_admin: Person


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Tests build many claims for few helpers; the limit has its own test.
    settings.MULIN_WISH_MAX_OPEN_CLAIMS = 1000


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """Categories and points rules come from data migrations; tests with transaction=True empty the
    tables afterwards, so later tests put them back."""
    from mulin.points.defaults import ensure_default_rules
    from mulin.points.models import PointRule
    from mulin.wishes.defaults import ensure_default_categories
    from mulin.wishes.models import WishCategory

    ensure_default_categories(WishCategory)
    ensure_default_rules(PointRule)


@pytest.fixture
def cast(street, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    volunteer = make_person(home=s.cuiyu_building, with_account=True, full_name="孙志愿")
    volunteer_profile_set(actor=SYSTEM, person=volunteer, skills=["repair"], availability=["weekend_morning"])
    return Cast(
        street=s,
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        neighbour=make_person(home=s.nanyuan_building, with_account=True, full_name="李邻居"),
        stranger=make_person(home=s.cuiyu_building, with_account=True, full_name="赵外人"),
        member=make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True, full_name="汪孙聚"),
        member2=make_person(home=s.cuiyu_building, member_of=s.cuiyu_branch, with_account=True, full_name="吴党员"),
        volunteer=volunteer,
        partner=make_person(
            home=s.nanyuan_building, role=Role.PARTNER_CONTACT, at=s.partner, with_account=True, full_name="赵敏"
        ),
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
        nanyuan_secretary=make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=s.nanyuan, with_account=True, full_name="周丽华"
        ),
        cuiyu_worker=make_person(
            home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True, full_name="张晓婷"
        ),
        street_admin=make_person(
            home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True, full_name="陈志刚"
        ),
    )
