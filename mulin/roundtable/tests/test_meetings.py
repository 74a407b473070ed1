"""Roundtables: scheduling with an agenda and participants, attendance, minutes, votes (one per
participant; open or secret ballot) and consensus."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Decision, DecisionOption, Meeting, Participant, Topic, Vote
from mulin.roundtable.tests.factories import make_meeting, make_topic
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
P = Participant.Capacity


@pytest.fixture
def table(cast):  # type: ignore[no-untyped-def]
    """A roundtable on the green-belt topic: 王秀英 raised it, her neighbour joined, a street
    administrator sits as the property's representative."""
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    services.topic_support(actor=actor(cast.neighbour), topic=topic)
    meeting = make_meeting(staff=cast.nanyuan_worker, topics=[topic], invite=[(cast.street_admin, P.PROPERTY)])
    return topic, meeting


def _vote(cast, table, ballot: str) -> Decision:  # type: ignore[no-untyped-def]
    topic, meeting = table
    return services.decision_open_vote(
        actor=actor(cast.nanyuan_worker),
        meeting=meeting,
        topic=topic,
        question="绿化带怎么改造？",
        options=["改成小花园", "只修剪", "维持现状"],
        ballot=ballot,
    )


def test_scheduling_invites_raisers_supporters_and_named_people_and_tells_them(cast, table):
    topic, meeting = table

    seats = sorted(meeting.participants.values_list("person_id", "capacity"))
    assert seats == sorted(
        [(cast.resident.pk, "resident"), (cast.neighbour.pk, "resident"), (cast.street_admin.pk, "property")]
    )
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SCHEDULED
    told = Notification.objects.filter(kind="roundtable.meeting_scheduled")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [cast.resident.pk, cast.neighbour.pk, cast.street_admin.pk]
    )


@pytest.mark.parametrize("who", ["resident", "cuiyu_worker", "outsider_worker"])
def test_only_the_communitys_staff_schedule(cast, who):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)

    with pytest.raises(PermissionDenied):
        make_meeting(staff=getattr(cast, who), topics=[topic])

    assert Meeting.objects.count() == 0


def test_an_open_ballot_one_vote_each_non_participants_refused_winner_decides_the_topic(cast, table):
    topic, _meeting = table
    decision = _vote(cast, table, "open")
    garden, trim, _keep = list(decision.options.all())

    services.vote_cast(actor=actor(cast.resident), decision=decision, option=garden)
    services.vote_cast(actor=actor(cast.neighbour), decision=decision, option=garden)
    services.vote_cast(actor=actor(cast.street_admin), decision=decision, option=trim)
    with pytest.raises(ValidationError):
        services.vote_cast(actor=actor(cast.resident), decision=decision, option=trim)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=actor(cast.cuiyu_resident), decision=decision, option=trim)
    decision = services.decision_close_vote(actor=actor(cast.nanyuan_worker), decision=decision)

    assert (decision.status, decision.outcome, decision.winning_option_id) == ("decided", "改成小花园", garden.pk)
    assert list(DecisionOption.objects.filter(decision=decision).values_list("votes", flat=True)) == [2, 1, 0]
    assert Vote.objects.filter(decision=decision, option=garden).count() == 2
    topic.refresh_from_db()
    assert topic.status == Topic.Status.DECIDED
    with pytest.raises(StateConflict):
        services.vote_cast(actor=actor(cast.street_admin), decision=decision, option=garden)


def test_an_absent_participant_cannot_vote(cast, table):
    _topic, meeting = table
    present = list(meeting.participants.exclude(person=cast.neighbour).values_list("pk", flat=True))
    services.meeting_record_attendance(actor=actor(cast.nanyuan_worker), meeting=meeting, present=present)
    decision = _vote(cast, table, "open")

    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=actor(cast.neighbour), decision=decision, option=decision.options.first())


def test_a_tie_is_refused_and_changes_nothing(cast, table):
    decision = _vote(cast, table, "open")
    garden, trim, _keep = list(decision.options.all())
    services.vote_cast(actor=actor(cast.resident), decision=decision, option=garden)
    services.vote_cast(actor=actor(cast.neighbour), decision=decision, option=trim)

    with pytest.raises(ValidationError):
        services.decision_close_vote(actor=actor(cast.nanyuan_worker), decision=decision)

    decision.refresh_from_db()
    assert decision.status == "voting"


def test_a_secret_ballot_keeps_only_totals_anywhere(cast, table):
    # Given a secret ballot where 王秀英 votes garden, the neighbour trim, the admin garden
    _topic, meeting = table
    decision = _vote(cast, table, "secret")
    garden, trim, _keep = list(decision.options.all())
    services.vote_cast(actor=actor(cast.resident), decision=decision, option=garden)
    services.vote_cast(actor=actor(cast.neighbour), decision=decision, option=trim)

    # Then no row links anyone to a choice, and while it is open nobody sees even the totals
    assert list(Vote.objects.filter(decision=decision).values_list("option_id", flat=True)) == [None, None]
    api = APIClient()
    api.force_authenticate(user=cast.nanyuan_worker.user)
    during = api.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert [o["votes"] for o in during["options"]] == [None, None, None]
    assert (during["votes_cast"], during["open_votes"]) == (2, [])

    services.vote_cast(actor=actor(cast.street_admin), decision=decision, option=garden)
    services.decision_close_vote(actor=actor(cast.nanyuan_worker), decision=decision)

    # After closing: totals only — through the API, the meeting page and the audit log
    after = api.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert [o["votes"] for o in after["options"]] == [2, 1, 0]
    assert after["open_votes"] == []
    meeting_json = json.dumps(api.get(f"/api/v1/meetings/{meeting.pk}/").json(), ensure_ascii=False)
    assert '"open_votes": []' in meeting_json
    web = Client()
    sign_in(web, cast.nanyuan_worker)
    page = web.get(f"/roundtable/meetings/{meeting.pk}/").content.decode()
    assert "王**" not in page.split("Participants")[0] and "→" not in page
    assert all("option" not in row.data for row in AuditEvent.objects.filter(verb="roundtable.voted"))


def test_consensus_decides_without_a_vote(cast, table):
    topic, meeting = table

    decision = services.decision_record_consensus(
        actor=actor(cast.nanyuan_worker), meeting=meeting, topic=topic, question="怎么办？", outcome="物业本月修剪"
    )

    assert (decision.method, decision.status, decision.ballot) == ("consensus", "decided", "")
    topic.refresh_from_db()
    assert topic.status == Topic.Status.DECIDED


def test_minutes_with_positions_make_the_roundtable_held(cast, table):
    _topic, meeting = table

    meeting = services.meeting_record_minutes(
        actor=actor(cast.nanyuan_worker),
        meeting=meeting,
        minutes="居民、物业、业委会充分讨论。",
        positions=[("property", "物业同意出人工"), ("owners_committee", "业委会同意动用维修资金")],
    )

    assert meeting.status == "held"
    assert list(meeting.positions.values_list("capacity", flat=True)) == ["property", "owners_committee"]
    with pytest.raises(ValidationError):
        services.meeting_record_minutes(actor=actor(cast.nanyuan_worker), meeting=meeting, minutes=" ")


def test_the_vote_through_the_api_and_the_page(cast, table):
    decision = _vote(cast, table, "open")
    _topic, meeting = table
    garden = decision.options.first()
    api = APIClient()
    api.force_authenticate(user=cast.resident.user)

    first = api.post(
        f"/api/v1/meetings/{meeting.pk}/votes/", {"decision": decision.pk, "option": garden.pk}, format="json"
    )
    second = api.post(
        f"/api/v1/meetings/{meeting.pk}/votes/", {"decision": decision.pk, "option": garden.pk}, format="json"
    )
    web = Client()
    sign_in(web, cast.neighbour)
    by_page = web.post(f"/roundtable/decisions/{decision.pk}/vote/", {f"vote-{decision.pk}-option": garden.pk})

    assert first.status_code == 200 and first.json()["votes_cast"] == 1
    assert second.status_code == 400
    assert by_page.status_code == 302
    assert Vote.objects.filter(decision=decision).count() == 2


def test_meetings_of_another_community_or_street_are_404(cast, table):
    _topic, meeting = table
    for who in ("cuiyu_resident", "outsider_worker"):
        api = APIClient()
        api.force_authenticate(user=getattr(cast, who).user)
        assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
        assert api.post(f"/api/v1/meetings/{meeting.pk}/minutes/", {"minutes": "x"}, format="json").status_code == 404
    assert Meeting.objects.get().minutes == ""
