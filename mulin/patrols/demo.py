"""River patrols for the Daguan demo street: 胜利河 and 上塘河 with their responsibility segments,
the folk river chief 汪孙聚 (13800000004) of 德胜社区第十支部 as primary of 德胜社区's segments and
the branch itself as their backup. Built through the real services; idempotent (a river that
exists already is left as it is)."""

from __future__ import annotations

from mulin.core.crypto import blind_index
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person
from mulin.patrols import services
from mulin.patrols.models import River, Segment, SegmentClaim

CHIEF_PHONE = "13800000004"
BRANCH = "德胜社区第十支部"

# river, description, [(segment, community, plan in days, course)]
RIVERS: list[tuple[str, str, list[tuple[str, str, int, list[list[float]]]]]] = [
    (
        "胜利河",
        "自京杭大运河向东流经德胜、南苑社区的城市河道，民间河长每天巡河、写巡河日记。",
        [
            ("德胜桥—胜利桥段", "德胜社区", 1, [[30.2986, 120.1431], [30.2990, 120.1447], [30.2994, 120.1462]]),
            ("胜利桥—南苑段", "南苑社区", 1, [[30.2994, 120.1462], [30.3003, 120.1480], [30.3012, 120.1496]]),
        ],
    ),
    (
        "上塘河",
        "杭州最古老的人工河之一，流经德胜、上塘社区，两岸有亲水步道。",
        [
            ("德胜段", "德胜社区", 1, [[30.2978, 120.1452], [30.2985, 120.1471], [30.2991, 120.1489]]),
            ("上塘段", "上塘社区", 2, [[30.3020, 120.1580], [30.3029, 120.1597], [30.3038, 120.1613]]),
        ],
    ),
]


def _person(phone: str) -> Person | None:
    return Person.objects.filter(phone_index=blind_index("phone", phone)).first()


def seed_demo_patrols(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """The rivers, segments and claims; return how many segments were added."""
    street = OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET).order_by("path").first()
    if street is None:
        return 0
    communities = {
        unit.name: unit for unit in OrgUnit.objects.filter(path__startswith=street.path, kind=OrgUnit.Kind.COMMUNITY)
    }
    branch = OrgUnit.objects.filter(path__startswith=street.path, kind=OrgUnit.Kind.BRANCH, name=BRANCH).first()
    chief = _person(CHIEF_PHONE)
    system = Actor.system()
    added = 0
    for river_name, description, segments in RIVERS:
        if River.objects.filter(street=street, name=river_name).exists():
            continue
        river = services.river_save(
            actor=system, street=street, name=river_name, description=description, folk_chief=chief
        )
        for name, community_name, days, course in segments:
            community = communities.get(community_name)
            if community is None:
                continue
            segment = services.segment_save(
                actor=system, river=river, community=community, name=name, coordinates=course, patrol_every_days=days
            )
            added += 1
            if community_name == "德胜社区":
                _claim_for_chief(segment, chief, branch)
    return added


def _claim_for_chief(segment: Segment, chief: Person | None, branch: OrgUnit | None) -> None:
    if chief is not None and chief.user_id is not None:
        services.segment_claim(actor=actor_for_person(chief), segment=segment, role=SegmentClaim.Role.PRIMARY)
    if branch is not None:
        services.segment_claim(actor=Actor.system(), segment=segment, role=SegmentClaim.Role.BACKUP, branch=branch)
