"""The tenancy helpers every domain app uses instead of writing its own: path arithmetic, the
enclosing community and street, community staff, the honour unit and the street-wide reach."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import (
    Actor,
    parent_path,
    street_reach_q,
    subtrees_q,
    unit_ancestor_paths,
)
from mulin.organizations.selectors import (
    community_of,
    community_staff,
    honour_unit_of,
    orgunit_enclosing,
    street_of,
)
from mulin.organizations.services import role_revoke
from mulin.organizations.tests.factories import SYSTEM, OrgUnitFactory, actor, make_person

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind


@pytest.fixture(autouse=True)
def _fresh_reach_cache():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def other_street(street):  # type: ignore[no-untyped-def]
    """A second street of the same district with one community and a compound in it."""
    second = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=street.district)
    community = OrgUnitFactory(kind=K.COMMUNITY, name="左家新村社区", parent=second)
    building = OrgUnitFactory(kind=K.COMPOUND, name="左家新村", parent=community)
    return second, community, building


def test_path_arithmetic(street):
    building = street.nanyuan_building

    assert unit_ancestor_paths(building.path) == [
        street.district.path,
        street.street.path,
        street.nanyuan.path,
        street.nanyuan_compound.path,
        building.path,
    ]
    assert unit_ancestor_paths(building.path, include_self=False)[-1] == street.nanyuan_compound.path
    assert unit_ancestor_paths(street.district.path, include_self=False) == []
    assert parent_path(building.path) == street.nanyuan_compound.path
    assert parent_path(street.district.path) == ""


def test_enclosing_units_are_the_nearest_of_each_kind_in_one_query(street, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = orgunit_enclosing(street.nanyuan_building, [K.COMMUNITY, K.COMPOUND, K.STREET])

    assert found == {K.COMMUNITY: street.nanyuan, K.COMPOUND: street.nanyuan_compound, K.STREET: street.street}
    assert community_of(street.nanyuan_branch) == street.nanyuan
    assert community_of(street.nanyuan) == street.nanyuan  # a community is its own
    assert community_of(street.partner_branch) is None  # partner units lie outside communities
    assert community_of(street.street) is None
    assert street_of(street.cuiyu_building) == street.street
    assert street_of(street.district) is None


def test_community_staff_are_the_secretary_else_the_workers_and_never_inactive_people(street):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    make_person(home=street.cuiyu_building, role=Role.COMMUNITY_SECRETARY, at=street.cuiyu)

    assert community_staff(street.nanyuan.pk) == [secretary]
    assert community_staff(street.nanyuan.pk, (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)) == [worker, secretary]

    role_revoke(actor=SYSTEM, assignment=secretary.role_assignments.get(role=Role.COMMUNITY_SECRETARY))
    assert community_staff(street.nanyuan.pk) == [worker]  # no secretary: the workers

    Person.objects.filter(pk=worker.pk).update(is_active=False)
    assert community_staff(street.nanyuan.pk) == []


def test_honour_unit_is_the_branch_then_the_partner_unit_then_nothing(street):
    member = make_person(home=street.cuiyu_building, member_of=street.nanyuan_branch)
    contact = make_person(home=street.nanyuan_building, role=Role.PARTNER_CONTACT, at=street.partner)
    resident = make_person(home=street.nanyuan_building)

    assert honour_unit_of(actor(member)) == street.nanyuan_branch
    assert honour_unit_of(actor(contact)) == street.partner
    assert honour_unit_of(actor(resident)) is None
    assert honour_unit_of(Actor.system()) is None


def test_street_reach_widens_each_grant_to_its_street_and_no_further(street, other_street):
    _second_street, second_community, second_building = other_street
    member = make_person(home=street.cuiyu_building, role=Role.PARTY_MEMBER, at=street.cuiyu_branch)
    helper = actor(member)

    assert helper.street_paths(Capability.WISH_CLAIM) == (street.street.path,)
    assert helper.can_street_wide(Capability.WISH_CLAIM, street.nanyuan_building.path)  # another community
    assert not helper.can_street_wide(Capability.WISH_CLAIM, second_building.path)  # another street
    assert not helper.can_street_wide(Capability.WISH_MODERATE, street.cuiyu.path)  # no such grant
    reachable = OrgUnit.objects.filter(street_reach_q(helper, Capability.WISH_CLAIM, "path"))
    assert set(reachable) == set(OrgUnit.objects.filter(path__startswith=street.street.path))
    assert second_community not in reachable
    assert not OrgUnit.objects.filter(street_reach_q(helper, Capability.WISH_MODERATE, "path")).exists()
    assert OrgUnit.objects.filter(street_reach_q(Actor.system(), Capability.WISH_CLAIM, "path")).count() == (
        OrgUnit.objects.count()
    )


def test_a_grant_above_street_level_reaches_its_own_subtree(street, other_street):
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.district)

    assert actor(admin).street_paths(Capability.WISH_VIEW) == (street.district.path,)


def test_holds_at_street_level(street):
    street_admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)

    assert actor(street_admin).holds_at_street_level(Capability.POINTS_MANAGE)
    assert not actor(secretary).holds_at_street_level(Capability.POINTS_MANAGE)  # community level only
    assert not actor(street_admin).holds_at_street_level(Capability.AUDIT_VIEW)
    assert Actor.system().holds_at_street_level(Capability.POINTS_MANAGE)


def test_subtrees_q_denies_by_default(street):
    assert not OrgUnit.objects.filter(subtrees_q("path", [])).exists()
    assert OrgUnit.objects.filter(subtrees_q("path", [""])).count() == OrgUnit.objects.count()
