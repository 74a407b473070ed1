"""翠玉's garbage-sorting duty for the Daguan demo street, through the real services: sorting points
at 集翠源 and 翠玉苑 (吴红英 leads 集翠源's first), the community's responsibility pledge signed by
吴红英 and the community's party members and volunteers, their availability, 吴红英's daily duty
(07:00–08:30 and 18:00–20:30 at 集翠源1号投放点), the rest of this month filled by auto-fill (next
month's roster is generated and left for the organiser to auto-fill), a swap approved and a leave
request waiting. No past check-ins or no-shows yet: the services refuse duty in the past, and the
demo does not move time.

The demo volunteer 孙小燕 (13800000007) has not signed the pledge: she is the one to try it.
Idempotent: does nothing once 翠玉 has sorting points.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mulin.core.crypto import blind_index
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person
from mulin.points.models import PointRule
from mulin.rosters.defaults import ensure_default_rules
from mulin.rosters.models import Assignment, DutyPoint, Shift

COMMUNITY = "翠玉社区"
POINTS = [
    ("集翠源", "集翠源1号投放点", "3幢北侧"),
    ("集翠源", "集翠源2号投放点", "8幢东侧"),
    ("翠玉苑", "翠玉苑1号投放点", "小区南门"),
    ("翠玉苑", "翠玉苑2号投放点", "5幢西侧"),
]
PLEDGE_TITLE = "垃圾分类督导责任保证书"
PLEDGE_BODY = (
    "我自愿参加翠玉社区垃圾分类督导值班，郑重承诺：\n"
    "一、按时到岗，早上7:00—8:30、晚上18:00—20:30，风雨无阻；\n"
    "二、文明劝导，耐心讲解分类知识，不与居民争执；\n"
    "三、以红引绿、以少带多，党员亮身份、作表率；\n"
    "四、如不能到岗，提前请假或找人换班。"
)
DEMO_VOLUNTEER_PHONE = "13800000007"


def seed_demo_rosters(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """Set up 翠玉's duty; return how many shifts were filled (0 if it was set up already)."""
    from mulin.rosters.services.autofill import autofill_apply, autofill_run, autofill_start
    from mulin.rosters.services.availability import availability_set
    from mulin.rosters.services.duty import DutyRefused, shift_sign_up
    from mulin.rosters.services.pledges import pledge_publish, pledge_sign
    from mulin.rosters.services.requests import duty_request_approve, duty_request_leave, duty_request_swap
    from mulin.rosters.services.setup import period_generate, point_create

    community = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY, name=COMMUNITY).first()
    if community is None or DutyPoint.objects.filter(community=community).exists():
        return 0
    ensure_default_rules(PointRule)
    compounds = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.COMPOUND, path__startswith=community.path)}
    if not {"集翠源", "翠玉苑"} <= set(compounds):
        return 0
    wu = Person.objects.filter(full_name="吴红英", home_unit__path__startswith=community.path).first()
    organiser = (
        Person.objects.filter(
            role_assignments__role__in=["community_worker", "community_secretary"],
            role_assignments__unit=community,
        )
        .order_by("pk")
        .first()
    )
    boss = actor_for_person(organiser) if organiser is not None else actor
    points = [
        point_create(
            actor=boss,
            compound=compounds[compound],
            name=name,
            location=where,
            headcount=2,
            leader=wu if name == "集翠源1号投放点" else None,
        )
        for compound, name, where in POINTS
    ]
    pledge = pledge_publish(actor=boss, community=community, title=PLEDGE_TITLE, body=PLEDGE_BODY)
    # Who stands duty: 吴红英, and the party members and volunteers who live in 翠玉 (not 孙小燕).
    takers = list(
        Person.objects.filter(
            is_active=True,
            home_unit__path__startswith=community.path,
            role_assignments__role__in=["party_member", "volunteer"],
        )
        .exclude(phone_index=blind_index("phone", DEMO_VOLUNTEER_PHONE))
        .distinct()
        .order_by("pk")[:40]
    )
    if wu is not None and wu not in takers:
        takers.insert(0, wu)
    signed = []
    for person in takers:
        try:
            pledge_sign(actor=actor_for_person(person), pledge=pledge)
        except Exception:  # noqa: S112 — someone the roles do not let stand duty here is skipped
            continue
        signed.append(person)
    for n, person in enumerate(signed):
        if person == wu:
            availability_set(actor=actor_for_person(person), slots=[], max_shifts_per_week=14)
        elif n % 3 == 1:
            availability_set(
                actor=actor_for_person(person),
                slots=[f"{day}-evening" for day in range(7)],
                max_shifts_per_week=3,
            )
        elif n % 3 == 2:
            availability_set(
                actor=actor_for_person(person),
                slots=["5-morning", "6-morning", "5-evening", "6-evening"],
                max_shifts_per_week=2,
            )
    today = timezone.localdate()
    # This month filled; next month generated and left for the organiser to auto-fill and review.
    periods = [period_generate(actor=boss, community=community, kind="month", starts_on=today.replace(day=1))]
    period_generate(
        actor=boss, community=community, kind="month", starts_on=(today.replace(day=28) + dt.timedelta(days=4))
    )
    # 吴红英 stands both shifts every day at 集翠源1号投放点.
    if wu is not None and wu in signed:
        for shift in Shift.objects.filter(point=points[0], starts_at__gt=timezone.now()).order_by("starts_at"):
            try:
                shift_sign_up(actor=actor_for_person(wu), shift=shift)
            except DutyRefused:
                continue
    filled = Assignment.objects.filter(shift__community=community).count()
    for period in periods:
        job = autofill_start(actor=boss, period=period, seed=1, time_limit_seconds=2)
        autofill_run(job.pk)
        job.refresh_from_db()
        if job.status == "done":
            filled += autofill_apply(actor=boss, job=job)["placed"]
    # A swap approved and a leave request waiting, between two people of the auto-filled roster.
    coming = list(
        Assignment.objects.filter(shift__community=community, status="assigned", source="autofill")
        .exclude(person=wu)
        .select_related("shift", "person")
        .order_by("starts_at")[:40]
    )
    if len(coming) >= 2:
        first = coming[0]
        substitute = next(
            (a.person for a in coming[1:] if a.person_id != first.person_id and a.starts_at != first.starts_at), None
        )
        if substitute is not None:
            try:
                request = duty_request_swap(
                    actor=actor_for_person(first.person), assignment=first, substitute=substitute, reason="家里有事"
                )
                duty_request_approve(actor=boss, request=request, note="同意")
            except Exception:  # noqa: S110 — the demo roster may not allow it (overlap); then no swap
                pass
        leave = coming[-1]
        duty_request_leave(actor=actor_for_person(leave.person), assignment=leave, reason="出差一周")
    return filled
