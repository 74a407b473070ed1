"""Roundtables: schedule one with an agenda and participants, record attendance, minutes and the
positions heard, decide each topic by a vote (open or secret ballot) or a recorded consensus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.roundtable.models import (
    OPEN_STATUSES,
    TEXT_MAX,
    TITLE_MAX,
    AgendaItem,
    Decision,
    DecisionOption,
    Meeting,
    Participant,
    Position,
    Topic,
    TopicEvent,
    TopicSupport,
    Vote,
)
from mulin.roundtable.services._common import audit, notify_people
from mulin.roundtable.transitions import TOPIC_LIFECYCLE

V = TopicEvent.Verb
P = Participant.Capacity
MAX_OPTIONS = 8
# Topics a roundtable may discuss: open ones, and decided ones being carried out (a follow-up).
SCHEDULABLE = frozenset({*OPEN_STATUSES, Topic.Status.DECIDED, Topic.Status.IN_PROGRESS})


def can_run_meetings(actor: Actor, community: OrgUnit) -> bool:
    """Community staff (roundtable.handle at the community) convene and run its roundtables."""
    return actor.can(Capability.TOPIC_HANDLE, community.path)


def ensure_can_run_meetings(actor: Actor, community: OrgUnit) -> None:
    if not can_run_meetings(actor, community):
        raise PermissionDenied(_("Only the community's staff may run its roundtables."))


def _event(topic: Topic, verb: str, actor: Actor, note: str = "") -> None:
    TopicEvent.objects.create(topic=topic, verb=verb, actor=actor.person, note=note, created_at=timezone.now())


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    community: OrgUnit,
    title: str,
    starts_at: dt.datetime,
    location: str,
    topics: Sequence[Topic],
    invite: Sequence[tuple[Person, str]] = (),
) -> Meeting:
    """Schedule a roundtable of `community` with `topics` on its agenda (open topics, or decided
    ones being carried out, for a follow-up). Everyone who raised or
    joined a topic is a participant (capacity "resident"), with the people in `invite` (council
    members, 居委会, 业委会, 物业, party members, departments); all are told (a notice).

    Raise PermissionDenied for anyone but the community's staff, ValidationError (nothing written)
    for no topics, a topic of another community or no longer open, an empty title or place."""
    ensure_can_run_meetings(actor, community)
    title = clean_text(
        title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the roundtable a title.")
    )
    location = clean_text(location, field="location", max_length=120, required=True, message=_("Say where it meets."))
    if not isinstance(starts_at, dt.datetime):
        raise ValidationError({"starts_at": [_("Say when it meets.")]})
    if not topics:
        raise ValidationError({"topics": [_("Put at least one topic on the agenda.")]})
    for topic in topics:
        if topic.community_id != community.pk or topic.status not in SCHEDULABLE:
            raise ValidationError({"topics": [_("Choose open topics of this community.")]})
    meeting = Meeting.objects.create(
        community=community,
        scope_path=community.path,
        title=title,
        starts_at=starts_at,
        location=location,
        convened_by=actor.person or topics[0].raised_by,
    )
    seats: dict[int, str] = {}
    for order, topic in enumerate(topics):
        AgendaItem.objects.create(meeting=meeting, topic=topic, order=order)
        if topic.status == Topic.Status.OPEN:
            TOPIC_LIFECYCLE.apply(topic, "schedule")
        _event(topic, V.SCHEDULED, actor, note=f"{meeting.title} · {timezone.localtime(starts_at):%Y-%m-%d %H:%M}")
        seats.setdefault(topic.raised_by_id, P.RESIDENT)
        for person_id in TopicSupport.objects.filter(topic=topic).values_list("person_id", flat=True):
            seats.setdefault(person_id, P.RESIDENT)
    for person, capacity in invite:
        if capacity not in P.values:
            raise ValidationError({"invite": [_("Choose a capacity for each invited person.")]})
        seats[person.pk] = capacity
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, person_id=pid, capacity=capacity) for pid, capacity in seats.items()]
    )
    audit("meeting_scheduled", actor, meeting, meeting.scope_path, topics=len(topics), participants=len(seats))
    notify_people(
        "roundtable.meeting_scheduled",
        Person.objects.filter(pk__in=list(seats)),
        meeting,
        when=f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
        where=location,
    )
    return meeting


def meeting_record_attendance(*, actor: Actor, meeting: Meeting, present: Sequence[int]) -> Meeting:
    """Mark who came (participant ids in `present`) and who did not."""
    ensure_can_run_meetings(actor, meeting.community)
    ids = set(meeting.participants.values_list("pk", flat=True))
    if set(present) - ids:
        raise ValidationError({"present": [_("Mark only the roundtable's participants.")]})
    with transaction.atomic():
        meeting.participants.filter(pk__in=list(present)).update(attended=True)
        meeting.participants.exclude(pk__in=list(present)).update(attended=False)
        audit("meeting_attendance", actor, meeting, meeting.scope_path, present=len(present))
    return meeting


@transaction.atomic
def meeting_record_minutes(
    *, actor: Actor, meeting: Meeting, minutes: str, positions: Sequence[tuple[str, str]] = ()
) -> Meeting:
    """Record the minutes and the positions heard (capacity, what was said); the roundtable is held."""
    ensure_can_run_meetings(actor, meeting.community)
    minutes = clean_text(minutes, field="minutes", max_length=8000, required=True, message=_("Write the minutes."))
    for capacity, said in positions:
        if capacity not in P.values:
            raise ValidationError({"positions": [_("Choose a capacity for each position.")]})
        clean_text(said, field="positions", max_length=TEXT_MAX, required=True, message=_("Say what was said."))
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes=minutes, status=Meeting.Status.HELD, held_at=meeting.held_at or timezone.now()
    )
    Position.objects.bulk_create(
        [Position(meeting=meeting, capacity=capacity, said=said.strip()) for capacity, said in positions]
    )
    audit("meeting_minutes", actor, meeting, meeting.scope_path, positions=len(positions))
    meeting.refresh_from_db()
    return meeting


def _agenda_topic(meeting: Meeting, topic: Topic) -> Topic:
    if not AgendaItem.objects.filter(meeting=meeting, topic=topic).exists():
        raise ValidationError({"topic": [_("This topic is not on the roundtable's agenda.")]})
    if topic.status not in OPEN_STATUSES:
        raise ValidationError({"topic": [_("This topic has been decided already.")]})
    return topic


@transaction.atomic
def decision_open_vote(
    *, actor: Actor, meeting: Meeting, topic: Topic, question: str, options: Sequence[str], ballot: str
) -> Decision:
    """Put a question about an agenda topic to the participants' vote (2–8 options; open or secret)."""
    ensure_can_run_meetings(actor, meeting.community)
    _agenda_topic(meeting, topic)
    question = clean_text(question, field="question", max_length=200, required=True, message=_("Ask a question."))
    labels = [label.strip() for label in options if label and label.strip()]
    if len(labels) < 2 or len(labels) > MAX_OPTIONS or len(set(labels)) != len(labels):
        raise ValidationError({"options": [_("Give from 2 to 8 different options.")]})
    if any(len(label) > 120 for label in labels):
        raise ValidationError({"options": [_("Keep each option under 120 characters.")]})
    if ballot not in Decision.Ballot.values:
        raise ValidationError({"ballot": [_("Choose an open or a secret ballot.")]})
    decision = Decision.objects.create(
        meeting=meeting, topic=topic, scope_path=topic.scope_path, question=question, method="vote", ballot=ballot
    )
    DecisionOption.objects.bulk_create(
        [DecisionOption(decision=decision, label=label, order=i) for i, label in enumerate(labels)]
    )
    audit("vote_opened", actor, decision, decision.scope_path, ballot=ballot, options=len(labels))
    return decision


def vote_cast(*, actor: Actor, decision: Decision, option: DecisionOption) -> Decision:
    """Vote once as a participant of the decision's roundtable. A secret ballot records only that
    the participant voted and adds one to the option's total.

    Raise PermissionDenied for a non-participant (or one marked absent), ValidationError for a
    second vote or an option of another decision, StateConflict (409) once the vote has closed."""
    participant = (
        Participant.objects.filter(meeting_id=decision.meeting_id, person_id=actor.person_id).first()
        if actor.person_id is not None
        else None
    )
    if participant is None or participant.attended is False:
        raise PermissionDenied(_("Only the roundtable's participants may vote."))
    if option.decision_id != decision.pk:
        raise ValidationError({"option": [_("Choose one of this question's options.")]})
    secret = decision.ballot == Decision.Ballot.SECRET
    try:
        with transaction.atomic():
            # The decision's row is locked until this vote commits, and the close takes the same
            # lock before it counts: a vote is either in the count or refused as too late.
            if not list(
                Decision.objects.select_for_update()
                .filter(pk=decision.pk, status=Decision.Status.VOTING)
                .values_list("pk", flat=True)
            ):
                raise StateConflict(_("The vote has closed."), code="decision_vote_conflict")
            Vote.objects.create(decision=decision, participant=participant, option=None if secret else option)
            DecisionOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
            # The audit row says that someone voted, never what (not even for an open ballot).
            audit("voted", actor, decision, decision.scope_path)
    except IntegrityError:
        raise ValidationError({"option": [_("You have voted already.")]}) from None
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_close_vote(*, actor: Actor, decision: Decision) -> Decision:
    """Close the vote: the option with most votes wins and the topic is decided. A tie is refused
    (vote again, or record a consensus)."""
    ensure_can_run_meetings(actor, decision.meeting.community)
    # Wait for votes being cast to commit (they hold this lock) before counting.
    list(Decision.objects.select_for_update().filter(pk=decision.pk).values_list("pk", flat=True))
    options = list(decision.options.order_by("-votes", "order"))
    if not options or options[0].votes == 0:
        raise ValidationError({"decision": [_("Nobody has voted yet.")]})
    if len(options) > 1 and options[0].votes == options[1].votes:
        raise ValidationError({"decision": [_("The vote is tied; vote again or record a consensus.")]})
    winner = options[0]
    closed = Decision.objects.filter(pk=decision.pk, status=Decision.Status.VOTING).update(
        status=Decision.Status.DECIDED, winning_option=winner, outcome=winner.label, decided_at=timezone.now()
    )
    if not closed:
        raise StateConflict(_("The vote has closed."), code="decision_close_conflict")
    decision.refresh_from_db()
    _decide_topic(actor, decision)
    return decision


@transaction.atomic
def decision_record_consensus(*, actor: Actor, meeting: Meeting, topic: Topic, question: str, outcome: str) -> Decision:
    """Record what the roundtable agreed without a vote; the topic is decided."""
    ensure_can_run_meetings(actor, meeting.community)
    _agenda_topic(meeting, topic)
    question = clean_text(question, field="question", max_length=200, required=True, message=_("Ask a question."))
    outcome = clean_text(
        outcome, field="outcome", max_length=TEXT_MAX, required=True, message=_("Say what was agreed.")
    )
    decision = Decision.objects.create(
        meeting=meeting,
        topic=topic,
        scope_path=topic.scope_path,
        question=question,
        method=Decision.Method.CONSENSUS,
        status=Decision.Status.DECIDED,
        outcome=outcome,
        decided_at=timezone.now(),
    )
    _decide_topic(actor, decision)
    return decision


def _decide_topic(actor: Actor, decision: Decision) -> None:
    topic = decision.topic
    TOPIC_LIFECYCLE.apply(topic, "decide")
    _event(topic, V.DECIDED, actor, note=f"{decision.question} → {decision.outcome}")
    audit("decided", actor, decision, decision.scope_path, method=decision.method)
    notify_people(
        "roundtable.decided",
        Person.objects.filter(roundtable_seats__meeting_id=decision.meeting_id).distinct(),
        topic,
        outcome=decision.outcome[:100],
    )
