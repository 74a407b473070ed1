"""Reminders the day before (from 18:00) and an hour before: to confirmed sign-ups of activities
that are not cancelled, each once however often (or however many schedulers) run the job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mulin.activities.models import Activity, Signup
from mulin.activities.services import (
    activity_cancel,
    activity_remind_due,
    activity_sign_up,
    activity_sign_up_cancel,
)
from mulin.activities.tests.factories import make_activity
from mulin.core.models import QueuedTask
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db
EVE = "activities.reminder_eve"
SOON = "activities.reminder_soon"


def _at(activity: Activity, days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(activity.starts_at).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _kinds(person) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_each_reminder_goes_once_to_confirmed_people_only(cast):
    activity = make_activity(cast.street.nanyuan_branch, title="主题党日", capacity=2)
    first, second, waiting = cast.members
    activity_sign_up(actor=actor(first), activity=activity)
    activity_sign_up(actor=actor(cast.resident), activity=activity)
    activity_sign_up_cancel(actor=actor(cast.resident), activity=activity)
    activity_sign_up(actor=actor(second), activity=activity)
    assert activity_sign_up(actor=actor(waiting), activity=activity).status == Signup.Status.WAITLISTED
    eve = _at(activity, -1, 19)
    soon = activity.starts_at - dt.timedelta(minutes=40)

    runs = [
        activity_remind_due(now=_at(activity, -1, 17, 55)),  # before 18:00: nothing yet
        activity_remind_due(now=eve),
        activity_remind_due(now=eve + dt.timedelta(minutes=5)),
        activity_remind_due(now=soon),
        activity_remind_due(now=soon + dt.timedelta(minutes=5)),
    ]

    assert runs == [
        {"eve": 0, "soon": 0},
        {"eve": 2, "soon": 0},
        {"eve": 0, "soon": 0},
        {"eve": 0, "soon": 2},
        {"eve": 0, "soon": 0},
    ]
    assert _kinds(first) == _kinds(second) == [EVE, SOON]
    assert _kinds(waiting) == [] and _kinds(cast.resident) == []
    note = Notification.objects.get(recipient=first, kind=EVE)
    local = timezone.localtime(activity.starts_at)
    assert note.params == {"title": "主题党日", "time": f"{local:%Y-%m-%d %H:%M}"}
    assert note.url == activity.get_absolute_url()


def test_a_cancelled_activity_reminds_nobody(cast):
    activity = make_activity(cast.street.nanyuan_branch)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    activity_cancel(actor=SYSTEM, activity=activity)

    assert activity_remind_due(now=_at(activity, -1, 19)) == {"eve": 0, "soon": 0}
    assert activity_remind_due(now=activity.starts_at - dt.timedelta(minutes=30)) == {"eve": 0, "soon": 0}
    assert _kinds(cast.members[0]) == ["activities.cancelled"]


def test_a_sign_up_made_on_the_day_gets_only_the_hour_before_reminder(cast):
    activity = make_activity(cast.street.nanyuan_branch)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity, now=_at(activity, 0, 9))

    assert activity_remind_due(now=_at(activity, 0, 9, 5)) == {"eve": 0, "soon": 0}
    assert activity_remind_due(now=activity.starts_at - dt.timedelta(minutes=50)) == {"eve": 0, "soon": 1}
    assert _kinds(cast.members[0]) == [SOON]


def test_an_activity_just_after_midnight_gets_no_day_before_reminder_once_the_hour_before_is_due(cast):
    start = _at(make_activity(cast.street.nanyuan_branch, title="占位"), 1, 0, 30)
    activity = make_activity(cast.street.nanyuan_branch, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    activity_sign_up(actor=actor(cast.members[0]), activity=activity, now=start - dt.timedelta(minutes=50))

    assert activity_remind_due(now=start - dt.timedelta(minutes=45)) == {"eve": 0, "soon": 1}
    assert _kinds(cast.members[0]) == [SOON]


def test_a_row_already_stamped_by_another_scheduler_is_not_sent_again(cast):
    activity = make_activity(cast.street.nanyuan_branch)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    eve = _at(activity, -1, 19)
    Signup.objects.filter(activity=activity).update(reminded_eve_at=eve)  # the other scheduler won

    assert activity_remind_due(now=eve) == {"eve": 0, "soon": 0}
    assert _kinds(cast.members[0]) == []


def _queries_of_one_run(cast, people: int) -> int:  # type: ignore[no-untyped-def]
    activities = [make_activity(cast.street.nanyuan_branch, title=f"活动{i}", capacity=50) for i in range(2)]
    for i in range(people):
        person = make_person(home=cast.street.nanyuan_building, full_name=f"居民{people}-{i}")
        for activity in activities:
            activity_sign_up(actor=actor(person), activity=activity)
    with CaptureQueriesContext(connection) as ctx:
        sent = activity_remind_due(now=_at(activities[0], -1, 19))
    assert sent["eve"] == 2 * people
    Activity.objects.filter(pk__in=[a.pk for a in activities]).update(status=Activity.Status.CANCELLED)
    queued = f'INSERT INTO "{QueuedTask._meta.db_table}"'
    jobs = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(queued)]
    assert len(jobs) == 2 * people  # one queued text per person and activity: the delivery queue's own row
    return len(ctx) - len(jobs)


def test_one_run_costs_the_same_queries_for_few_and_many_people(cast):
    assert _queries_of_one_run(cast, 1) == _queries_of_one_run(cast, 8)
