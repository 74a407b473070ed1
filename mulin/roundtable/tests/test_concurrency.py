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


def test_a_vote_cast_while_the_vote_closes_is_counted_in_the_outcome_or_refused(cast, monkeypatch):
    """The vote is 1–0 when 李阿姨's vote and the closing arrive together; her vote has passed its
    "still open?" check and is about to commit when the secretary closes. The outcome must count
    it (here a 1–1 tie, refused) or her vote must be refused — never a decided question whose
    published totals then move under its winner."""
    import threading
    import time

    from mulin.roundtable.services import meetings

    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    services.topic_support(actor=actor(cast.neighbour), topic=topic)
    meeting = make_meeting(staff=cast.nanyuan_worker, topics=[topic])
    decision = services.decision_open_vote(
        actor=actor(cast.nanyuan_worker),
        meeting=meeting,
        topic=topic,
        question="绿化带怎么改造？",
        options=["改成小花园", "只修剪"],
        ballot="secret",
    )
    garden, trim = list(decision.options.all())
    services.vote_cast(actor=actor(cast.resident), decision=decision, option=garden)
    closed = threading.Event()
    real_audit = meetings.audit

    def audit_after_the_close(verb, *args, **kwargs):  # type: ignore[no-untyped-def]
        if verb == "voted":  # the vote's last step before it commits: wait (a little) for the close
            closed.wait(timeout=3)
        return real_audit(verb, *args, **kwargs)

    monkeypatch.setattr(meetings, "audit", audit_after_the_close)

    def vote():  # type: ignore[no-untyped-def]
        return services.vote_cast(
            actor=actor(cast.neighbour), decision=Decision.objects.get(pk=decision.pk), option=trim
        )

    def close():  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # the vote is past its check by now
        try:
            return services.decision_close_vote(
                actor=actor(cast.nanyuan_worker), decision=Decision.objects.get(pk=decision.pk)
            )
        finally:
            closed.set()

    results = run_at_once([vote, close])

    decision.refresh_from_db()
    totals = {option.pk: option.votes for option in DecisionOption.objects.filter(decision=decision)}
    assert sum(totals.values()) == Vote.objects.filter(decision=decision).count(), results
    if decision.status == Decision.Status.DECIDED:
        winner = totals.pop(decision.winning_option_id)
        assert all(winner > votes for votes in totals.values()), (results, decision.outcome, totals)
