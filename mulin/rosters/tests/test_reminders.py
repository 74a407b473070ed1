"""Reminders the evening before and half an hour before, and the organisers' understaffed alert;
each sent once however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest

from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.rosters.services.duty import shift_sign_up
from mulin.rosters.services.reminders import duty_remind_due
from mulin.rosters.tests.factories import local, make_week, shift_at, sign

pytestmark = pytest.mark.django_db


def _kinds(person) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_the_evening_before_and_half_an_hour_before_each_once(duty):
    week = make_week(duty.street.cuiyu)
    sign(duty.volunteer, duty.pledge)
    shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, week.starts_on, 7))
    eve = local(week.starts_on - dt.timedelta(days=1), 19)
    soon = local(week.starts_on, 6, 40)

    first = duty_remind_due(now=eve)
    again = duty_remind_due(now=eve + dt.timedelta(minutes=5))
    half = duty_remind_due(now=soon)
    half_again = duty_remind_due(now=soon + dt.timedelta(minutes=5))

    assert (first["eve"], again["eve"], half["soon"], half_again["soon"]) == (1, 0, 1, 0)
    assert _kinds(duty.volunteer) == ["rosters.reminder_eve", "rosters.reminder_soon"]


def test_organisers_are_alerted_once_about_shifts_short_of_people(duty):
    week = make_week(duty.street.cuiyu)
    now = local(week.starts_on, 6, 0)

    first = duty_remind_due(now=now)
    again = duty_remind_due(now=now + dt.timedelta(minutes=5))

    assert (first["understaffed"], again["understaffed"]) == (1, 0)
    alert = Notification.objects.get(recipient=duty.cuiyu_worker, kind="rosters.understaffed")
    assert alert.params["count"] == 4  # 07:00 and 18:00 at both points, within 24 hours
    assert not Notification.objects.filter(recipient=duty.nanyuan_worker).exists()
