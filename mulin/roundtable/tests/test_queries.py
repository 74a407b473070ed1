"""Query counts of the lists and pages stay flat as data grows (two sizes each)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Participant
from mulin.roundtable.tests.factories import make_meeting, make_topic
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


def _grow(cast, n: int):  # type: ignore[no-untyped-def]
    topics = []
    for i in range(n):
        topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, title=f"议题{i}")
        services.topic_support(actor=actor(cast.neighbour), topic=topic)
        topics.append(topic)
    meeting = make_meeting(staff=cast.nanyuan_worker, topics=topics, invite=[(cast.street_admin, "property")])
    for topic in topics:
        decision = services.decision_open_vote(
            actor=actor(cast.nanyuan_worker),
            meeting=meeting,
            topic=topic,
            question="?",
            options=["是", "否"],
            ballot="open",
        )
        services.vote_cast(actor=actor(cast.resident), decision=decision, option=decision.options.first())
    return topics, meeting


@pytest.mark.parametrize("n", [1, 6])
def test_board_topic_and_meeting_pages_and_apis_do_not_grow_with_rows(cast, n, django_assert_max_num_queries):
    topics, meeting = _grow(cast, n)
    web = Client()
    sign_in(web, cast.nanyuan_worker)
    api = APIClient()
    api.force_authenticate(user=cast.nanyuan_worker.user)
    assert Participant.objects.filter(meeting=meeting).count() == 3

    for url, limit in [
        ("/roundtable/", 16),
        (f"/roundtable/{topics[-1].pk}/", 30),
        ("/roundtable/meetings/", 16),
        (f"/roundtable/meetings/{meeting.pk}/", 24),
    ]:
        with django_assert_max_num_queries(limit):
            assert web.get(url).status_code == 200
    for url, limit in [
        ("/api/v1/topics/", 8),
        (f"/api/v1/topics/{topics[-1].pk}/", 16),
        ("/api/v1/meetings/", 8),
        ("/api/v1/decisions/", 10),
    ]:
        with django_assert_max_num_queries(limit):
            assert api.get(url).status_code == 200
