"""The sign-up burst on PostgreSQL: 500 people pressing "sign up" at once for 50 places."""

from __future__ import annotations

import pytest

from mulin.activities.models import Activity, Signup
from mulin.activities.services import activity_sign_up, activity_sign_up_cancel
from mulin.activities.tests.factories import make_activity
from mulin.core.tests.threads import run_at_once
from mulin.notifications.models import Notification
from mulin.organizations.bulk import PersonDraft, person_bulk_register
from mulin.organizations.models import Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM, next_phone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PEOPLE = 500
PLACES = 50
THREADS = 20  # the server's connection limit is ~100; each thread signs up PEOPLE / THREADS in turn


def test_500_sign_ups_for_50_places_give_exactly_50_and_a_waitlist_in_order(street, reference_data):
    activity = make_activity(street.nanyuan_branch, capacity=PLACES)
    person_bulk_register(
        actor=SYSTEM,
        drafts=[
            PersonDraft(full_name=f"报名{i}", home_unit=street.nanyuan_building, phone=next_phone(), row=i + 1)
            for i in range(PEOPLE)
        ],
    )
    people = list(Person.objects.filter(full_name__startswith="报名").select_related("home_unit"))
    actors = [actor_for_person(person) for person in people]
    batches = [actors[i::THREADS] for i in range(THREADS)]

    def sign_up_batch(batch):  # type: ignore[no-untyped-def]
        return [activity_sign_up(actor=a, activity=activity) for a in batch]

    results = run_at_once([lambda batch=batch: sign_up_batch(batch) for batch in batches], timeout=120)

    assert not [r for r in results if isinstance(r, Exception)]
    activity.refresh_from_db()
    confirmed = Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED)
    waiting = list(Signup.objects.filter(activity=activity, status=Signup.Status.WAITLISTED).order_by("position"))
    assert (confirmed.count(), len(waiting), activity.confirmed_count) == (PLACES, PEOPLE - PLACES, PLACES)
    assert [s.position for s in waiting] == list(range(1, PEOPLE - PLACES + 1))
    # In order: the waitlist is the order the sign-ups were taken (their ids) and came after every place.
    assert [s.pk for s in waiting] == sorted(s.pk for s in waiting)
    assert max(confirmed.values_list("pk", flat=True)) < waiting[0].pk

    leaver = confirmed.select_related("person").first()
    assert leaver is not None
    activity_sign_up_cancel(actor=actor_for_person(leaver.person), activity=Activity.objects.get(pk=activity.pk))

    promoted = Signup.objects.filter(activity=activity, promoted_at__isnull=False)
    assert list(promoted.values_list("pk", flat=True)) == [waiting[0].pk]
    assert Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).count() == PLACES
    assert list(Notification.objects.filter(kind="activities.promoted").values_list("recipient_id", flat=True)) == [
        waiting[0].person_id
    ]


def test_four_schedulers_reminding_at_once_send_each_reminder_once(street, reference_data):
    import datetime as dt

    from django.utils import timezone

    from mulin.activities.services import activity_remind_due

    activity = make_activity(street.nanyuan_branch, capacity=60)
    person_bulk_register(
        actor=SYSTEM,
        drafts=[
            PersonDraft(full_name=f"提醒{i}", home_unit=street.nanyuan_building, phone=next_phone(), row=i + 1)
            for i in range(60)
        ],
    )
    for person in Person.objects.filter(full_name__startswith="提醒").select_related("home_unit"):
        activity_sign_up(actor=actor_for_person(person), activity=activity)
    day_before = timezone.localtime(activity.starts_at).date() - dt.timedelta(days=1)
    eve = dt.datetime.combine(day_before, dt.time(19), tzinfo=timezone.get_current_timezone())

    results = run_at_once([lambda: activity_remind_due(now=eve, batch=25) for _ in range(4)], timeout=60)

    assert not [r for r in results if isinstance(r, Exception)]
    while activity_remind_due(now=eve, batch=25)["eve"]:
        pass  # whatever the threads skipped (rows locked by another) goes on the next runs
    sent = list(Notification.objects.filter(kind="activities.reminder_eve").values_list("recipient_id", flat=True))
    assert len(sent) == len(set(sent)) == 60
    assert sum(r["eve"] for r in results) <= 60
