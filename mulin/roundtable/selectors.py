"""Scoped reads of topics: each joined with what its page shows."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, parent_path, scope_q, subtree_q, subtrees_q, unit_ancestor_paths
from mulin.roundtable.models import (
    Decision,
    JointMeeting,
    Meeting,
    Participant,
    Position,
    ProgressPost,
    PropertyEvaluation,
    ResponsibilityItem,
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


# --- three-party co-governance -------------------------------------------------------------------


def cogov_officer_compound_paths(actor: Actor) -> list[str]:
    """The compounds whose three-party record the actor keeps as an officer of one of the parties
    (the role is held at the party's unit, a child of the compound)."""
    return [parent_path(path) for path in actor.scope_paths(Capability.COGOV_RECORD) if path]


def cogov_home_compound_path(actor: Actor) -> str | None:
    """The compound the actor lives in, if they read its community's board (a resident of it)."""
    person = actor.person
    if person is None or person.home_unit_id is None:
        return None
    home = OrgUnit.objects.filter(pk=person.home_unit_id).values_list("path", flat=True).first() or ""
    compound = (
        OrgUnit.objects.filter(kind=K.COMPOUND, path__in=unit_ancestor_paths(home))
        .values_list("path", flat=True)
        .first()
    )
    if compound is None or not actor.can(Capability.TOPIC_VIEW, compound):
        return None
    return compound


def _cogov_visible_q(actor: Actor) -> Q:
    if actor.is_system:
        return Q()
    paths = cogov_officer_compound_paths(actor)
    home = cogov_home_compound_path(actor)
    if home:
        paths.append(home)
    return scope_q(actor, Capability.TOPIC_HANDLE, "scope_path") | Q(scope_path__in=paths)


def joint_meeting_list_visible_to(
    actor: Actor, *, compound_id: int | None = None, before: int | None = None
) -> QuerySet[JointMeeting]:
    """Joint meetings the actor may read, newest first (keyset: `before`): community staff those of
    their community's compounds, the parties' officers and the residents those of their compound;
    each with its count of open items agreed at it."""
    rows = JointMeeting.objects.filter(_cogov_visible_q(actor))
    if compound_id is not None:
        rows = rows.filter(compound_id=compound_id)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return (
        rows.select_related("compound")
        .annotate(open_count=Count("items", filter=Q(items__status=ResponsibilityItem.Status.OPEN)))
        .order_by("-id")
    )


def joint_meeting_items(meeting: JointMeeting) -> list[ResponsibilityItem]:
    """The responsibility list agreed at this meeting."""
    return list(meeting.items.order_by("due_on", "id"))


def joint_meeting_followups(meeting: JointMeeting) -> list[ResponsibilityItem]:
    """Items of the compound's earlier meetings that were still open when this one met (open now,
    or done on or after its day): the follow-ups it reviews."""
    return list(
        ResponsibilityItem.objects.filter(
            meeting__compound_id=meeting.compound_id, meeting__held_on__lt=meeting.held_on
        )
        .filter(Q(status=ResponsibilityItem.Status.OPEN) | Q(done_on__gte=meeting.held_on))
        .select_related("meeting")
        .order_by("due_on", "id")
    )


def responsibility_list_visible_to(actor: Actor) -> QuerySet[ResponsibilityItem]:
    """Responsibility items of the joint meetings the actor may read."""
    return ResponsibilityItem.objects.filter(_cogov_visible_q(actor)).select_related("meeting__compound")


def cogov_compounds_for(actor: Actor) -> list[OrgUnit]:
    """The compounds whose joint meetings the actor may record: governed compounds (those with an
    owners' committee or a property management) of their community as staff, theirs as an officer."""
    governed = OrgUnit.objects.filter(
        kind=K.COMPOUND, children__kind__in=(K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT)
    ).distinct()
    if not actor.is_system:
        governed = governed.filter(
            scope_q(actor, Capability.TOPIC_HANDLE, "path") | Q(path__in=cogov_officer_compound_paths(actor))
        )
    return list(governed.order_by("path"))


def property_evaluation_home(actor: Actor) -> OrgUnit | None:
    """The governed compound (one with a property management) the actor lives in: the one whose
    property service they evaluate."""
    path = cogov_home_compound_path(actor)
    if path is None:
        return None
    return OrgUnit.objects.filter(path=path, children__kind=K.PROPERTY_MANAGEMENT).distinct().first()


def property_evaluation_results(actor: Actor, *, years: int = 3) -> list[dict[str, object]]:
    """Each compound's yearly results the actor may read, latest year first (year on year):
    the compounds they record for in full (count, overall and per-aspect averages, this year's
    comments without names), the compound they live in as totals only (count and overall average).
    Three queries whatever the number of compounds."""
    full = {unit.pk: unit for unit in cogov_compounds_for(actor)}
    home = property_evaluation_home(actor)
    units = dict(full)
    if home is not None:
        units.setdefault(home.pk, home)
    if not units:
        return []
    aspects = PropertyEvaluation.ASPECTS
    rows = (
        PropertyEvaluation.objects.filter(compound_id__in=list(units))
        .values("compound_id", "year")
        .annotate(count=Count("id"), **{aspect: Avg(aspect) for aspect in aspects})
        .order_by("compound_id", "-year")
    )
    by_unit: dict[int, list[dict[str, object]]] = {}
    for row in rows:
        averages = [float(row[aspect]) for aspect in aspects]
        year: dict[str, object] = {
            "year": row["year"],
            "count": row["count"],
            "average": round(sum(averages) / len(averages), 2),
        }
        if row["compound_id"] in full:
            year["aspects"] = {aspect: round(value, 2) for aspect, value in zip(aspects, averages, strict=True)}
        by_unit.setdefault(row["compound_id"], []).append(year)
    this_year = timezone.localdate().year
    comments: dict[int, list[str]] = {}
    for compound_id, comment in (
        PropertyEvaluation.objects.filter(compound_id__in=list(full), year=this_year)
        .exclude(comment="")
        .order_by("-id")
        .values_list("compound_id", "comment")[:200]
    ):
        comments.setdefault(compound_id, []).append(comment)
    return [
        {
            "compound": unit,
            "full": pk in full,
            "years": by_unit.get(pk, [])[:years],
            "comments": comments.get(pk, []) if pk in full else [],
        }
        for pk, unit in sorted(units.items(), key=lambda item: item[1].path)
    ]


def property_evaluation_given(actor: Actor, compound: OrgUnit, year: int) -> bool:
    return (
        actor.person_id is not None
        and PropertyEvaluation.objects.filter(compound=compound, person_id=actor.person_id, year=year).exists()
    )
