"""Who sees whom: person_list_visible_to for every role, and the search built on it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mulin.organizations.models import Person, Role
from mulin.organizations.roles import Capability
from mulin.organizations.selectors import person_list_visible_to, person_search
from mulin.organizations.services import person_update
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db


@dataclass
class Cast:
    cuiyu_resident: Person
    cuiyu_neighbour: Person
    nanyuan_resident: Person
    nanyuan_member: Person
    cuiyu_member_of_nanyuan_branch: Person  # lives in 翠玉, belongs to a 南苑 branch
    partner_member: Person  # lives in 南苑, belongs to the partner unit's branch
    branch_secretary: Person
    nanyuan_worker: Person
    nanyuan_secretary: Person
    cuiyu_worker: Person
    partner_contact: Person
    street_admin: Person
    system_admin: Person
    security_admin: Person
    audit_admin: Person
    volunteer: Person


@pytest.fixture
def cast(street) -> Cast:  # type: ignore[no-untyped-def]
    return Cast(
        cuiyu_resident=make_person(home=street.cuiyu_building),
        cuiyu_neighbour=make_person(home=street.cuiyu_compound),
        nanyuan_resident=make_person(home=street.nanyuan_building),
        nanyuan_member=make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch),
        cuiyu_member_of_nanyuan_branch=make_person(home=street.cuiyu_building, member_of=street.nanyuan_branch),
        partner_member=make_person(home=street.nanyuan_building, member_of=street.partner_branch),
        branch_secretary=make_person(
            home=street.nanyuan_building,
            member_of=street.nanyuan_branch,
            role=Role.BRANCH_SECRETARY,
            at=street.nanyuan_branch,
        ),
        nanyuan_worker=make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan),
        nanyuan_secretary=make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan),
        cuiyu_worker=make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu),
        partner_contact=make_person(home=street.cuiyu_building, role=Role.PARTNER_CONTACT, at=street.partner),
        street_admin=make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street),
        system_admin=make_person(home=street.nanyuan_building, role=Role.SYSTEM_ADMIN, at=street.street),
        security_admin=make_person(home=street.nanyuan_building, role=Role.SECURITY_ADMIN, at=street.street),
        audit_admin=make_person(home=street.nanyuan_building, role=Role.AUDIT_ADMIN, at=street.street),
        volunteer=make_person(home=street.cuiyu_building, role=Role.VOLUNTEER, at=street.cuiyu),
    )


def _visible(person: Person, capability: Capability = Capability.PEOPLE_VIEW) -> set[str]:
    return set(person_list_visible_to(actor(person), capability).values_list("full_name", flat=True))


def _names(*people: Person) -> set[str]:
    return {person.full_name for person in people}


def test_resident_sees_only_themselves(cast):
    assert _visible(cast.cuiyu_resident) == _names(cast.cuiyu_resident)


def test_volunteer_and_party_member_see_only_themselves(cast):
    assert _visible(cast.volunteer) == _names(cast.volunteer)
    assert _visible(cast.nanyuan_member) == _names(cast.nanyuan_member)


def test_branch_secretary_sees_the_branch_members_wherever_they_live(cast):
    assert _visible(cast.branch_secretary) == _names(
        cast.branch_secretary, cast.nanyuan_member, cast.cuiyu_member_of_nanyuan_branch
    )


def test_community_worker_sees_everyone_who_lives_belongs_or_works_in_their_community(cast):
    expected = _names(
        cast.nanyuan_resident,
        cast.nanyuan_member,
        cast.cuiyu_member_of_nanyuan_branch,  # a member of a 南苑 branch
        cast.partner_member,  # lives in 南苑
        cast.branch_secretary,
        cast.nanyuan_worker,  # themselves (they live in 翠玉 but work in 南苑)
        cast.nanyuan_secretary,
        cast.street_admin,  # these administrators happen to live in 南苑
        cast.system_admin,
        cast.security_admin,
        cast.audit_admin,
    )

    assert _visible(cast.nanyuan_worker) == expected
    assert _visible(cast.nanyuan_secretary) == expected
    assert _visible(cast.nanyuan_worker, Capability.PEOPLE_REVEAL) == expected


def test_cuiyu_worker_sees_no_nanyuan_resident(cast):
    visible = _visible(cast.cuiyu_worker)

    assert _names(cast.cuiyu_resident, cast.cuiyu_neighbour, cast.cuiyu_member_of_nanyuan_branch) <= visible
    assert not visible & _names(cast.nanyuan_resident, cast.nanyuan_member, cast.partner_member)


def test_partner_contact_sees_the_partner_units_people_only(cast):
    assert _visible(cast.partner_contact) == _names(cast.partner_contact, cast.partner_member)
    # … masked: a partner contact reveals nothing but themselves.
    assert _visible(cast.partner_contact, Capability.PEOPLE_REVEAL) == _names(cast.partner_contact)


def test_street_admin_sees_and_may_reveal_everyone(cast):
    everyone = set(Person.objects.values_list("full_name", flat=True))

    assert _visible(cast.street_admin) == everyone
    assert _visible(cast.street_admin, Capability.PEOPLE_REVEAL) == everyone


def test_system_admin_sees_everyone_masked_only(cast):
    everyone = set(Person.objects.values_list("full_name", flat=True))

    assert _visible(cast.system_admin) == everyone
    assert _visible(cast.system_admin, Capability.PEOPLE_REVEAL) == _names(cast.system_admin)


def test_audit_admin_sees_nobody_but_themselves(cast):
    assert _visible(cast.audit_admin) == _names(cast.audit_admin)


def test_list_is_one_query_with_home_and_branch_joined(cast, django_assert_num_queries):
    viewer = actor(cast.street_admin)

    with django_assert_num_queries(1):
        rows = [
            (p.home_unit.name, p.party_membership.branch.name if hasattr(p, "party_membership") else "")
            for p in person_list_visible_to(viewer)
        ]

    assert len(rows) == Person.objects.count()


def test_search_by_name_and_unit_stays_inside_the_scope(street, cast):
    worker = actor(cast.cuiyu_worker)

    by_branch = person_search(worker, unit=street.nanyuan_branch)
    by_name = person_search(worker, query=cast.nanyuan_resident.full_name)

    # The worker sees the 翠玉 resident who is a 南苑 branch member, and nobody else of that branch.
    assert set(by_branch) == {cast.cuiyu_member_of_nanyuan_branch}
    assert list(by_name) == []


def test_search_hides_inactive_people_unless_asked(cast):
    person_update(actor=SYSTEM, person=cast.cuiyu_neighbour, is_active=False)
    worker = actor(cast.cuiyu_worker)

    assert cast.cuiyu_neighbour not in person_search(worker)
    assert cast.cuiyu_neighbour in person_search(worker, include_inactive=True)


def test_search_finds_people_without_a_phone(street, cast):
    no_phone = make_person(home=street.cuiyu_building, phone="")

    assert list(person_search(actor(cast.cuiyu_worker), missing_phone=True)) == [no_phone]
