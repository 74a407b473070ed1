"""The accounts the harness signs in with, created through the product's own services
(person_register, role_grant, account_create), in the tier's largest community.

- community workers (staff: password plus a TOTP second factor whose key the manifest holds);
- residents with a login, who post wishes (W3).

Several of each so that concurrent load uses distinct sessions, as real users do (one shared
session would serialise every request on its session row)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from mulin.core.normalizers import id_number_check_digit
from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.scoping import Actor
from mulin.organizations.services import account_create, person_register, role_grant
from tools.bench.gen.context import GenContext
from tools.bench.gen.organizations import BENCH_PASSWORD

WORKERS = 8
RESIDENTS = 8
PHONE_PREFIX = "1990000"


def reserved_phones() -> set[str]:
    return {f"{PHONE_PREFIX}{n:04d}" for n in range(1, WORKERS + RESIDENTS + 1)}


def _id_number(n: int, female: bool) -> str:
    """A valid ID number outside the generated population's region code (330106, not 330105)."""
    sequence = 100 + n * 2 + (0 if female else 1)
    first17 = f"330106{1970 + n % 25}{1 + n % 12:02d}{1 + n % 28:02d}{sequence:03d}"
    return first17 + id_number_check_digit(first17)


def generate(ctx: GenContext) -> None:
    system = Actor.system()
    index = max(ctx.residents_by_community, key=lambda i: len(ctx.residents_by_community[i]))
    community = OrgUnit.objects.get(pk=ctx.communities[index].id)
    compound = OrgUnit.objects.get(pk=ctx.compounds[index][0].id)
    building = OrgUnit.objects.filter(parent=compound, kind=OrgUnit.Kind.BUILDING).order_by("path").first()
    assert building is not None
    rng = ctx.rng
    workers, residents = [], []
    for n in range(1, WORKERS + RESIDENTS + 1):
        is_worker = n <= WORKERS
        phone = f"{PHONE_PREFIX}{n:04d}"
        person = person_register(
            actor=system,
            full_name=("测试社工" if is_worker else "测试居民") + f"{n:02d}",
            home_unit=building,
            phone=phone,
            id_number=_id_number(n, female=bool(n % 2)),
            address=f"{compound.name}1幢1单元{100 + n}室",
        )
        if is_worker:
            role_grant(actor=system, person=person, role=Role.COMMUNITY_WORKER, unit=community)
        account_create(actor=system, person=person, password=BENCH_PASSWORD)
        person.refresh_from_db()
        entry = {"phone": phone, "person_id": person.pk, "user_id": person.user_id}
        if is_worker:
            key = f"{rng.getrandbits(160):040x}"
            TOTPDevice.objects.create(user_id=person.user_id, name="default", key=key, confirmed=True)
            entry["totp_key"] = key
            workers.append(entry)
        else:
            residents.append(entry)
    ctx.extra["personas"] = {
        "password": BENCH_PASSWORD,
        "community_id": community.pk,
        "community_path": community.path,
        "workers": workers,
        "residents": residents,
    }
    ctx.counts["bench personas"] = len(workers) + len(residents)
    _ = Person  # the persons are created by person_register
