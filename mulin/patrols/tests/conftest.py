"""People and rivers around the small test street for patrols: a party member who patrols, a
resident who only reads, a branch secretary, staff of 南苑 and 翠玉, a street administrator, and a
community worker of another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person
from mulin.patrols.models import River, Segment
from mulin.patrols.tests.factories import make_river, make_segment

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    member: Person  # party member of 南苑's branch: the folk river chief
    resident: Person  # a resident of 南苑: reads, does not patrol
    secretary: Person  # secretary of 南苑社区第一支部
    nanyuan_worker: Person
    cuiyu_worker: Person
    street_admin: Person
    other_street: OrgUnit
    other_community: OrgUnit
    outsider: Person  # a community worker of the other street
    river: River
    segment: Segment  # 胜利河 · 南苑段
    cuiyu_segment: Segment  # 胜利河 · 翠玉段
    other_segment: Segment  # a river of the other street


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """Work-order categories and the patrol point rules come from data migrations; tests with
    transaction=True empty the tables afterwards, so later tests put them back."""
    from mulin.points.defaults import ensure_default_rules
    from mulin.points.models import PointRule
    from mulin.workorders.defaults import ensure_default_categories
    from mulin.workorders.models import WorkOrderCategory

    ensure_default_categories(WorkOrderCategory)
    ensure_default_rules(PointRule, events=["patrols.logged", "patrols.inspected"])


@pytest.fixture
def cast(street) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    member = make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True, full_name="汪孙聚")
    river = make_river(s.street, name="胜利河", folk_chief=member)
    other_river = make_river(other_street, name="东新河")
    return Cast(
        street=s,
        member=member,
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        secretary=make_person(
            home=s.nanyuan_building, role=Role.BRANCH_SECRETARY, at=s.nanyuan_branch, with_account=True,
            full_name="李建国",
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
        other_street=other_street,
        other_community=other_community,
        outsider=make_person(
            home=other_community, role=Role.COMMUNITY_WORKER, at=other_community, with_account=True,
            full_name="外街社工",
        ),
        river=river,
        segment=make_segment(river, s.nanyuan, name="南苑段"),
        cuiyu_segment=make_segment(river, s.cuiyu, name="翠玉段"),
        other_segment=make_segment(other_river, other_community, name="左家段"),
    )  # fmt: skip
