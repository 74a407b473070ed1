"""Races on PostgreSQL: a participant votes twice at the same moment; neighbours join at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mulin.core.tests.threads import run_at_once
from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Decision, DecisionOption, Topic, TopicSupport, Vote
from mulin.roundtable.tests.factories import make_meeting, make_topic

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_vote_at_the_same_moment_counts_once(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    meeting = make_meeting(staff=cast.nanyuan_worker, topics=[topic])
    decision = services.decision_open_vote(
        actor=actor(cast.nanyuan_worker),
        meeting=meeting,
        topic=topic,
        question="?",
        options=["是", "否"],
        ballot="secret",
    )
    option = decision.options.first()
    voter = actor(cast.resident)

    results = run_at_once(
        [lambda: services.vote_cast(actor=voter, decision=Decision.objects.get(pk=decision.pk), option=option)] * 3
    )

    assert sum(isinstance(r, Decision) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 2
    assert Vote.objects.filter(decision=decision).count() == 1
    assert DecisionOption.objects.get(pk=option.pk).votes == 1


def test_neighbours_joining_at_once_are_all_counted(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    people = [cast.neighbour, cast.nanyuan_worker, cast.street_admin]

    run_at_once(
        [lambda p=p: services.topic_support(actor=actor(p), topic=Topic.objects.get(pk=topic.pk)) for p in people]
    )

    topic.refresh_from_db()
    assert topic.support_count == 3 == TopicSupport.objects.filter(topic=topic).count()
