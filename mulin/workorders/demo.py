"""Work orders for the Daguan demo street: the external departments of 大关街道 and a handful of
orders in every state — reported by residents, sent to property managements, a partner unit and
the city-management squad, one overdue, one closed as a duplicate — so each page has something to
show. The demo resident 王秀英 (13800000005) has one closed order she rated and one fixed order
waiting for her check. River problems come with the patrol diaries (mulin/patrols/demo.py).

Built through the real services, then moved back in time. Idempotent (does nothing when the
street already has work orders) and deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from mulin.core.crypto import blind_index
from mulin.organizations.models import OrgUnit, Person, Role, RoleAssignment
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q
from mulin.workorders import services
from mulin.workorders.defaults import ensure_default_categories
from mulin.workorders.models import ExternalDepartment, WorkOrder, WorkOrderCategory, WorkOrderEvent

SEED = 20190810
S = WorkOrder.Status

# code, Chinese name, English name, office telephone
DEPARTMENTS = [
    ("river-office", "拱墅区河道监管中心", "Gongshu District river office", ""),
    ("city-management", "大关街道城管中队", "Daguan city-management squad", ""),
    ("greening", "拱墅区园林绿化管理所", "Gongshu parks and greening office", ""),
    ("water", "杭州水务大关营业所", "Hangzhou Water, Daguan office", ""),
    ("hotline", "拱墅区12345热线", "Gongshu 12345 hotline", "12345"),
]

# (reporter: a demo phone or "" for a resident of the compound), compound, category, title, details,
# final status, party (a department code or a unit name), days ago reported
ORDERS: list[tuple[str, str, str, str, str, str, str, int]] = [
    ("13800000005", "南八苑", "facility-damage", "南八苑5幢楼道灯不亮", "二楼到四楼的楼道灯都不亮，晚上上下楼很危险。",
     S.CLOSED, "南八苑物业服务中心", 40),
    ("13800000005", "南八苑", "sanitation", "南八苑驿站边绿化带杂草丛生、蚊虫多",
     "绿化带长得太高，挡住一楼采光，夏天蚊子特别多。", S.RESOLVED, "南八苑物业服务中心", 12),
    ("", "集翠源", "sanitation", "集翠源3号垃圾分类点周边散落垃圾", "晚上投放时间过后，垃圾桶边上有很多散落的垃圾袋。",
     S.DISPATCHED, "集翠源物业服务中心", 9),
    ("", "西八苑", "facility-damage", "西八苑北门井盖松动", "车开过去会响，担心有人踩空。", S.REPORTED, "", 0),
    ("", "东新园", "hoarding", "东新园沿街广告牌松动", "大风天广告牌晃得厉害，下面是人行道。",
     S.IN_PROGRESS, "city-management", 3),
    ("", "德胜新村", "drain-blocked", "德胜新村12幢前雨后积水", "下雨后路面积水很深，老人出门不方便。",
     S.CLOSED, "", 20),
    ("", "上塘苑", "facility-damage", "上塘苑健身器材损坏", "单杠的螺丝松了，小孩玩很危险。", S.ACCEPTED, "", 2),
    ("", "南七苑", "loose-objects", "南七苑7幢阳台花盆放在护栏外", "六楼阳台外沿摆着几个花盆，有坠落危险。",
     S.VERIFIED, "南苑社区", 6),
]  # fmt: skip


def _photo(rng: random.Random) -> SimpleUploadedFile:
    """A small generated picture (no real place or person, no metadata)."""
    image = Image.new("RGB", (480, 360), tuple(rng.randint(150, 235) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y = rng.randint(0, 400), rng.randint(0, 280)
        draw.rectangle([x, y, x + rng.randint(30, 120), y + rng.randint(20, 90)], fill=(60, 140, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _person(phone: str) -> Person | None:
    return Person.objects.filter(phone_index=blind_index("phone", phone)).first()


def _resident_of(compound: OrgUnit, rng: random.Random) -> Person | None:
    residents = list(
        Person.objects.filter(subtree_q("home_unit__path", compound.path), is_active=True, user__isnull=True)
        .filter(party_membership__isnull=True)
        .order_by("id")[:20]
    )
    return rng.choice(residents) if residents else None


def _staff_of(community: OrgUnit) -> Actor:
    assignment = (
        RoleAssignment.objects.filter(unit=community, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER])
        .select_related("person")
        .order_by("role", "id")
        .first()
    )
    return actor_for_person(assignment.person) if assignment is not None else Actor.system()


def _walk(order: WorkOrder, status: str, party: Any, staff: Actor, reporter: Actor, rng: random.Random) -> None:
    """Take a reported order through the services up to `status`."""
    if status == S.REPORTED:
        return
    if status == S.CLOSED and party is None:
        services.work_order_close_unfixed(
            actor=staff,
            order=order,
            resolution=WorkOrder.Resolution.DUPLICATE,
            reason="与城建科已受理的排水改造工单是同一处。",
        )
        return
    services.work_order_accept(actor=staff, order=order)
    if status == S.ACCEPTED:
        return
    services.work_order_dispatch(actor=staff, order=order, party=party)
    if status == S.DISPATCHED:
        return
    services.work_order_start(actor=staff, order=order)
    if status == S.IN_PROGRESS:
        return
    services.work_order_resolve(actor=staff, order=order, note="已安排人员上门处理，现场已整改。", photos=[_photo(rng)])
    if status == S.RESOLVED:
        return
    services.work_order_verify(actor=reporter, order=order, note="去看过了，处理好了。")
    if status == S.VERIFIED:
        return
    services.work_order_close(actor=staff, order=order)
    if order.reporter is not None and order.reporter.user_id is not None:
        services.work_order_rate(actor=reporter, order=order, fixed=True, satisfaction=5, comment="物业师傅很负责。")


def _backdate(order: WorkOrder, days: int) -> None:
    """Move an order back by `days`, its steps spread a day apart (demo only; the services use now)."""
    if days == 0:
        return
    shift = dt.timedelta(days=days)
    step = dt.timedelta(days=1)
    names = ("created_at", "accepted_at", "dispatched_at", "started_at", "resolved_at", "verified_at", "closed_at")
    fields: dict[str, Any] = {}
    for index, name in enumerate(names):
        value = getattr(order, name)
        if value is not None:
            fields[name] = value - shift + step * index
    if order.due_at is not None and order.dispatched_at is not None:
        fields["due_at"] = fields["dispatched_at"] + dt.timedelta(days=order.category.resolve_within_days)
    if order.rated_at is not None:
        fields["rated_at"] = fields["closed_at"] + dt.timedelta(hours=5)
    WorkOrder.objects.filter(pk=order.pk).update(**fields)
    for index, event in enumerate(order.events.order_by("id")):
        WorkOrderEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - shift + step * index)


def seed_demo_workorders(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """The street's departments and demo orders; return how many orders were added."""
    street = OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET).order_by("path").first()
    if street is None:
        return 0
    ensure_default_categories(WorkOrderCategory)
    for code, zh, en, phone in DEPARTMENTS:
        ExternalDepartment.objects.get_or_create(
            street=street, code=code, defaults={"name_zh_hans": zh, "name_en": en, "phone": phone}
        )
    if WorkOrder.objects.filter(subtree_q("scope_path", street.path), source_type__isnull=True).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    compounds = {
        unit.name: unit for unit in OrgUnit.objects.filter(subtree_q("path", street.path), kind=OrgUnit.Kind.COMPOUND)
    }
    parties = {unit.name: unit for unit in OrgUnit.objects.filter(subtree_q("path", street.path))}
    departments = {d.code: d for d in ExternalDepartment.objects.filter(street=street)}
    added = 0
    for phone, compound_name, code, title, details, status, party_key, days in ORDERS:
        compound = compounds.get(compound_name)
        if compound is None:
            continue
        reporter = _person(phone) if phone else _resident_of(compound, rng)
        if reporter is None:
            continue
        community = compound.parent
        assert community is not None
        staff = _staff_of(community)
        order = services.work_order_create(
            actor=staff if reporter.user_id is None else actor_for_person(reporter),
            reporter=reporter,
            category=WorkOrderCategory.objects.get(code=code),
            title=title,
            description=details,
            community=community,
            place=compound,
            photos=[_photo(rng)],
        )
        party = departments.get(party_key) or parties.get(party_key)
        _walk(order, status, party, staff, actor_for_person(reporter), rng)
        order.refresh_from_db()
        _backdate(order, days)
        added += 1
    return added
