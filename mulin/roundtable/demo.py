"""The roundtable for the Daguan demo street: topics residents raised at every level (a building,
compounds, a community matter escalated with reasons, one escalated to the street), neighbours who
joined them, and a duplicate merged into its original.

The 南八苑 green-belt case end to end (path 3 of the source): 王秀英 (13800000005) raised it, six
neighbours joined, a duplicate was merged in, it was escalated to 南苑社区; three roundtables —
hearing the positions of residents, 物业 and 业委会; an open-ballot vote for turning the belt into a
small garden; agreeing the upkeep by consensus — then the works as a work order for 南八苑物业服务中心
with two resident supervisors posting progress, and the neighbours' rating of 4.6.

Built through the real services. Idempotent (does nothing when the street has topics already) and
deterministic.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from mulin.core.crypto import blind_index
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q
from mulin.roundtable import services
from mulin.roundtable.cogov_demo import seed_demo_cogov
from mulin.roundtable.models import Topic
from mulin.roundtable.selectors import topic_people
from mulin.workorders import services as workorders
from mulin.workorders.models import WorkOrderCategory

K = OrgUnit.Kind

# (raiser: a demo phone or "" for a resident of the place), compound, building (or ""), title, text,
# escalations (reasons, one per level up), how many neighbours joined
TOPICS: list[tuple[str, str, str, str, str, list[str], int]] = [
    ("13800000005", "南八苑", "", "南八苑党建驿站边绿化带杂草丛生、挡光又招蚊子",
     "驿站旁边的绿化带多年没修剪，长得比一楼窗户还高，一楼整天晒不到太阳，夏天蚊子特别多。",
     ["小区物业说绿化带归属不清，需要社区协调"], 6),
    ("", "南八苑", "1", "南八苑1幢楼道堆放杂物", "楼道里堆了纸箱和旧家具，影响通行，也有消防隐患。", [], 2),
    ("", "南七苑", "", "南七苑电动车充电桩不够用", "晚上充电要排队，有人从楼上拉线充电，很危险。",
     ["充电桩要社区统一申请", "需要街道协调供电部门增容"], 9),
    ("", "集翠源", "", "集翠源小区夜间广场舞噪音扰民", "晚上九点以后音响还很大，影响老人和孩子休息。", [], 4),
    ("", "西八苑", "", "西八苑停车位紧张，外来车辆占位", "小区里经常停满外来车辆，居民下班回来没地方停。",
     ["需要社区和业委会、物业一起商量"], 5),
]  # fmt: skip
# (compound, title of the duplicate, title of its original): merged by the community's staff.
DUPLICATES = [("南八苑", "南八苑驿站旁边草太高，蚊虫多", "南八苑党建驿站边绿化带杂草丛生、挡光又招蚊子")]


def _person(phone: str) -> Person | None:
    return Person.objects.filter(phone_index=blind_index("phone", phone)).first()


def _residents_of(unit: OrgUnit, n: int) -> list[Person]:
    return list(Person.objects.filter(subtree_q("home_unit__path", unit.path), is_active=True).order_by("id")[: n + 1])


def seed_demo_roundtable(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """The street's demo topics and 南八苑's three-party meetings; return how many topics were added."""
    seed_demo_cogov(actor)
    return _seed_topics(actor)


def _seed_topics(actor: Actor) -> int:
    street = OrgUnit.objects.filter(kind=K.STREET).order_by("path").first()
    if street is None or Topic.objects.filter(subtree_q("scope_path", street.path)).exists():
        return 0
    compounds = {u.name: u for u in OrgUnit.objects.filter(subtree_q("path", street.path), kind=K.COMPOUND)}
    added: dict[str, Topic] = {}
    for phone, compound_name, building, title, text, reasons, joined in TOPICS:
        compound = compounds.get(compound_name)
        if compound is None:
            continue
        place = compound
        if building:
            place = OrgUnit.objects.filter(parent=compound, kind=K.BUILDING).order_by("path").first() or compound
        neighbours = _residents_of(place, joined)
        raiser = _person(phone) if phone else (neighbours[0] if neighbours else None)
        if raiser is None:
            continue
        topic = services.topic_raise(actor=actor_for_person(raiser), place=place, title=title, text=text)
        for neighbour in [n for n in neighbours if n.pk != raiser.pk][:joined]:
            services.topic_support(actor=actor_for_person(neighbour), topic=topic)
        for reason in reasons:
            topic = services.topic_escalate(actor=actor, topic=topic, reason=reason)
        added[title] = topic
    for compound_name, title, original in DUPLICATES:
        compound = compounds.get(compound_name)
        if compound is None or original not in added:
            continue
        raiser = _residents_of(compound, 12)[-1]
        duplicate = services.topic_raise(actor=actor_for_person(raiser), place=compound, title=title)
        services.topic_merge(actor=actor, topic=duplicate, into=added[original])
    green_belt = added.get(TOPICS[0][3])
    if green_belt is not None:
        _green_belt_case(actor, green_belt)
    return len(added)


def _green_belt_case(actor: Actor, topic: Topic) -> None:
    """Three roundtables, a vote, the works with supervision, and a rating of 4.6."""
    topic.refresh_from_db()
    community = topic.community
    now = timezone.now()
    people = topic_people(topic)
    first = services.meeting_schedule(
        actor=actor,
        community=community,
        title="南八苑百姓圆桌会（一）：驿站边绿化带怎么办",
        starts_at=now - dt.timedelta(days=60),
        location="南八苑党建驿站",
        topics=[topic],
        invite=_invitees(community),
    )
    services.meeting_record_attendance(
        actor=actor, meeting=first, present=list(first.participants.values_list("pk", flat=True))
    )
    services.meeting_record_minutes(
        actor=actor,
        meeting=first,
        minutes="居民反映绿化带挡光、蚊虫多；物业、业委会、社区分别发表意见，约定下次会议表决改造方案。",
        positions=[
            ("resident", "一楼居民：常年晒不到太阳，夏天蚊子太多，希望彻底整治。"),
            ("property", "物业：可以出人工修剪，但改造费用需要业委会同意。"),
            ("owners_committee", "业委会：同意使用部分公共收益，但要居民先定方案。"),
        ],
    )
    second = services.meeting_schedule(
        actor=actor,
        community=community,
        title="南八苑百姓圆桌会（二）：表决改造方案",
        starts_at=now - dt.timedelta(days=50),
        location="南八苑党建驿站",
        topics=[topic],
        invite=_invitees(community),
    )
    decision = services.decision_open_vote(
        actor=actor,
        meeting=second,
        topic=topic,
        question="驿站边绿化带如何改造？",
        options=["改造成居民小花园", "只做修剪", "维持现状"],
        ballot="open",
    )
    garden, trim = list(decision.options.order_by("order"))[:2]
    for index, person in enumerate(people):
        services.vote_cast(actor=actor_for_person(person), decision=decision, option=trim if index % 4 == 3 else garden)
    services.decision_close_vote(actor=actor, decision=decision)
    services.meeting_record_minutes(actor=actor, meeting=second, minutes="多数居民赞成改造成小花园。")
    topic.refresh_from_db()
    property_unit = OrgUnit.objects.filter(parent=topic.place, kind=K.PROPERTY_MANAGEMENT).first() or community
    supervisors = people[1:3]
    order = services.action_item_file(
        actor=actor,
        topic=topic,
        title="驿站边绿化带改造成居民小花园",
        owner=property_unit,
        supervisors=supervisors,
        category=WorkOrderCategory.objects.filter(code="sanitation").first(),
    )
    third = services.meeting_schedule(
        actor=actor,
        community=community,
        title="南八苑百姓圆桌会（三）：小花园怎么管护",
        starts_at=now - dt.timedelta(days=30),
        location="南八苑党建驿站",
        topics=[topic],
        invite=_invitees(community),
    )
    services.meeting_record_minutes(
        actor=actor,
        meeting=third,
        minutes="约定小花园由物业日常养护，居民志愿者每月认领一次浇水除草，监督员每周在群里报告进度。",
        positions=[("council", "议事会成员：愿意带头认领养护。"), ("property", "物业：负责日常修剪和病虫害防治。")],
    )
    for supervisor, note in zip(
        supervisors, ["物业已进场清理杂草，修剪高大灌木。", "花园步道铺好了，居民自发种了月季。"], strict=False
    ):
        services.progress_post(actor=actor_for_person(supervisor), topic=topic, note=note)
    workorders.work_order_start(actor=actor, order=order)
    workorders.work_order_resolve(
        actor=actor, order=order, note="绿化带已改造成小花园，蚊虫明显减少。", photos=[_photo()]
    )
    workorders.work_order_verify(actor=actor, order=order)
    workorders.work_order_close(actor=actor, order=order)
    topic.refresh_from_db()
    services.topic_complete(actor=actor, topic=topic)
    for person, score in zip(people, [5, 5, 5, 4, 4], strict=False):
        services.topic_rate(actor=actor_for_person(person), topic=topic, score=score, comment="")
    topic.refresh_from_db()
    if topic.status == Topic.Status.RATING:
        services.topic_settle_rating(actor=actor, topic=topic)


def _invitees(community: OrgUnit) -> list[tuple[Person, str]]:
    """The community's staff as 居委会 (the people of the other capacities have no accounts here)."""
    staff = Person.objects.filter(
        role_assignments__unit=community, role_assignments__role__in=["community_secretary", "community_worker"]
    ).distinct()
    return [(person, "residents_committee") for person in staff]


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 170, 100)).save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("garden.jpg", buffer.getvalue(), content_type="image/jpeg")
