"""Organisers set up points, templates, periods and one-off changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import actor
from mulin.rosters.models import Assignment, RosterPeriod, Shift, ShiftTemplate
from mulin.rosters.services.duty import shift_sign_up
from mulin.rosters.services.setup import holiday_set, period_generate, point_create, shift_cancel, shift_change
from mulin.rosters.tests.factories import local, make_week, next_monday, shift_at, sign

pytestmark = pytest.mark.django_db


def test_a_new_point_gets_the_sources_two_daily_shifts_every_day(duty):
    templates = ShiftTemplate.objects.filter(point=duty.point)

    assert templates.count() == 14
    assert set(templates.values_list("start_time", "end_time", "headcount")) == {
        (dt.time(7, 0), dt.time(8, 30), 2),
        (dt.time(18, 0), dt.time(20, 30), 2),
    }
    assert sorted(set(templates.values_list("weekday", flat=True))) == list(range(7))
    assert duty.point.community == duty.street.cuiyu


def test_a_worker_of_another_community_cannot_add_a_point(duty):
    before = duty.point.__class__.objects.count()

    with pytest.raises(PermissionDenied):
        point_create(actor=actor(duty.nanyuan_worker), compound=duty.street.cuiyu_compound, name="外来点")

    assert duty.point.__class__.objects.count() == before


def test_a_point_must_be_in_a_compound_and_have_a_sane_headcount(duty):
    worker = actor(duty.cuiyu_worker)
    with pytest.raises(ValidationError) as not_compound:
        point_create(actor=worker, compound=duty.street.cuiyu, name="社区点")
    with pytest.raises(ValidationError) as too_many:
        point_create(actor=worker, compound=duty.street.cuiyu_compound, name="大点", headcount=21)

    assert "compound" in not_compound.value.message_dict
    assert "headcount" in too_many.value.message_dict


def test_a_week_is_generated_from_the_templates_monday_to_sunday(duty):
    monday = next_monday()

    period = period_generate(
        actor=actor(duty.cuiyu_worker), community=duty.street.cuiyu, kind="week", starts_on=monday + dt.timedelta(2)
    )

    assert (period.starts_on, period.ends_on) == (monday, monday + dt.timedelta(days=6))
    assert Shift.objects.filter(period=period).count() == 2 * 14  # two points
    first = shift_at(duty.point, monday, 7)
    assert (first.ends_at, first.headcount, first.filled) == (local(monday, 8, 30), 2, 0)
    assert shift_at(duty.point, monday, 18).ends_at == local(monday, 20, 30)


def test_a_month_covers_every_day_but_the_holidays(duty):
    first = next_monday(5).replace(day=1)
    holiday_set(actor=actor(duty.cuiyu_worker), community=duty.street.cuiyu, date=first, name="清洁日")

    period = period_generate(actor=actor(duty.cuiyu_worker), community=duty.street.cuiyu, kind="month", starts_on=first)

    days = (period.ends_on - period.starts_on).days + 1
    assert Shift.objects.filter(period=period).count() == 2 * 2 * (days - 1)
    assert not Shift.objects.filter(period=period, starts_at=local(first, 7)).exists()


def test_an_overlapping_period_is_refused_and_adds_nothing(duty):
    week = make_week(duty.street.cuiyu)
    count = Shift.objects.count()

    with pytest.raises(StateConflict) as refused:
        period_generate(
            actor=actor(duty.cuiyu_worker), community=duty.street.cuiyu, kind="month", starts_on=week.starts_on
        )

    assert refused.value.code == "roster_period_overlap"
    assert (RosterPeriod.objects.count(), Shift.objects.count()) == (1, count)


def test_headcount_cannot_drop_below_the_people_already_on_the_shift(duty):
    week = make_week(duty.street.cuiyu)
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    shift_sign_up(actor=actor(duty.member), shift=shift)

    with pytest.raises(ValidationError):
        shift_change(actor=actor(duty.cuiyu_worker), shift=shift, headcount=1)

    shift_change(actor=actor(duty.cuiyu_worker), shift=shift, headcount=3, note="检查日加一人")
    shift.refresh_from_db()
    assert (shift.headcount, shift.filled, shift.note) == (3, 2, "检查日加一人")


def test_moving_a_shift_moves_its_people_and_refuses_a_double_booking(duty):
    week = make_week(duty.street.cuiyu)
    morning, other = shift_at(duty.point, week.starts_on, 7), shift_at(duty.point2, week.starts_on, 18)
    sign(duty.volunteer, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=morning)
    shift_sign_up(actor=actor(duty.volunteer), shift=other)
    worker = actor(duty.cuiyu_worker)

    with pytest.raises(StateConflict) as refused:
        shift_change(
            actor=worker, shift=morning, starts_at=local(week.starts_on, 18, 30), ends_at=local(week.starts_on, 19)
        )

    morning.refresh_from_db()
    assert refused.value.code == "overlap"
    assert morning.starts_at == local(week.starts_on, 7)
    shift_change(actor=worker, shift=morning, starts_at=local(week.starts_on, 6, 30), ends_at=local(week.starts_on, 8))
    moved = Assignment.objects.get(shift=morning)
    assert (moved.starts_at, moved.ends_at) == (local(week.starts_on, 6, 30), local(week.starts_on, 8))


def test_cancelling_a_shift_releases_and_tells_its_people(duty):
    week = make_week(duty.street.cuiyu)
    shift = shift_at(duty.point, week.starts_on, 7)
    sign(duty.volunteer, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=shift)

    shift_cancel(actor=actor(duty.cuiyu_worker), shift=shift, note="暴雨")

    shift.refresh_from_db()
    assert (shift.status, shift.filled) == (Shift.Status.CANCELLED, 0)
    assert Assignment.objects.get(shift=shift).status == Assignment.Status.RELEASED
    assert duty.volunteer.notifications.filter(kind="rosters.shift_cancelled").count() == 1
    assert AuditEvent.objects.filter(verb="rosters.shift_cancelled").count() == 1
