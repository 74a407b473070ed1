"""A year of activities on the Daguan demo street, through the real services (idempotent): the
monthly theme party day of 德胜社区第十支部 (the demo branch secretary 13800000003's branch), the 九洲
大药房 health-check days at the 南苑 red health station (120+ person-times), 西韵艺术团's quarterly
performances, the monthly showcase (风采展) and the 送药上山进岛 trip; with sign-ups and attendance.
Past activities name their place as an address (rooms are booked for the future only); upcoming
ones book their station rooms."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from mulin.activities.defaults import ensure_default_types
from mulin.activities.models import Activity, ActivityType, Signup
from mulin.activities.services import activity_create, activity_sign_up, activity_tick
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q
from mulin.organizations.selectors import person_list_belonging_to
from mulin.stations.models import Room

SEED = 20190601
K = OrgUnit.Kind

# (type, title, host unit, station, room, day of month, hour, hours, places, every n months)
SERIES = [
    ("theme-party-day", "{month}月主题党日", "德胜社区第十支部", "西一运河城市驿站", "新四军大讲堂", 8, 9, 2, 40, 1),
    ("health-check", "九洲健康检测日（{month}月）", "九洲大药房", "南苑红色健康驿站", "健康检测室", 15, 9, 3, 12, 1),
    ("showcase", "{month}月风采展", "西一社区", "大关街道党群服务中心", "多功能厅", 25, 14, 2, 80, 1),
    ("performance", "西韵艺术团专场演出（{month}月）", "西韵艺术团", "西一运河城市驿站", "百姓书场", 20, 19, 2, 60, 3),
]


def _unit(name: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(name=name).order_by("path").first()


def seed_demo_activities(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """Add the demo year of activities (none if the street has activities already); return how many."""
    street = OrgUnit.objects.filter(kind=K.STREET).order_by("path").first()
    if street is None or Activity.objects.filter(subtree_q("scope_path", street.path)).exists():
        return 0
    ensure_default_types(ActivityType)
    types = {t.code: t for t in ActivityType.objects.all()}
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    today = timezone.localdate()
    added = 0
    for offset in range(-11, 3):  # eleven months back, this month, two ahead
        year, month = divmod(today.month - 1 + offset, 12)
        first = dt.date(today.year + year, month + 1, 1)
        for code, title, host_name, station_name, room_name, day, hour, hours, places, every in SERIES:
            if (first.month - 1) % every:
                continue
            host = _unit(host_name)
            room = Room.objects.filter(station__name=station_name, name=room_name).select_related("station").first()
            if host is None or room is None:
                continue
            starts_at = dt.datetime(first.year, first.month, day, hour, tzinfo=timezone.get_current_timezone())
            ends_at = starts_at + dt.timedelta(hours=hours)
            upcoming = starts_at > timezone.now() + dt.timedelta(hours=1)
            activity = activity_create(
                actor=actor,
                type=types[code],
                title=title.format(month=first.month),
                host=host,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=min(places, room.capacity),
                room=room if upcoming else None,
                address="" if upcoming else f"{room.station.name} · {room.name}",
            )
            _fill(activity, rng, upcoming=upcoming)
            added += 1
    trip = _unit("九洲大药房")
    if trip is not None:
        starts_at = dt.datetime(today.year, today.month, 1, 8, tzinfo=timezone.get_current_timezone()) - dt.timedelta(
            days=120
        )
        activity = activity_create(
            actor=actor,
            type=types["medicine-delivery"],
            title="送药上山进岛",
            host=trip,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=8),
            capacity=15,
            address="淳安县千岛湖 偏远村落",
            description="九洲大药房党支部志愿者为山区和海岛的老人送药、测血压。",
        )
        _fill(activity, rng, upcoming=False)
        added += 1
    return added


def _people_for(activity: Activity, rng: random.Random, count: int) -> list[Person]:
    pool = list(person_list_belonging_to(activity.audience_unit).filter(user__isnull=True).order_by("id")[:400])
    rng.shuffle(pool)
    return pool[:count]


def _fill(activity: Activity, rng: random.Random, *, upcoming: bool) -> None:
    """Sign people up before it starts; for past activities, most of them came (ticked)."""
    # A full health-check day has two people waiting; other activities show a sample of sign-ups (the
    # demo is built in the browser tests too, so it stays small).
    wanted = activity.capacity + 2 if activity.capacity <= 12 else min(activity.capacity, 15)
    share = rng.uniform(0.5, 0.9) if upcoming else 1.0
    people = _people_for(activity, rng, int(wanted * share))
    before = activity.starts_at - dt.timedelta(days=3)
    for person in people:
        activity_sign_up(actor=actor_for_person(person), activity=activity, now=before)
    if upcoming:
        return
    during = activity.starts_at + dt.timedelta(minutes=10)
    for signup in Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).select_related(
        "person", "activity"
    ):
        if rng.random() < 0.88:
            activity_tick(actor=Actor.system(), activity=activity, signup=signup, now=during)
