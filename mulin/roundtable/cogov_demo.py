"""Three-party co-governance for the Daguan demo street: 南八苑's 居民小组, 业委会 and 物业 each have an
officer, and two past joint meetings with a responsibility list — some items done, one carried
from the first meeting to the second, some still open (one overdue) — and residents' evaluations of
its property service last year and this year (王秀英 has not evaluated yet: the form is hers).

Built through the real services; idempotent (each part is skipped once 南八苑 has it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q
from mulin.organizations.services import role_grant
from mulin.roundtable import services
from mulin.roundtable.models import JointMeeting, Party, PropertyEvaluation, ResponsibilityItem

K = OrgUnit.Kind
COMPOUND = "南八苑"
PARTY_UNITS = {K.RESIDENTS_COMMITTEE: 0, K.OWNERS_COMMITTEE: 1, K.PROPERTY_MANAGEMENT: 2}
RC, OC, PM = Party.RESIDENTS_COMMITTEE, Party.OWNERS_COMMITTEE, Party.PROPERTY

# (days before today, what was discussed, [(item, party, due in days after the meeting, done after days or None, note)])
MEETINGS: list[tuple[int, str, list[tuple[str, str, int, int | None, str]]]] = [
    (56, "一、党建驿站边绿化带改造：听取居民意见汇总，业委会同意从公共收益中列支部分费用；\n"
         "二、3幢、5幢楼道杂物清理；\n三、夏季二次供水水箱清洗安排。",
     [("3幢、5幢楼道杂物集中清理", PM, 14, 10, "已清理，共运走纸箱旧家具两车"),
      ("公布二次供水水箱清洗时间并张贴停水通知", PM, 7, 5, "已在各单元门口张贴"),
      ("绿化带改造方案征求业主意见（公示7天）", OC, 21, None, ""),
      ("动员楼道长参与绿化带改造监督", RC, 14, 12, "已有两位居民报名监督员")]),
    (28, "一、上次会议事项跟进：绿化带方案公示延期（业主意见未收齐）；\n"
         "二、电动车进楼道劝导；\n三、物业服务满意度调查筹备。",
     [("电动车进楼道劝导，每周巡查一次并登记", RC, 30, None, ""),
      ("更换1幢单元门禁损坏的读卡器", PM, 10, 8, "已更换"),
      ("整理维修资金使用明细并在公告栏公示", OC, 20, None, "")]),
]  # fmt: skip


# The residents' yearly evaluations of 南八苑's property service: (years ago, [(cleaning, security,
# repairs, greenery, attitude, comment)]). Last year's are moved back a year after the service wrote them.
EVALUATIONS: list[tuple[int, list[tuple[int, int, int, int, int, str]]]] = [
    (1, [(3, 4, 2, 3, 4, "报修后要等好几天"), (3, 3, 3, 2, 4, "绿化带没人管"), (4, 4, 3, 3, 4, ""),
         (3, 4, 2, 2, 3, "楼道杂物没人清"), (4, 3, 3, 3, 4, "")]),
    (0, [(4, 4, 4, 5, 4, "绿化带改成小花园了，很好"), (4, 5, 3, 4, 5, "门禁修得及时"), (5, 4, 4, 5, 4, ""),
         (4, 4, 3, 4, 4, "维修还可以再快一点"), (4, 4, 4, 4, 5, ""), (3, 4, 4, 4, 4, "")]),
]  # fmt: skip


def _evaluations(compound: OrgUnit) -> None:
    if PropertyEvaluation.objects.filter(compound=compound).exists():
        return
    residents = list(
        Person.objects.filter(subtree_q("home_unit__path", compound.path), is_active=True, user__isnull=True).order_by(
            "-id"
        )[:6]
    )
    for years_ago, rows in EVALUATIONS:
        for resident, (cleaning, security, repairs, greenery, attitude, comment) in zip(residents, rows, strict=False):
            evaluation = services.property_evaluation_submit(
                actor=actor_for_person(resident),
                cleaning=cleaning,
                security=security,
                repairs=repairs,
                greenery=greenery,
                attitude=attitude,
                comment=comment,
            )
            if years_ago:
                PropertyEvaluation.objects.filter(pk=evaluation.pk).update(year=evaluation.year - years_ago)


def _officers(compound: OrgUnit) -> dict[str, Person]:
    """One resident of the compound as the officer of each party (the first residents by id)."""
    units = {unit.kind: unit for unit in OrgUnit.objects.filter(parent=compound, kind__in=list(PARTY_UNITS))}
    residents = list(
        Person.objects.filter(subtree_q("home_unit__path", compound.path), is_active=True, user__isnull=True).order_by(
            "id"
        )[:3]
    )
    officers: dict[str, Person] = {}
    for kind, index in PARTY_UNITS.items():
        if kind in units and index < len(residents):
            role_grant(actor=Actor.system(), person=residents[index], role=Role.GOVERNANCE_OFFICER, unit=units[kind])
            officers[kind] = residents[index]
    return officers


def seed_demo_cogov(actor: Actor) -> int:
    """南八苑's officers, joint meetings and residents' evaluations; return how many meetings were added."""
    compound = OrgUnit.objects.filter(kind=K.COMPOUND, name=COMPOUND).order_by("path").first()
    if compound is None:
        return 0
    _evaluations(compound)
    if JointMeeting.objects.filter(compound=compound).exists():
        return 0
    officers = _officers(compound)

    def name(kind: str, fallback: str) -> str:
        return officers[kind].full_name if kind in officers else fallback

    today = timezone.localdate()
    for days_ago, discussed, items in MEETINGS:
        held_on = today - dt.timedelta(days=days_ago)
        meeting = services.joint_meeting_record(
            actor=actor,
            compound=compound,
            held_on=held_on,
            residents_committee_attendees=f"{name(K.RESIDENTS_COMMITTEE, '居民小组长')}、社区 周丽华",
            owners_committee_attendees=f"{name(K.OWNERS_COMMITTEE, '业委会主任')}",
            property_attendees=f"{name(K.PROPERTY_MANAGEMENT, '物业经理')}、物业客服",
            discussed=discussed,
        )
        for text, party, due_in, done_after, note in items:
            item = services.responsibility_add(
                actor=actor, meeting=meeting, text=text, party=party, due_on=held_on + dt.timedelta(days=due_in)
            )
            if done_after is not None:
                services.responsibility_set_status(actor=actor, item=item, status="done", note=note)
                # Marked today by the service; the demo's history has it done back then.
                ResponsibilityItem.objects.filter(pk=item.pk).update(done_on=held_on + dt.timedelta(days=done_after))
    return len(MEETINGS)
