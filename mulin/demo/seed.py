"""Build the Daguan Street demo through the same services the product uses.

Idempotent: if the street already exists nothing is added. All in one transaction, so a crash
half-way leaves nothing behind and the next run starts clean.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from mulin.core.modules import demo_steps
from mulin.demo import daguan
from mulin.demo.people import PeopleFactory
from mulin.notifications.services import notification_send
from mulin.organizations.bulk import PersonDraft, person_bulk_register
from mulin.organizations.models import OrgUnit, PartnerLink, PartyMembership, Person, Role, Skill
from mulin.organizations.scoping import Actor
from mulin.organizations.services import (
    account_create,
    orgunit_create,
    party_membership_set,
    person_register,
    role_grant,
    volunteer_profile_set,
)

K = OrgUnit.Kind


@dataclass
class DemoStreet:
    units: dict[str, OrgUnit]
    created: bool


def build_tree(actor: Actor) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}

    def add(parent: OrgUnit | None, kind: str, name: str, **attributes) -> OrgUnit:  # type: ignore[no-untyped-def]
        unit = orgunit_create(actor=actor, parent=parent, kind=kind, name=name, **attributes)
        units[name] = unit
        return unit

    district = add(None, K.DISTRICT, daguan.DISTRICT)
    street = add(
        district,
        K.STREET,
        daguan.STREET,
        address="杭州市拱墅区大关路",
        latitude=Decimal("30.306200"),
        longitude=Decimal("120.150000"),
    )
    add(street, K.PARTY_COMMITTEE, daguan.STREET_PARTY_COMMITTEE)
    for community_name, spec in daguan.COMMUNITIES.items():
        lat, lng = daguan.COORDINATES[community_name]
        community = add(
            street, K.COMMUNITY, community_name, latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lng:.6f}")
        )
        add(community, K.RESIDENTS_COMMITTEE, f"{community_name[:-2]}社区居民委员会")
        party_kind, party_name = spec["party"]
        party = add(community, party_kind, party_name)
        pattern = daguan.BRANCH_PATTERN.get(community_name, daguan.DEFAULT_BRANCH_PATTERN)
        for n in range(spec["branches"]):
            add(party, K.BRANCH, pattern.format(community=community_name, n=daguan.CHINESE_NUMERALS[n]))
        for compound_name, buildings in spec["compounds"].items():
            compound = add(community, K.COMPOUND, compound_name)
            for b in range(1, buildings + 1):
                add(compound, K.BUILDING, f"{compound_name}{b}幢")
            if compound_name in daguan.GOVERNED_COMPOUNDS:
                owners, property_management = daguan.GOVERNED_COMPOUNDS[compound_name]
                add(compound, K.RESIDENTS_COMMITTEE, f"{compound_name}居民小组")
                add(compound, K.OWNERS_COMMITTEE, owners)
                add(compound, K.PROPERTY_MANAGEMENT, property_management)
        for team_name, category, subteams in daguan.TEAMS.get(community_name, []):
            team = add(community, K.TEAM, team_name, team_category=category)
            for subteam in subteams:
                add(team, K.TEAM, subteam, team_category=category)
    for partner_name, spec in daguan.PARTNER_UNITS.items():
        partner = add(street, K.PARTNER_UNIT, partner_name, address=spec["address"])
        add(partner, K.BRANCH, spec["branch"])
        for community_name in spec["communities"]:
            PartnerLink.objects.create(partner=partner, community=units[community_name], since=dt.date(2019, 6, 1))
    return units


def _building(units: dict[str, OrgUnit], compound: str, rng: random.Random) -> OrgUnit:
    buildings = [unit for name, unit in units.items() if unit.kind == K.BUILDING and name.startswith(compound)]
    return rng.choice(buildings)


def build_demo_accounts(
    actor: Actor, units: dict[str, OrgUnit], people: PeopleFactory, rng: random.Random
) -> list[Person]:
    """The README's demo accounts, plus the people the source article names."""
    accounts = []
    for phone, name, role, unit_name, compound, extra in daguan.DEMO_ACCOUNTS:
        people.used_phones.add(phone)
        person = _named_person(actor, units, people, rng, name=name, phone=phone, compound=compound, extra=extra)
        if role != Role.RESIDENT:  # registration already made them a resident of their building
            role_grant(actor=actor, person=person, role=role, unit=units[unit_name])
        account_create(actor=actor, person=person, password=daguan.DEMO_PASSWORD, is_demo=True)
        accounts.append(person)
    for name, role, unit_name, compound, extra in daguan.NAMED_PEOPLE:
        person = _named_person(
            actor, units, people, rng, name=name, phone=people.phone(), compound=compound, extra=extra
        )
        role_grant(actor=actor, person=person, role=role, unit=units[unit_name])
    return accounts


def _named_person(  # type: ignore[no-untyped-def]
    actor: Actor, units: dict[str, OrgUnit], people: PeopleFactory, rng: random.Random, *, name, phone, compound, extra
) -> Person:
    gender = "male" if name in {"陈志刚", "李建国", "汪孙聚", "郑伟", "何平"} else "female"
    birth = people.birth_date(older=True)
    home = _building(units, compound, rng)
    person = person_register(
        actor=actor,
        full_name=name,
        home_unit=home,
        phone=phone,
        id_number=people.id_number(birth, gender),
        address=people.address(compound, home.name.removeprefix(compound)),
    )
    if "member_of" in extra:
        party_membership_set(
            actor=actor,
            person=person,
            branch=units[extra["member_of"]],
            status=PartyMembership.Status.FULL,
            joined_on=dt.date(rng.randint(1975, 2012), rng.randint(1, 12), 1),
        )
    if "skills" in extra:
        volunteer_profile_set(
            actor=actor, person=person, skills=extra["skills"], availability=["weekday_morning", "weekend_morning"]
        )
    return person


def build_population(actor: Actor, units: dict[str, OrgUnit], people: PeopleFactory, rng: random.Random) -> int:
    """About 3,000 residents; roughly one in six a party member, one in ten a volunteer."""
    drafts: list[PersonDraft] = []
    row = 0
    skills = list(Skill.values)
    for community_name, spec in daguan.COMMUNITIES.items():
        community = units[community_name]
        branches = [u for u in units.values() if u.kind == K.BRANCH and u.name.startswith(community_name)]
        for compound_name, building_count in spec["compounds"].items():
            for b in range(1, building_count + 1):
                building = units[f"{compound_name}{b}幢"]
                for _ in range(rng.randint(10, 16)):
                    row += 1
                    gender = rng.choice(["male", "female"])
                    birth = people.birth_date(older=rng.random() < 0.45)
                    is_member = rng.random() < 0.16
                    is_volunteer = rng.random() < (0.35 if is_member else 0.08)
                    status = rng.choices(
                        [
                            PartyMembership.Status.FULL,
                            PartyMembership.Status.PROBATIONARY,
                            PartyMembership.Status.APPLICANT,
                        ],
                        weights=[88, 7, 5],
                    )[0]
                    drafts.append(
                        PersonDraft(
                            row=row,
                            full_name=people.name(),
                            home_unit=building,
                            phone=people.phone() if rng.random() < 0.86 else "",
                            id_number=people.id_number(birth, gender),
                            address=people.address(compound_name, f"{b}幢"),
                            branch=rng.choice(branches) if is_member else None,
                            party_status=status if is_member else "",
                            joined_on=dt.date(max(birth.year + 19, rng.randint(1965, 2024)), rng.randint(1, 12), 1)
                            if is_member
                            else None,
                            volunteer_skills=rng.sample(skills, rng.randint(1, 3)) if is_volunteer else [],
                            volunteer_community=community if is_volunteer else None,
                        )
                    )
    person_bulk_register(actor=actor, drafts=drafts, source="demo")
    return len(drafts)


@transaction.atomic
def build_daguan() -> DemoStreet:
    existing = OrgUnit.objects.filter(kind=K.STREET, name=daguan.STREET).first()
    if existing is not None:
        # A street built before a module existed gets that module's part now (steps are idempotent).
        units = {unit.name: unit for unit in OrgUnit.objects.order_by("path")}
        for step in demo_steps():
            step(Actor.system(), units)
        return DemoStreet(units={}, created=False)
    rng = random.Random(daguan.SEED)
    actor = Actor.system()
    people = PeopleFactory(rng)
    units = build_tree(actor)
    accounts = build_demo_accounts(actor, units, people, rng)
    build_population(actor, units, people, rng)
    # Each domain app's part (wishes, activities, rosters …), as its AppConfig.demo_step names it.
    for step in demo_steps():
        step(actor, units)
    notification_send(
        kind="street.announcement",
        recipients=accounts,
        params={
            "subject": "欢迎使用睦邻 · Welcome to Mulin",
            "text": "大关街道演示数据已就绪。The Daguan demo street is ready.",
        },
    )
    return DemoStreet(units=units, created=True)
