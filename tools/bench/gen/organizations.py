"""The tree, people, party members, volunteers, staff, login accounts and roles.

Valid under the real rules without going through per-row services: unit kinds are checked
against `services.ALLOWED_CHILDREN`, paths follow the service's rule (the parent's path plus the
unit's own id, zero-padded to PATH_SEGMENT digits), phone and ID numbers pass the normalisers
and get their blind indexes from `core.crypto.blind_index`, encrypted columns are encrypted by
the field class (tools.bench.writer), and a login account's second-factor flag follows
ROLE_SPECS as `_account_sync_flags` sets it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from mulin.accounts.models import User
from mulin.core.crypto import blind_index
from mulin.core.normalizers import (
    birth_date_from_id_number,
    gender_from_id_number,
    normalize_id_number,
    normalize_phone,
)
from mulin.demo import daguan
from mulin.demo.people import PeopleFactory
from mulin.organizations import services
from mulin.organizations.models import (
    PATH_SEGMENT,
    OrgUnit,
    PartnerLink,
    PartyMembership,
    Person,
    Role,
    RoleAssignment,
    Skill,
    TimeSlot,
    VolunteerProfile,
)
from mulin.organizations.roles import ROLE_SPECS
from mulin.organizations.services import ALLOWED_CHILDREN, MAX_DEPTH
from tools.bench.gen.context import GenContext, PersonRow, Unit, zipf_weights
from tools.bench.writer import IdAllocator, write_rows

K = OrgUnit.Kind
# The community or partner unit at or above a unit, as orgunit_create sets it.
LOCAL_ROOT_KINDS = services.LOCAL_ROOT_KINDS
# The password every generated account shares (one PBKDF2 hash computed once: hashing a
# hundred thousand passwords would take hours). Bench personas sign in with it.
BENCH_PASSWORD = "Xq7-Harbour-Lantern-93"  # noqa: S105 — benchmark data only, never a real account
EXTRA_COMMUNITY_NAMES = [
    "米市巷社区",
    "小河社区",
    "和睦社区",
    "大兜路社区",
    "卖鱼桥社区",
    "长征桥社区",
    "德胜新村社区",
    "华丰社区",
    "半山社区",
    "康桥社区",
    "祥符社区",
    "勾庄社区",
    "丽水社区",
    "湖墅社区",
    "信义坊社区",
    "拱宸桥社区",
    "文晖社区",
    "潮鸣社区",
    "朝晖社区",
    "新华社区",
]
COMPOUND_SUFFIXES = ["苑", "新村", "家园", "小区", "花园", "公寓", "里", "坊"]
COMPOUND_STEMS = "安和乐康宁泰福祥瑞嘉华盛兴隆春晓明月清风翠竹桂香枫林锦绣丽景"
PARTNER_NAMES = [
    "九洲大药房",
    "大关街道社区卫生服务中心",
    "运河文化发展公司",
    "拱墅区图书馆",
    "杭州银行大关支行",
    "国家电网拱墅供电所",
    "大关派出所",
    "浙江工商职业学院",
    "联华超市大关店",
    "拱墅区消防救援站",
    "杭州公交大关站",
    "中国移动大关营业厅",
    "大关实验小学",
    "运河法律服务所",
    "大关菜场",
]


def _path(parent: Unit | None, unit_id: int) -> str:
    """The service's rule (orgunit_create): the parent's path plus the id, zero-padded."""
    if unit_id >= 10**PATH_SEGMENT:
        raise ValueError("The organisation tree is full; the path format must be widened.")
    return (parent.path if parent else "") + f"{unit_id:0{PATH_SEGMENT}d}"


class TreeBuilder:
    def __init__(self, ctx: GenContext) -> None:
        self.ctx = ctx
        self.ids = IdAllocator(OrgUnit)
        self.rows: list[tuple] = []

    def add(
        self,
        parent: Unit | None,
        kind: str,
        name: str,
        *,
        team_category: str = "",
        address: str = "",
        lat: float | None = None,
        lng: float | None = None,
    ) -> Unit:
        if kind not in ALLOWED_CHILDREN.get(parent.kind if parent else None, frozenset()):
            raise ValueError(f"A {kind} cannot be placed under {parent.kind if parent else 'the root'}.")
        depth = parent.depth + 1 if parent else 0
        if depth >= MAX_DEPTH:
            raise ValueError("The tree is too deep.")
        unit_id = self.ids.take()
        unit = Unit(unit_id, kind, name, _path(parent, unit_id), parent.id if parent else None, depth)
        unit.local_root_id = unit_id if kind in LOCAL_ROOT_KINDS else (parent.local_root_id if parent else None)
        self.ctx.units[unit_id] = unit
        at = self.ctx.start
        self.rows.append(
            (
                unit_id,
                kind,
                name,
                unit.parent_id,
                unit.path,
                depth,
                team_category,
                address,
                None if lat is None else Decimal(f"{lat:.6f}"),
                None if lng is None else Decimal(f"{lng:.6f}"),
                True,
                at,
                at,
                unit.local_root_id,
            )
        )
        return unit

    def write(self) -> None:
        write_rows(
            OrgUnit,
            [
                "id",
                "kind",
                "name",
                "parent",
                "path",
                "depth",
                "team_category",
                "address",
                "latitude",
                "longitude",
                "is_active",
                "created_at",
                "updated_at",
                "local_root",
            ],
            self.rows,
        )


def community_names(count: int) -> list[str]:
    names = list(daguan.COMMUNITIES) + EXTRA_COMMUNITY_NAMES
    if count > len(names):
        names += [f"新区{n}社区" for n in range(1, count - len(names) + 1)]
    if count == 1:
        return ["南苑社区"]
    return names[:count]


def build_tree(ctx: GenContext) -> None:
    tier, rng = ctx.tier, ctx.rng
    tree = TreeBuilder(ctx)
    district = tree.add(None, K.DISTRICT, daguan.DISTRICT)
    street = tree.add(district, K.STREET, daguan.STREET, address="杭州市拱墅区大关路", lat=30.3062, lng=120.15)
    ctx.street = street
    tree.add(street, K.PARTY_COMMITTEE, daguan.STREET_PARTY_COMMITTEE)
    branches_each = max(1, tier.branches // tier.communities)
    used_compound_names: set[str] = set()
    for index, name in enumerate(community_names(tier.communities)):
        lat, lng = daguan.COORDINATES.get(name, (30.30 + rng.random() * 0.02, 120.14 + rng.random() * 0.02))
        community = tree.add(street, K.COMMUNITY, name, lat=lat, lng=lng)
        ctx.communities.append(community)
        tree.add(community, K.RESIDENTS_COMMITTEE, f"{name[:-2]}社区居民委员会")
        party = tree.add(community, K.PARTY_COMMITTEE, f"{name[:-2]}社区党委")
        ctx.branches[index] = [tree.add(party, K.BRANCH, f"{name}第{n}支部") for n in range(1, branches_each + 1)]
        known = list(daguan.COMMUNITIES.get(name, {}).get("compounds", {}))
        ctx.compounds[index] = []
        for n in range(rng.randint(*tier.compounds_per_community)):
            if n < len(known) and known[n] not in used_compound_names:
                compound_name = known[n]
            else:
                while True:
                    compound_name = (
                        rng.choice(COMPOUND_STEMS) + rng.choice(COMPOUND_STEMS) + rng.choice(COMPOUND_SUFFIXES)
                    )
                    if compound_name not in used_compound_names:
                        break
            used_compound_names.add(compound_name)
            compound = tree.add(community, K.COMPOUND, compound_name)
            ctx.compounds[index].append(compound)
            ctx.buildings[compound.id] = [
                tree.add(compound, K.BUILDING, f"{compound_name}{b}幢")
                for b in range(1, rng.randint(*tier.buildings_per_compound) + 1)
            ]
        tree.add(community, K.TEAM, f"{name[:-2]}志愿服务队", team_category="volunteer")
    partners = []
    for n in range(tier.partner_units):
        partner = tree.add(street, K.PARTNER_UNIT, PARTNER_NAMES[n % len(PARTNER_NAMES)] + ("" if n < 15 else f"{n}"))
        partners.append((partner, tree.add(partner, K.BRANCH, f"{partner.name}党支部")))
    ctx.extra["partners"] = partners
    tree.write()
    links = []
    link_ids = IdAllocator(PartnerLink)
    for n, (partner, _branch) in enumerate(partners):
        for community in {ctx.communities[n % len(ctx.communities)].id, rng.choice(ctx.communities).id}:
            links.append((link_ids.take(), partner.id, community, dt.date(2019, 6, 1), ctx.start, ctx.start))
    write_rows(PartnerLink, ["id", "partner", "community", "since", "created_at", "updated_at"], links)
    ctx.counts["org units"] = len(tree.rows)


def _registration_times(ctx: GenContext, n: int) -> list[dt.datetime]:
    """Most people were imported when the street started using Mulin; the rest moved in later."""
    initial = int(n * 0.8)
    later = ctx.sample_times(n - initial, growth=(1.0, 1.0))
    return sorted([ctx.start + dt.timedelta(seconds=i) for i in range(initial)] + later)


def build_people(ctx: GenContext, reserved_phones: set[str]) -> None:
    tier, rng = ctx.tier, ctx.rng
    factory = PeopleFactory(rng)
    factory.used_phones |= reserved_phones
    weights = zipf_weights(tier.communities, 0.45)
    rng.shuffle(weights)
    per_community = [round(tier.residents * w / sum(weights)) for w in weights]
    per_community[-1] += tier.residents - sum(per_community)
    first_id = IdAllocator(Person).next_id
    times = _registration_times(ctx, tier.residents)
    homes: list[tuple[int, Unit, Unit]] = []
    for index, count in enumerate(per_community):
        compounds = ctx.compounds[index]
        for _ in range(count):
            compound = rng.choice(compounds)
            homes.append((index, compound, rng.choice(ctx.buildings[compound.id])))
    rng.shuffle(homes)
    for offset, (index, compound, building) in enumerate(homes):
        older = rng.random() < 0.45
        gender = rng.choice(["male", "female"])
        birth = factory.birth_date(older=older)
        person = PersonRow(
            id=first_id + offset,
            community=index,
            home_id=building.id,
            compound_id=compound.id,
            full_name=factory.name(),
            birth_year=birth.year,
            has_phone=rng.random() < (0.75 if birth.year < 1950 else 0.93),
            shows_full_name=rng.random() < 0.2,
        )
        person_identity = (factory.id_number(birth, gender), factory.phone() if person.has_phone else "")
        ctx.extra.setdefault("identity", []).append(person_identity)
        ctx.extra.setdefault("addresses", []).append(
            factory.address(compound.name, building.name.removeprefix(compound.name))
        )
        ctx.people.append(person)
        ctx.residents_by_community.setdefault(index, []).append(person)
    ctx.extra["registered_at"] = times


def assign_roles(ctx: GenContext) -> None:
    """Party members, volunteers, partner contacts, staff; then who has a login account."""
    tier, rng = ctx.tier, ctx.rng
    adults = [p for p in ctx.people if p.birth_year <= ctx.end.year - 18]
    # Party members skew older (retired members are the most active in community branches).
    member_weights = [2.0 if p.birth_year < 1965 else 1.0 for p in adults]
    members: dict[int, PersonRow] = {}
    while len(members) < tier.party_members:
        for person in rng.choices(adults, member_weights, k=tier.party_members - len(members)):
            members[person.id] = person
    branch_weights = {
        index: list(itertools.accumulate(zipf_weights(len(branches), 0.6))) for index, branches in ctx.branches.items()
    }
    for person in members.values():
        person.member_status = rng.choices(
            [PartyMembership.Status.FULL, PartyMembership.Status.PROBATIONARY, PartyMembership.Status.APPLICANT],
            [90, 5, 5],
        )[0]
        person.branch_id = rng.choices(ctx.branches[person.community], cum_weights=branch_weights[person.community])[
            0
        ].id
    member_list = list(members.values())
    volunteers: dict[int, PersonRow] = {
        p.id: p for p in rng.sample(member_list, min(len(member_list), int(tier.volunteers * 0.15)))
    }
    others = [p for p in adults if p.id not in members]
    while len(volunteers) < tier.volunteers:
        person = rng.choice(others)
        volunteers[person.id] = person
    skills, slots = list(Skill.values), list(TimeSlot.values)
    for person in volunteers.values():
        person.skills = sorted(rng.sample(skills, rng.choice([1, 1, 2, 2, 3])))
        person.availability = sorted(rng.sample(slots, rng.choice([1, 2, 2, 3, 4])))
    # Partner units: a contact and a few members of the unit's branch each.
    for partner, branch in ctx.extra["partners"]:
        contact = rng.choice(others)
        contact.partner_unit_id = partner.id
        for person in rng.sample(others, 4):
            if not person.member_status:
                person.member_status, person.branch_id = PartyMembership.Status.FULL, branch.id
    # Staff: a secretary and workers per community, living there.
    for index, residents in ctx.residents_by_community.items():
        candidates = [p for p in residents if 1965 <= p.birth_year <= 1998 and p.has_phone]
        chosen = rng.sample(candidates, tier.workers_per_community + 1)
        ctx.secretaries[index], ctx.workers[index] = chosen[0], chosen[1:]
    ctx.extra["volunteers"] = volunteers
    ctx.extra["branch_secretaries"] = {}
    for index, branches in ctx.branches.items():
        in_community = [p for p in member_list if p.community == index and p.member_status == "full"]
        for branch in branches:
            in_branch = [p for p in in_community if p.branch_id == branch.id]
            if in_branch:
                ctx.extra["branch_secretaries"][branch.id] = rng.choice(in_branch)
    # Helpers who may claim wishes, per community (members and volunteers with a login).
    for person in ctx.people:
        claims = bool(person.member_status and person.member_status != "applicant") or person.id in volunteers
        if person.has_phone and (claims or person.partner_unit_id):
            ctx.helpers_by_community.setdefault(person.community, []).append(person)


def write_people(ctx: GenContext) -> None:
    tier, rng = ctx.tier, ctx.rng
    staff_ids = {p.id for p in ctx.secretaries.values()} | {p.id for ws in ctx.workers.values() for p in ws}
    staff_ids |= {p.id for p in ctx.extra["branch_secretaries"].values()}
    volunteers = ctx.extra["volunteers"]
    user_ids = IdAllocator(User)
    password = make_password(BENCH_PASSWORD)
    users = []
    registered_at = ctx.extra["registered_at"]
    for offset, person in enumerate(ctx.people):
        if not person.has_phone:
            continue
        wants = (
            person.id in staff_ids
            or person.id in volunteers
            or bool(person.member_status)
            or person.partner_unit_id is not None
            or rng.random() < tier.account_share * (0.5 if person.birth_year < 1955 else 1.2)
        )
        if not wants:
            continue
        person.user_id = user_ids.take()
        joined = registered_at[offset] + ctx.lognormal_hours(24 * 20, 1.5)
        joined = min(joined, ctx.end - dt.timedelta(days=1))
        users.append(
            [
                person.user_id,
                password,
                None,
                False,
                f"u{rng.getrandbits(64):016x}",
                True,
                False,
                False,
                False,
                joined,
                joined,
                False,  # must_change_password
            ]
        )
    roles = _role_rows(ctx)
    staff_people = {r[0] for r in roles if ROLE_SPECS[r[1]].is_staff}
    staff_users = {p.user_id for p in ctx.people if p.id in staff_people}
    for user in users:
        user[7] = user[0] in staff_users  # needs_second_factor, as _account_sync_flags sets it
    write_rows(
        User,
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "handle",
            "is_active",
            "is_staff",
            "needs_second_factor",
            "is_demo",
            "date_joined",
            "password_changed_at",
            "must_change_password",
        ],
        users,
    )
    identities, addresses = ctx.extra.pop("identity"), ctx.extra.pop("addresses")

    def person_rows():  # type: ignore[no-untyped-def]
        for offset, person in enumerate(ctx.people):
            id_number, phone = identities[offset]
            id_number = normalize_id_number(id_number)
            phone = normalize_phone(phone) if phone else ""
            at = registered_at[offset]
            yield (
                person.id,
                person.full_name,
                gender_from_id_number(id_number),
                birth_date_from_id_number(id_number).year,
                phone,
                blind_index("phone", phone) if phone else None,
                id_number,
                blind_index("id_number", id_number),
                addresses[offset],
                "",
                "zh-hans",
                person.home_id,
                person.shows_full_name,
                person.user_id,
                True,
                at,
                at,
            )

    write_rows(
        Person,
        [
            "id",
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "phone_index",
            "id_number",
            "id_number_index",
            "address",
            "email",
            "preferred_language",
            "home_unit",
            "shows_full_name",
            "user",
            "is_active",
            "created_at",
            "updated_at",
        ],
        person_rows(),
    )
    memberships, membership_ids = [], IdAllocator(PartyMembership)
    for offset, person in enumerate(ctx.people):
        if person.member_status:
            joined = dt.date(max(person.birth_year + 19, rng.randint(1970, ctx.end.year - 1)), rng.randint(1, 12), 1)
            at = registered_at[offset]
            memberships.append(
                (membership_ids.take(), person.id, person.branch_id, person.member_status, joined.isoformat(), at, at)
            )
    write_rows(
        PartyMembership, ["id", "person", "branch", "status", "joined_on", "created_at", "updated_at"], memberships
    )
    profiles, profile_ids = [], IdAllocator(VolunteerProfile)
    for person in ctx.people:
        if person.id in volunteers:
            at = registered_at[person.id - ctx.people[0].id] + ctx.lognormal_hours(24 * 60, 1.0)
            at = min(at, ctx.end)
            profiles.append((profile_ids.take(), person.id, person.skills, person.availability, at, at))
    write_rows(VolunteerProfile, ["id", "person", "skills", "availability", "created_at", "updated_at"], profiles)
    write_rows(
        RoleAssignment,
        ["id", "person", "role", "unit", "granted_by", "created_at", "updated_at"],
        [(i, *r) for i, r in zip(range(IdAllocator(RoleAssignment).next_id, 10**12), roles, strict=False)],
    )
    ctx.counts.update(
        people=len(ctx.people),
        accounts=len(users),
        party_memberships=len(memberships),
        volunteer_profiles=len(profiles),
        role_assignments=len(roles),
    )


def _role_rows(ctx: GenContext) -> list[tuple]:
    """(person, role, unit, granted_by, created, updated) as the services grant them."""
    rows: list[tuple] = []
    at = ctx.start
    volunteers = ctx.extra["volunteers"]
    community_ids = [c.id for c in ctx.communities]
    for person in ctx.people:
        rows.append((person.id, Role.RESIDENT, person.home_id, None, at, at))
        if person.member_status:
            rows.append((person.id, Role.PARTY_MEMBER, person.branch_id, None, at, at))
        if person.id in volunteers:
            rows.append((person.id, Role.VOLUNTEER, community_ids[person.community], None, at, at))
        if person.partner_unit_id:
            rows.append((person.id, Role.PARTNER_CONTACT, person.partner_unit_id, None, at, at))
    for index, secretary in ctx.secretaries.items():
        rows.append((secretary.id, Role.COMMUNITY_SECRETARY, community_ids[index], None, at, at))
        for worker in ctx.workers[index]:
            rows.append((worker.id, Role.COMMUNITY_WORKER, community_ids[index], None, at, at))
    for branch_id, secretary in ctx.extra["branch_secretaries"].items():
        rows.append((secretary.id, Role.BRANCH_SECRETARY, branch_id, None, at, at))
    assert ctx.street is not None
    admin = ctx.secretaries[0]
    rows.append((admin.id, Role.STREET_ADMIN, ctx.street.id, None, at, at))
    return rows


def generate(ctx: GenContext) -> None:
    from tools.bench.gen.personas import reserved_phones

    build_tree(ctx)
    build_people(ctx, reserved_phones())
    assign_roles(ctx)
    write_people(ctx)
