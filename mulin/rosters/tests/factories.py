"""Roster test data built through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.tests.factories import SYSTEM, actor
from mulin.rosters.models import DutyPoint, Pledge, PledgeSignature, RosterPeriod, Shift
from mulin.rosters.services.pledges import pledge_publish, pledge_sign
from mulin.rosters.services.setup import period_generate, point_create

PLEDGE_TEXT = "我自愿参加垃圾分类督导值班，按时到岗，文明劝导，做好示范。"


def next_monday(weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)


def make_point(compound: OrgUnit, name: str = "集翠源1号投放点", headcount: int = 2, **kwargs) -> DutyPoint:  # type: ignore[no-untyped-def]
    return point_create(actor=SYSTEM, compound=compound, name=name, headcount=headcount, **kwargs)


def make_pledge(community: OrgUnit) -> Pledge:
    return pledge_publish(actor=SYSTEM, community=community, title="垃圾分类督导责任保证书", body=PLEDGE_TEXT)


def sign(person: Person, pledge: Pledge) -> PledgeSignature:
    return pledge_sign(actor=actor(person), pledge=pledge)


def make_week(community: OrgUnit, monday: dt.date | None = None) -> RosterPeriod:
    return period_generate(actor=SYSTEM, community=community, kind="week", starts_on=monday or next_monday())


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def shift_at(point: DutyPoint, day: dt.date, hour: int) -> Shift:
    return Shift.objects.get(point=point, starts_at=local(day, hour))
