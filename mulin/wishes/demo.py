"""A believable wish wall for the Daguan demo street: dozens of wishes in every state across the
communities, with honours for the demo party members (汪孙聚, 李建国, 赵敏, 孙小燕, 吴红英 …).

Built through the real services, then moved back in time so the wall spans the last two months;
the rollup is rebuilt from the moved timestamps at the end. Idempotent: does nothing if the street
already has wishes. Deterministic: the same seed gives the same wall.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q
from mulin.points.defaults import ensure_default_rules
from mulin.points.models import PointRule
from mulin.wishes.defaults import ensure_default_categories
from mulin.wishes.models import Wish, WishCategory, WishEvent
from mulin.wishes.services import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_publish,
    wish_reject,
    wish_submit,
    wish_withdraw,
)
from mulin.wishes.stats import wish_rollup_reconcile

S = Wish.Status
SEED = 20191001

# category code → (title, details) a resident might write
WISHES = {
    "daily-life": [
        ("代买一周的米和油", "腿脚不便，下楼不方便，想请人帮忙买一袋米和一桶油。"),
        ("帮忙取快递送上楼", "快递放在小区门口驿站，六楼没有电梯。"),
        ("陪同去银行办理社保卡", "一个人去怕弄不清楚手续。"),
        ("帮忙清理阳台杂物", "阳台堆了很多旧纸箱，想清理出来。"),
        ("代缴水电燃气费", "不会用手机缴费。"),
    ],
    "elderly": [
        ("陪独居老人聊聊天", "老伴走了以后家里很冷清，希望有人周末来坐坐。"),
        ("上门为老人理发", "行动不便，出不了门。"),
        ("帮忙把手机字调大", "看不清手机上的字。"),
        ("陪同去社区医院复诊", "每月一次复诊，子女在外地。"),
    ],
    "study": [
        ("孩子暑期数学辅导", "初二数学，每周两次，每次一小时。"),
        ("教我用智能手机视频通话", "想和外地的孙子视频。"),
        ("借几本初中课外读物", "孩子喜欢看书，家里书不多。"),
        ("辅导孩子英语口语", "小学五年级，想练练口语。"),
    ],
    "health": [
        ("上门量血压讲解用药", "新换了降压药，不太清楚怎么吃。"),
        ("代购降压药送上门", "常吃的药快吃完了。"),
        ("想做一次骨密度检测", "听说社区有义诊，想预约。"),
        ("术后康复训练指导", "膝盖手术后需要做康复训练。"),
    ],
    "repair": [
        ("厨房水龙头漏水", "一直滴水，关不紧。"),
        ("窗户把手坏了", "北边窗户关不上，冬天漏风。"),
        ("卫生间灯泡坏了", "灯座太高，自己够不着。"),
        ("修理老式收音机", "用了三十年的收音机不响了，舍不得扔。"),
        ("电动车充电器坏了", "不知道去哪里修。"),
    ],
    "culture": [
        ("想学写毛笔字", "退休了想练练书法。"),
        ("请人帮忙写一副春联", "手抖写不了了。"),
        ("想加入社区合唱团", "不知道怎么报名，希望有人带一带。"),
    ],
    "other": [
        ("借一台轮椅用两周", "家人摔伤了，需要临时用一下。"),
        ("帮忙找走失的橘猫", "前天从家里跑出去了，黄白相间。"),
        ("想拍一张全家福", "一家人很多年没有一起拍照了。"),
    ],
}
NOTES = [
    "已上门处理好，顺便检查了其他水管。",
    "已经送到家里，老人很高兴。",
    "陪老人办完了手续，全程很顺利。",
    "上门两次，问题已经解决。",
    "和家属一起完成了，留了联系方式方便以后有事再找。",
]
THANKS = [
    "谢谢党员同志，帮了大忙！",
    "非常感谢，服务很贴心。",
    "谢谢你们，社区就像一家人。",
    "修得很好，师傅很耐心。",
    "太感谢了，下次我也想当志愿者。",
]
REJECTIONS = [
    "属于物业维修范围，已转交物业服务中心处理。",
    "与已有心愿重复，已合并。",
    "需求不够明确，已电话联系居民重新提交。",
]
# state, how many, the claimant pool to use
PLAN = [
    (S.CLOSED, 22),
    (S.FULFILLED, 6),
    (S.CLAIMED, 9),
    (S.PUBLISHED, 11),
    (S.SUBMITTED, 6),
    (S.REJECTED, 3),
    (S.WITHDRAWN, 3),
]
# Demo helpers (phone of a demo account, or the name of a named person) and how many honours each
# should earn first; the rest of the claims go to party members and volunteers of the population.
HONOURED = ["13800000004", "13800000004", "13800000004", "13800000004", "13800000003", "13800000003"]
HONOURED += ["13800000006", "13800000006", "13800000007", "13800000007", "吴红英", "吴红英"]


@dataclass
class _Timeline:
    created: dt.datetime
    published: dt.datetime
    claimed: dt.datetime
    fulfilled: dt.datetime
    closed: dt.datetime


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A small generated picture (no real person, no metadata)."""
    image = Image.new("RGB", (480, 360), tuple(rng.randint(150, 235) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 400), rng.randint(0, 280)
        draw.rectangle(
            [x, y, x + rng.randint(30, 120), y + rng.randint(20, 90)],
            fill=tuple(rng.randint(60, 200) for _ in range(3)),
        )
    draw.ellipse([190, 130, 290, 230], fill=(183, 28, 28))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _people_by_phone_or_name(keys: set[str]) -> dict[str, Person]:
    from mulin.core.crypto import blind_index

    found = {}
    for key in keys:
        person = (
            Person.objects.filter(phone_index=blind_index("phone", key)).first()
            if key.isdigit()
            else Person.objects.filter(full_name=key).order_by("id").first()
        )
        if person is not None:
            found[key] = person
    return found


def _residents(community: OrgUnit, exclude: set[int], count: int) -> list[Person]:
    return list(
        # Residents without accounts: the demo accounts (staff, the auditor …) are not wishers.
        Person.objects.filter(subtree_q("home_unit__path", community.path), is_active=True, user__isnull=True)
        .exclude(pk__in=exclude)
        .filter(party_membership__isnull=True)
        .order_by("id")[:count]
    )


def _helpers(community: OrgUnit, exclude: set[int], count: int) -> list[Person]:
    return list(
        Person.objects.filter(
            Q(subtree_q("party_membership__branch__path", community.path)) | Q(volunteer_profile__isnull=False),
            subtree_q("home_unit__path", community.path),
            is_active=True,
        )
        .exclude(pk__in=exclude)
        .order_by("id")[:count]
    )


def _staff(community: OrgUnit, fallback: Person) -> Person:
    from mulin.organizations.models import Role, RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(unit=community, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER])
        .select_related("person")
        .order_by("role", "id")
        .first()
    )
    return assignment.person if assignment is not None else fallback


def _backdate(wish: Wish, times: _Timeline) -> None:
    """Move a wish and its timeline back to `times` (demo only; the services always use now)."""
    fields = {"created_at": times.created, "updated_at": times.closed}
    for field, value in (
        ("published_at", times.published),
        ("listed_at", times.published),
        ("first_claimed_at", times.claimed),
        ("claimed_at", times.claimed),
        ("fulfilled_at", times.fulfilled),
        ("closed_at", times.closed),
        ("withdrawn_at", times.closed),
    ):
        if getattr(wish, field) is not None:
            fields[field] = value
    Wish.objects.filter(pk=wish.pk).update(**fields)
    by_verb: dict[str, dt.datetime] = {
        WishEvent.Verb.SUBMITTED: times.created,
        WishEvent.Verb.ENTERED: times.created,
        WishEvent.Verb.PUBLISHED: times.published,
        WishEvent.Verb.REJECTED: times.published,
        WishEvent.Verb.CLAIMED: times.claimed,
        WishEvent.Verb.FULFILLED: times.fulfilled,
        WishEvent.Verb.CONFIRMED: times.closed,
        WishEvent.Verb.WITHDRAWN: times.closed,
    }
    for event in WishEvent.objects.filter(wish=wish):
        WishEvent.objects.filter(pk=event.pk).update(created_at=by_verb.get(event.verb, times.closed))
    wish.refresh_from_db()


def _timeline(rng: random.Random, status: str, now: dt.datetime) -> _Timeline:
    hours = dt.timedelta(hours=1)
    if status == S.CLAIMED:  # claimed 1–6 days ago, one a little longer (a reminder is due)
        claimed = now - hours * rng.randint(20, 150)
        published = claimed - hours * rng.randint(3, 60)
    elif status == S.PUBLISHED:  # on the wall for up to five days (some past the three-day alert)
        published = now - hours * rng.randint(4, 120)
        claimed = now
    else:
        published = now - dt.timedelta(days=rng.randint(8, 60)) - hours * rng.randint(0, 23)
        claimed = published + hours * rng.randint(2, 72)
    created = published - hours * rng.randint(2, 30)
    fulfilled = claimed + hours * rng.randint(20, 120)
    closed = fulfilled + hours * rng.randint(3, 40)
    if status in (S.SUBMITTED,):
        created = now - hours * rng.randint(2, 60)
    return _Timeline(created, published, claimed, min(fulfilled, now), min(closed, now))


def seed_demo_wishes(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """Fill the demo wall; return how many wishes were added (0 if there were wishes already)."""
    street = OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET).order_by("path").first()
    if street is None or Wish.objects.filter(subtree_q("scope_path", street.path)).exists():
        return 0
    ensure_default_categories(WishCategory)
    ensure_default_rules(PointRule)
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    now = timezone.now()
    communities = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY).filter(subtree_q("path", street.path)).order_by("path")
    )
    demo = _people_by_phone_or_name({*HONOURED, "13800000001", "13800000005"})
    admin = demo.get("13800000001")
    categories = {c.code: c for c in WishCategory.objects.filter(is_active=True)}
    used: set[int] = {p.pk for p in demo.values()}
    honours = [demo[key] for key in HONOURED if key in demo]
    titles = [(code, title, text) for code, items in WISHES.items() for title, text in items]
    rng.shuffle(titles)
    plan = [status for status, count in PLAN for _ in range(count)]
    rng.shuffle(plan)
    # The demo resident 王秀英 gets a fulfilled-and-thanked wish from 汪孙聚 and one still on the wall.
    resident = demo.get("13800000005")
    if resident is not None:
        plan[0], plan[1] = S.CLOSED, S.PUBLISHED
    # Walk the wishes in the order they were posted, so ledger entries are booked in time order.
    timelines = [_timeline(rng, status, now) for status in plan]
    order = sorted(range(len(plan)), key=lambda i: timelines[i].created)
    added = 0
    for index in order:
        status, times = plan[index], timelines[index]
        community = communities[index % len(communities)]
        wishers = [resident] if index in (0, 1) and resident is not None else _residents(community, used, 1)
        if not wishers:
            continue
        wisher = wishers[0]
        used.add(wisher.pk)
        home_community = community if wisher is not resident else next(c for c in communities if c.name == "南苑社区")
        staff = _staff(home_community, admin) if admin else None
        staff_actor = actor_for_person(staff) if staff else actor
        code, title, text = titles[index % len(titles)]
        offline = wisher.user_id is None and rng.random() < 0.5 and staff is not None
        wish = wish_submit(
            actor=staff_actor if offline else actor_for_person(wisher),
            wisher=wisher if offline else None,
            title=title,
            description=text,
            category=categories[code],
            shows_full_name=rng.random() < 0.2,
            preferred_time=rng.choice(["", "weekday_morning", "weekend_morning", "weekday_afternoon"]),
        )
        if status == S.REJECTED:
            wish_reject(actor=staff_actor, wish=wish, reason=rng.choice(REJECTIONS))
        elif status != S.SUBMITTED:
            wish_publish(actor=staff_actor, wish=wish)
            if status == S.WITHDRAWN:
                wish_withdraw(
                    actor=staff_actor if offline else actor_for_person(wisher), wish=wish, reason="问题已经自己解决了"
                )
            elif status in (S.CLAIMED, S.FULFILLED, S.CLOSED):
                if index == 0 and "13800000004" in demo:
                    claimant = demo["13800000004"]
                elif honours and status != S.CLAIMED:
                    claimant = honours.pop(0)
                else:
                    pool = _helpers(home_community, {wisher.pk}, 12)
                    claimant = rng.choice(pool) if pool else demo.get("13800000006", wisher)
                wish_claim(actor=actor_for_person(claimant), wish=wish)
                if status in (S.FULFILLED, S.CLOSED):
                    wish_fulfil(
                        actor=actor_for_person(claimant),
                        wish=wish,
                        note=rng.choice(NOTES),
                        photos=[_photo(rng, f"demo-{index}.jpg")],
                        hours=Decimal(rng.choice([1, 1.5, 2, 2, 3])),
                    )
                    _backdate(wish, times)  # before confirming, so the ledger books the service date
                    if status == S.CLOSED:
                        confirmer = staff_actor if offline else actor_for_person(wisher)
                        wish_confirm(
                            actor=confirmer, wish=wish, rating=rng.choice([5, 5, 5, 4]), thanks=rng.choice(THANKS)
                        )
        _backdate(wish, times)
        added += 1
    wish_rollup_reconcile(fix=True)
    return added
