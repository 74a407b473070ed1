"""Test data built through the real services, so tests see what production would write."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

import factory

from mulin.accounts.models import User
from mulin.core.normalizers import id_number_check_digit
from mulin.organizations.models import OrgUnit, PartyMembership, Person, Role
from mulin.organizations.scoping import Actor, actor_for_person
from mulin.organizations.services import (
    account_create,
    orgunit_create,
    party_membership_set,
    person_register,
    role_grant,
)

K = OrgUnit.Kind
SYSTEM = Actor.system()
_phones = itertools.count(1)
_ids = itertools.count(1)
TEST_PASSWORD = "Correct-Horse-9"


def next_phone() -> str:
    return f"139{next(_phones):08d}"


def next_id_number(year: int = 1960) -> str:
    first17 = f"330105{year}0101{next(_ids) % 1000:03d}"
    return first17 + id_number_check_digit(first17)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    kind = K.COMMUNITY
    name = factory.Sequence(lambda n: f"单位{n}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return orgunit_create(actor=SYSTEM, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    """A registered person. `home_unit` is required: pass a community, compound or building."""

    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"居民{n}")
    phone = factory.LazyFunction(next_phone)
    id_number = factory.LazyFunction(next_id_number)
    address = "1幢1单元101室"

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return person_register(actor=SYSTEM, **kwargs)


@dataclass
class Street:
    """A small street: two communities with a compound, building and branch each, and a partner."""

    district: OrgUnit
    street: OrgUnit
    nanyuan: OrgUnit
    nanyuan_compound: OrgUnit
    nanyuan_building: OrgUnit
    nanyuan_party: OrgUnit
    nanyuan_branch: OrgUnit
    cuiyu: OrgUnit
    cuiyu_compound: OrgUnit
    cuiyu_building: OrgUnit
    cuiyu_branch: OrgUnit
    partner: OrgUnit
    partner_branch: OrgUnit


def build_street() -> Street:
    district = OrgUnitFactory(kind=K.DISTRICT, name="拱墅区")
    street = OrgUnitFactory(kind=K.STREET, name="大关街道", parent=district)
    nanyuan = OrgUnitFactory(kind=K.COMMUNITY, name="南苑社区", parent=street)
    nanyuan_compound = OrgUnitFactory(kind=K.COMPOUND, name="南八苑", parent=nanyuan)
    nanyuan_building = OrgUnitFactory(kind=K.BUILDING, name="南八苑1幢", parent=nanyuan_compound)
    nanyuan_party = OrgUnitFactory(kind=K.PARTY_COMMITTEE, name="南苑社区党委", parent=nanyuan)
    nanyuan_branch = OrgUnitFactory(kind=K.BRANCH, name="南苑社区第一支部", parent=nanyuan_party)
    cuiyu = OrgUnitFactory(kind=K.COMMUNITY, name="翠玉社区", parent=street)
    cuiyu_compound = OrgUnitFactory(kind=K.COMPOUND, name="集翠源", parent=cuiyu)
    cuiyu_building = OrgUnitFactory(kind=K.BUILDING, name="集翠源1幢", parent=cuiyu_compound)
    cuiyu_branch = OrgUnitFactory(kind=K.BRANCH, name="翠玉社区第一党支部", parent=cuiyu)
    partner = OrgUnitFactory(kind=K.PARTNER_UNIT, name="九洲大药房", parent=street)
    partner_branch = OrgUnitFactory(kind=K.BRANCH, name="九洲大药房党支部", parent=partner)
    return Street(
        district,
        street,
        nanyuan,
        nanyuan_compound,
        nanyuan_building,
        nanyuan_party,
        nanyuan_branch,
        cuiyu,
        cuiyu_compound,
        cuiyu_building,
        cuiyu_branch,
        partner,
        partner_branch,
    )


def make_person(
    *,
    home: OrgUnit,
    role: str | None = None,
    at: OrgUnit | None = None,
    member_of: OrgUnit | None = None,
    with_account: bool = False,
    **fields: Any,
) -> Person:
    """A person living at `home`, optionally holding `role` at `at`, a member of a branch, and
    able to sign in with TEST_PASSWORD."""
    person = PersonFactory(home_unit=home, **fields)
    if member_of is not None:
        party_membership_set(
            actor=SYSTEM, person=person, branch=member_of, status=PartyMembership.Status.FULL, joined_on=None
        )
    if role is not None and role != Role.RESIDENT:
        role_grant(actor=SYSTEM, person=person, role=role, unit=at or home)
    if with_account:
        account_create(actor=SYSTEM, person=person, password=TEST_PASSWORD)
        person.refresh_from_db()
    return person


def actor(person: Person) -> Actor:
    return actor_for_person(person, user=person.user)


def login_user(person: Person) -> User:
    assert person.user is not None
    return person.user


def random_digits(n: int) -> str:
    return "".join(random.choice("0123456789") for _ in range(n))
