"""People around the small test street for the roundtable: residents of 南八苑 (南苑社区) and of
集翠源 (翠玉社区), the community workers of both, a street administrator, and a community of
another street."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.tests.factories import OrgUnitFactory, Street, make_person

K = OrgUnit.Kind


@dataclass
class Cast:
    street: Street
    resident: Person  # 王秀英, 南八苑1幢 (raises most topics)
    neighbour: Person  # another resident of 南八苑
    cuiyu_resident: Person
    nanyuan_worker: Person
    cuiyu_worker: Person
    street_admin: Person
    other_street: OrgUnit
    other_compound: OrgUnit
    outsider: Person  # a resident of the other street
    outsider_worker: Person  # a community worker of the other street


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def cast(street) -> Cast:  # type: ignore[no-untyped-def]
    s = street
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=s.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=other_street)
    other_compound = OrgUnitFactory(kind=K.COMPOUND, name="左家新村", parent=other_community)
    return Cast(
        street=s,
        resident=make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        neighbour=make_person(home=s.nanyuan_building, with_account=True, full_name="李阿姨"),
        cuiyu_resident=make_person(home=s.cuiyu_building, with_account=True, full_name="赵外人"),
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
        other_compound=other_compound,
        outsider=make_person(home=other_compound, with_account=True, full_name="外街居民"),
        outsider_worker=make_person(
            home=other_community,
            role=Role.COMMUNITY_WORKER,
            at=other_community,
            with_account=True,
            full_name="外街社工",
        ),
    )


@pytest.fixture
def categories(db):  # type: ignore[no-untyped-def]
    """Work-order categories come from a data migration; transactional tests empty the tables."""
    from mulin.workorders.defaults import ensure_default_categories
    from mulin.workorders.models import WorkOrderCategory

    ensure_default_categories(WorkOrderCategory)


@pytest.fixture
def property_unit(cast):  # type: ignore[no-untyped-def]
    return OrgUnitFactory(kind=K.PROPERTY_MANAGEMENT, name="南八苑物业服务中心", parent=cast.street.nanyuan_compound)
