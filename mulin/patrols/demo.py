"""River patrols for the Daguan demo street: 胜利河 and 上塘河 with their responsibility segments,
the folk river chief 汪孙聚 (13800000004) of 德胜社区第十支部 as primary of 德胜社区's segments and
the branch itself as their backup. Built through the real services; idempotent (a river that
exists already is left as it is)."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from mulin.core.crypto import blind_index
from mulin.organizations.models import OrgUnit, Person, Role, RoleAssignment
from mulin.organizations.scoping import Actor, actor_for_person
from mulin.patrols import services
from mulin.patrols.models import Campaign, PatrolLog, River, Segment, SegmentClaim
from mulin.workorders.models import ExternalDepartment, WorkOrder, WorkOrderCategory

SEED = 20190810
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
    return added + _diary(street, chief) + _lekima(street)


def _claim_for_chief(segment: Segment, chief: Person | None, branch: OrgUnit | None) -> None:
    if chief is not None and chief.user_id is not None:
        services.segment_claim(actor=actor_for_person(chief), segment=segment, role=SegmentClaim.Role.PRIMARY)
    if branch is not None:
        services.segment_claim(actor=Actor.system(), segment=segment, role=SegmentClaim.Role.BACKUP, branch=branch)


# A year of the folk river chief's diary: the river gets clearer, with less litter and smell.
DIARY_DAYS = 365
DIARY_NOTES = [
    "河面有少量塑料袋，已用网兜打捞。",
    "岸边有钓鱼的人，已劝离。",
    "水质比上月好转，能看到小鱼。",
    "排口无异常排放。",
    "护栏完好，步道干净。",
    "河面有落叶，保洁船上午已清理。",
]
PROBLEMS: list[tuple[int, str, str, str, bool]] = [
    # (days ago, category, title, details, walk to closed?)
    (18, "river-litter", "胜利河德胜桥下漂浮垃圾较多", "桥洞下聚集了一片塑料瓶和泡沫，需要保洁船打捞。", True),
    (9, "river-outfall", "上塘河德胜段排口有浑水流出", "下午三点左右排口有灰色浑水流出，有异味。", True),
    (2, "river-bank", "胜利河步道护栏松动", "德胜桥东侧约30米处护栏松动，有安全隐患。", False),
]


def _reading(rng: random.Random, progress: float) -> dict[str, Any]:
    """A checklist that improves as `progress` goes from 0 (a year ago) to 1 (today)."""
    clarity = int(25 + 55 * progress + rng.randint(-8, 8))
    litter = max(0, min(3, round(2.4 - 2.4 * progress + rng.uniform(-0.6, 0.6))))
    smell = max(0, min(2, round(1.3 - 1.5 * progress + rng.uniform(-0.4, 0.4))))
    colours = ["brown", "yellowish", "greenish", "clear"]
    colour = colours[max(0, min(3, int(progress * 3.6 + rng.uniform(-0.5, 0.5))))]
    return {
        "water_colour": colour,
        "clarity_cm": max(5, clarity),
        "floating_litter": litter,
        "smell": smell,
        "outfall_discharge": rng.random() < 0.04 * (1 - progress),
        "bank_damage": False,
        "illegal_fishing": rng.random() < 0.05,
    }


def _diary(street: OrgUnit, chief: Person | None) -> int:
    """Daily patrols of 德胜社区's segments by the folk river chief over the past year."""
    if chief is None or chief.user_id is None:
        return 0
    segments = list(
        Segment.objects.filter(river__street=street, community__name="德胜社区").select_related("river", "community")
    )
    if not segments or PatrolLog.objects.filter(segment__in=segments).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    actor = actor_for_person(chief)
    today = timezone.localtime().replace(hour=7, minute=0, second=0, microsecond=0)
    added = 0
    problems = {days: (code, title, details) for days, code, title, details, _close in PROBLEMS}
    for days_ago in range(DIARY_DAYS, 0, -1):
        progress = 1 - days_ago / DIARY_DAYS
        for index, segment in enumerate(segments):
            started = today - dt.timedelta(days=days_ago) + dt.timedelta(minutes=50 * index + rng.randint(0, 20))
            problem = None
            if index == 0 and days_ago in problems:
                code, title, details = problems[days_ago]
                category = WorkOrderCategory.objects.filter(code=code).first()
                problem = services.Problem(category, title, details) if category else None
            services.patrol_log_create(
                actor=actor,
                segment=segment,
                started_at=started,
                ended_at=started + dt.timedelta(minutes=rng.randint(35, 55)),
                checklist=services.Checklist(**_reading(rng, progress)),
                notes=rng.choice(DIARY_NOTES) if rng.random() < 0.5 else "",
                photos=[_photo(rng)] if problem is not None or days_ago % 30 == 0 else [],
                problem=problem,
                backdate_days=DIARY_DAYS + 1,
            )
            added += 1
    _walk_problems(street)
    return added


def _walk_problems(street: OrgUnit) -> None:
    """Take the diary's problems through the loop: the older two fixed and closed."""
    from mulin.workorders import services as workorders

    office = ExternalDepartment.objects.filter(street=street, code="river-office").first()
    closing = {title for _days, _code, title, _details, close in PROBLEMS if close}
    orders = WorkOrder.objects.filter(title__in=closing, status=WorkOrder.Status.REPORTED).select_related("community")
    for order in orders:
        staff = _staff_of(order.community)
        reporter = actor_for_person(order.reporter) if order.reporter else staff
        workorders.work_order_accept(actor=staff, order=order)
        workorders.work_order_dispatch(actor=staff, order=order, party=office or order.community)
        workorders.work_order_start(actor=staff, order=order)
        workorders.work_order_resolve(
            actor=staff,
            order=order,
            note="已清理完毕。",
            photos=[_photo(random.Random(order.pk))],  # noqa: S311
        )
        workorders.work_order_verify(actor=reporter, order=order)
        workorders.work_order_close(actor=staff, order=order)


def _staff_of(community: OrgUnit) -> Actor:
    assignment = (
        RoleAssignment.objects.filter(unit=community, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER])
        .select_related("person")
        .order_by("role", "id")
        .first()
    )
    return actor_for_person(assignment.person) if assignment is not None else Actor.system()


def _photo(rng: random.Random) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 320), (70 + rng.randint(0, 40), 120 + rng.randint(0, 40), 150))
    draw = ImageDraw.Draw(image)
    draw.line([(0, 200), (480, 180 + rng.randint(-20, 20))], fill=(40, 90, 60), width=30)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("patrol.jpg", buffer.getvalue(), content_type="image/jpeg")


LEKIMA = "抗击第9号台风“利奇马”隐患排查"
LEKIMA_FINDINGS = [
    # compound, hazards found, notes, a hazard to fix (category, title) or None
    ("西五苑", ["loose-objects", "trees"], "阳台外有花盆，东门香樟有断枝。", ("fallen-tree", "东门香樟断枝悬挂")),
    ("西五苑", ["drains"], "地下车库入口雨水篦子有落叶堵塞，已清理。", None),
    ("西六苑", ["hoardings"], "沿街店铺广告牌一角松动。", ("hoarding", "西六苑沿街店铺广告牌松动")),
    ("西六苑", [], "复查：各楼道无堆放，排水通畅。", None),
]  # fmt: skip


def _lekima(street: OrgUnit) -> int:
    """Typhoon Lekima (No. 9, August 2019) across 西二社区's compounds: inspections by the
    community's party members, hazards turned into work orders, closed with a summary."""
    community = OrgUnit.objects.filter(
        path__startswith=street.path, kind=OrgUnit.Kind.COMMUNITY, name="西二社区"
    ).first()
    if community is None or Campaign.objects.filter(unit=community, title=LEKIMA).exists():
        return 0
    compounds = {c.name: c for c in OrgUnit.objects.filter(parent=community, kind=OrgUnit.Kind.COMPOUND)}
    if not compounds:
        return 0
    members = [
        assignment.person
        for assignment in RoleAssignment.objects.filter(
            role=Role.PARTY_MEMBER, unit__path__startswith=community.path
        ).select_related("person")[:4]
    ]
    staff = _staff_of(community)
    campaign = services.campaign_create(
        actor=staff,
        unit=community,
        title=LEKIMA,
        description="台风“利奇马”来临前，党员志愿者分片排查高空坠物、树木、排水、地下室和广告牌等隐患，发现问题即时上报处置。",
        compounds=list(compounds.values()),
        starts_on=dt.date(2019, 8, 8),
        ends_on=dt.date(2019, 8, 11),
    )
    for index, (name, found, notes, hazard) in enumerate(LEKIMA_FINDINGS):
        compound = compounds.get(name)
        if compound is None or not members:
            continue
        hazards = []
        if hazard is not None:
            category = WorkOrderCategory.objects.filter(code=hazard[0]).first()
            if category is not None:
                hazards.append(services.Hazard(category, hazard[1]))
        services.inspection_create(
            actor=actor_for_person(members[index % len(members)]),
            campaign=campaign,
            compound=compound,
            found=found,
            notes=notes,
            hazards=hazards,
        )
    services.campaign_close(
        actor=staff,
        campaign=campaign,
        summary="共排查西五苑、西六苑2个小区，发现隐患5处，现场整改2处，转工单2件；台风期间小区无人员伤亡。",
    )
    return 1
