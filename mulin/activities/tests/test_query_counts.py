"""Every list and detail page and API of activities costs the same number of queries with one
activity and one sign-up as with a dozen activities and a full roll with a waitlist and
check-ins (issue 10 acceptance: "lists have query-count tests at two data sizes")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from mulin.activities.models import Signup
from mulin.activities.services import activity_sign_up
from mulin.activities.tests.factories import make_activity
from mulin.organizations.tests.factories import make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
MAX_QUERIES = 16


def _organiser_urls(activity_id: int) -> list[str]:
    return [
        reverse("activities:list"),
        reverse("activities:detail", args=[activity_id]),
        reverse("activities:attendance", args=[activity_id]),
        reverse("activities:code", args=[activity_id]),
        reverse("activities:checkin", args=[activity_id]),
        "/api/v1/activities/",
        "/api/v1/activities/types/",
        f"/api/v1/activities/{activity_id}/",
        f"/api/v1/activities/{activity_id}/attendance/",
    ]


def _member_urls(activity_id: int) -> list[str]:
    return [u for u in _organiser_urls(activity_id) if "attendance" not in u and "code" not in u]


def _grow(cast, activity, n: int) -> None:  # type: ignore[no-untyped-def]
    """`n` more activities (half of them with the member signed up) and `n` more people on the
    main activity's roll, the last ones waiting; some ticked present."""
    from mulin.activities.services import activity_tick
    from mulin.organizations.tests.factories import SYSTEM, actor

    for i in range(n):
        other = make_activity(cast.street.nanyuan_branch, title=f"活动{i}", days=4 + i, capacity=3)
        if i % 2:
            activity_sign_up(actor=actor(cast.members[0]), activity=other)
        person = make_person(home=cast.street.nanyuan_building, full_name=f"居民{i}")
        activity_sign_up(actor=actor(person), activity=activity)
    start = activity.starts_at
    for signup in Signup.objects.filter(activity=activity, status="confirmed").select_related("person", "activity")[:3]:
        activity_tick(actor=SYSTEM, activity=activity, signup=signup, now=start)


def _counts(cast, activity) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for person, urls in (
        (cast.secretary, _organiser_urls(activity.pk)),
        (cast.members[0], _member_urls(activity.pk)),
    ):
        web = Client()
        sign_in(web, person)
        api = APIClient()
        api.force_authenticate(person.user)
        for url in urls:
            client = api if url.startswith("/api/") else web
            client.get(url)  # warm the per-session caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            counts[f"{person.full_name} {url}"] = len(queries)
    return counts


def test_every_list_and_detail_costs_the_same_at_two_sizes(cast):
    from mulin.organizations.tests.factories import actor

    activity = make_activity(cast.street.nanyuan_branch, title="主题党日", capacity=8)
    activity_sign_up(actor=actor(cast.members[0]), activity=activity)
    small = _counts(cast, activity)

    _grow(cast, activity, 12)
    large = _counts(cast, activity)

    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
    assert Signup.objects.filter(activity=activity, status="waitlisted").count() == 5
