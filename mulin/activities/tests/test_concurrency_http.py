"""The sign-up burst through the API on PostgreSQL (issue 10 acceptance: "500 concurrent sign-ups
for 50 places … no 5xx"): the service-level burst (test_concurrency.py) proves the counts; this
one proves that every HTTP answer is a 201 — a place or a waiting-list place — and none is a 5xx
or a refusal, while the counts stay exact."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mulin.activities.models import Signup
from mulin.activities.tests.factories import make_activity
from mulin.core.tests.threads import run_at_once
from mulin.organizations.bulk import PersonDraft, person_bulk_register
from mulin.organizations.models import Person
from mulin.organizations.services import account_create
from mulin.organizations.tests.factories import SYSTEM, TEST_PASSWORD, next_phone

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PEOPLE = 500
PLACES = 50
THREADS = 20


def test_500_api_sign_ups_for_50_places_all_answer_201_and_none_5xx(street, reference_data):
    activity = make_activity(street.nanyuan_branch, capacity=PLACES)
    person_bulk_register(
        actor=SYSTEM,
        drafts=[
            PersonDraft(full_name=f"接口报名{i}", home_unit=street.nanyuan_building, phone=next_phone(), row=i + 1)
            for i in range(PEOPLE)
        ],
    )
    people = list(Person.objects.filter(full_name__startswith="接口报名"))
    for person in people:
        account_create(actor=SYSTEM, person=person, password=TEST_PASSWORD)
    users = [p.user for p in Person.objects.filter(pk__in=[p.pk for p in people]).select_related("user")]
    url = f"/api/v1/activities/{activity.pk}/signup/"

    def batch(chunk):  # type: ignore[no-untyped-def]
        client = APIClient()
        statuses = []
        for user in chunk:
            client.force_authenticate(user)
            statuses.append(client.post(url).status_code)
        return statuses

    results = run_at_once([lambda chunk=users[i::THREADS]: batch(chunk) for i in range(THREADS)], timeout=300)

    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = [status for chunk in results for status in chunk]
    assert len(statuses) == PEOPLE
    assert set(statuses) == {201}
    confirmed = Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).count()
    waiting = list(
        Signup.objects.filter(activity=activity, status=Signup.Status.WAITLISTED).values_list("position", flat=True)
    )
    assert (confirmed, sorted(waiting)) == (PLACES, list(range(1, PEOPLE - PLACES + 1)))
