"""Scoped reads of topics: each joined with what its page shows."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, Max, QuerySet

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q, subtree_q, subtrees_q
from mulin.roundtable.models import (
    Decision,
    Meeting,
    Participant,
    Position,
    ProgressPost,
    Topic,
    TopicEvent,
    TopicPhoto,
    TopicSupport,
    Vote,
)
from mulin.roundtable.similar import cached_index

K = OrgUnit.Kind
PLACE_KINDS = (K.COMPOUND, K.BUILDING)


def topic_list_visible_to(
    actor: Actor,
    *,
    statuses: Collection[str] | None = None,
    level: str | None = None,
    community_id: int | None = None,
    before: int | None = None,
) -> QuerySet[Topic]:
    """Topics of the communities where the actor may see them, newest first (keyset: `before`)."""
    rows = Topic.objects.filter(scope_q(actor, Capability.TOPIC_VIEW, "scope_path"))
    if statuses:
        rows = rows.filter(status__in=list(statuses))
    if level:
        rows = rows.filter(level=level)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return rows.select_related("place", "community", "level_unit", "merged_into").order_by("-id")


def topic_events(topic: Topic) -> list[TopicEvent]:
    return list(topic.events.select_related("carried_from").order_by("id"))


def topic_photos(topic: Topic) -> list[TopicPhoto]:
    """Photos of the problem (progress photos come with their posts)."""
    return list(topic.photos.filter(progress__isnull=True).order_by("id"))


def topic_supported_by(topic: Topic, person_id: int | None) -> bool:
    return person_id is not None and TopicSupport.objects.filter(topic=topic, person_id=person_id).exists()


def topic_participant_ids(topic: Topic) -> list[int]:
    """The raiser and everyone who joined (with those carried over by merges)."""
    ids = [topic.raised_by_id, *TopicSupport.objects.filter(topic=topic).values_list("person_id", flat=True)]
    return list(dict.fromkeys(ids))


def place_choices_for(actor: Actor) -> QuerySet[OrgUnit]:
    """Compounds and buildings the actor may raise topics about, in tree order."""
    return (
        OrgUnit.objects.filter(subtrees_q("path", actor.scope_paths(Capability.TOPIC_RAISE)))
        .filter(kind__in=PLACE_KINDS, is_active=True)
        .order_by("path")
    )


# Topics a newcomer may still join: suggested while typing.
SUGGEST_STATUSES = (Topic.Status.OPEN, Topic.Status.SCHEDULED, Topic.Status.DECIDED, Topic.Status.IN_PROGRESS)


def topic_list_similar(actor: Actor, text: str, *, limit: int = 5) -> list[tuple[Topic, float]]:
    """Open topics the actor may see that read like `text`, best first, with their similarity.

    The scope's index is cached per process and rebuilt when a topic in it changed (two queries
    on a warm cache: the version and the matching rows)."""
    if len((text or "").strip()) < 2:
        return []
    rows = topic_list_visible_to(actor, statuses=SUGGEST_STATUSES).order_by()
    version = tuple(rows.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id")).values())
    key = (actor.scope_paths(Capability.TOPIC_VIEW), SUGGEST_STATUSES)
    index = cached_index(
        key,
        version,
        lambda: ((pk, f"{title} {body[:200]}") for pk, title, body in rows.values_list("pk", "title", "text")),
    )
    found = index.query(text, limit=limit)
    topics = {topic.pk: topic for topic in topic_list_visible_to(actor).filter(pk__in=[pk for pk, _s in found])}
    return [(topics[pk], score) for pk, score in found if pk in topics]


def meeting_list_visible_to(actor: Actor, *, before: int | None = None) -> QuerySet[Meeting]:
    """Roundtables of the communities where the actor sees topics, newest first."""
    rows = Meeting.objects.filter(scope_q(actor, Capability.TOPIC_VIEW, "scope_path"))
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return rows.select_related("community").order_by("-id")


def meeting_agenda(meeting: Meeting) -> list[Topic]:
    return [item.topic for item in meeting.agenda.select_related("topic__place").order_by("order", "id")]


def meeting_participants(meeting: Meeting) -> list[Participant]:
    return list(meeting.participants.select_related("person").order_by("id"))


def meeting_positions(meeting: Meeting) -> list[Position]:
    return list(meeting.positions.order_by("id"))


def decision_list_visible_to(
    actor: Actor, *, meeting_id: int | None = None, topic_id: int | None = None
) -> QuerySet[Decision]:
    rows = Decision.objects.filter(scope_q(actor, Capability.TOPIC_VIEW, "scope_path"))
    if meeting_id is not None:
        rows = rows.filter(meeting_id=meeting_id)
    if topic_id is not None:
        rows = rows.filter(topic_id=topic_id)
    return rows.select_related("topic", "meeting").prefetch_related("options").order_by("-id")


def decision_open_votes(decision: Decision) -> list[Vote]:
    """Who voted what — for an open ballot only; a secret ballot has no such rows."""
    if decision.ballot != Decision.Ballot.OPEN:
        return []
    return list(decision.cast_votes.select_related("participant__person", "option").order_by("id"))


def participant_of(meeting: Meeting, person_id: int | None) -> Participant | None:
    if person_id is None:
        return None
    return Participant.objects.filter(meeting=meeting, person_id=person_id).first()


def voted_decision_ids(meeting: Meeting, person_id: int | None) -> set[int]:
    if person_id is None:
        return set()
    return set(
        Vote.objects.filter(decision__meeting=meeting, participant__person_id=person_id).values_list(
            "decision_id", flat=True
        )
    )


def owner_choices_for(topic: Topic) -> QuerySet[OrgUnit]:
    """Who may own an action item of the topic: its community, and the property managements,
    partner units and branches inside it (the units a work order may be dispatched to)."""
    from mulin.workorders.selectors import ASSIGNABLE_KINDS

    return OrgUnit.objects.filter(
        subtree_q("path", topic.community.path), kind__in=ASSIGNABLE_KINDS, is_active=True
    ).order_by("path")


def topic_progress(topic: Topic) -> list[ProgressPost]:
    return list(topic.progress_posts.select_related("author").prefetch_related("photos").order_by("id"))


def topic_decisions(topic: Topic) -> list[Decision]:
    return list(topic.decisions.select_related("meeting").order_by("id"))


def topic_people(topic: Topic) -> list[Person]:
    """The raiser and everyone who joined, in that order."""
    ids = topic_participant_ids(topic)
    people = {person.pk: person for person in Person.objects.filter(pk__in=ids)}
    return [people[pk] for pk in ids if pk in people]


def meeting_open_votes(meeting: Meeting) -> list[Vote]:
    """Who voted what in the meeting's open ballots (one query; secret ballots have no such rows)."""
    return list(
        Vote.objects.filter(decision__meeting=meeting, decision__ballot=Decision.Ballot.OPEN, option__isnull=False)
        .select_related("participant__person", "option")
        .order_by("id")
    )
