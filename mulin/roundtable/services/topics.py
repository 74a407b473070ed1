"""Topics: raise, join ("me too"), escalate a level with a reason, merge duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.core.masking import mask_name
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import orgunit_enclosing
from mulin.roundtable.models import (
    LEVEL_ORDER,
    OPEN_STATUSES,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Level,
    Topic,
    TopicEvent,
    TopicSupport,
)
from mulin.roundtable.permissions import (
    ensure_can_handle_topic,
    ensure_can_raise_topic,
    ensure_can_support_topic,
)
from mulin.roundtable.services._common import audit, clean_photos, event, level_handlers, notify, store_photos
from mulin.roundtable.transitions import TOPIC_LIFECYCLE

K = OrgUnit.Kind
V = TopicEvent.Verb
_LEVEL_KIND = {
    Level.BUILDING: K.BUILDING,
    Level.COMPOUND: K.COMPOUND,
    Level.COMMUNITY: K.COMMUNITY,
    Level.STREET: K.STREET,
}


@transaction.atomic
def topic_raise(
    *,
    actor: Actor,
    place: OrgUnit,
    title: str,
    text: str = "",
    photos: Sequence[Any] = (),
    anonymous: bool = False,
) -> Topic:
    """Raise a topic about a compound or building (status open, handled at the place's own level)
    and tell that level's handlers.

    Raise PermissionDenied outside the actor's community, ValidationError (nothing written) for a
    place that is not a compound or building, an empty or too long title, too long a text or a
    bad photo.
    """
    if not isinstance(place, OrgUnit) or place.kind not in (K.COMPOUND, K.BUILDING):
        raise ValidationError({"place": [_("Choose a compound or a building.")]})
    ensure_can_raise_topic(actor, place)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Say what the topic is."))
    text = clean_text(text, field="text", max_length=TEXT_MAX)
    community = orgunit_enclosing(place, [K.COMMUNITY]).get(K.COMMUNITY)
    if community is None:
        raise ValidationError({"place": [_("This place is not inside a community.")]})
    cleaned = clean_photos(photos)
    person = actor.person
    if person is None:
        raise ValidationError({"place": [_("Only a registered resident may raise a topic.")]})
    topic = Topic.objects.create(
        community=community,
        place=place,
        scope_path=place.path,
        title=title,
        text=text,
        level=Level.BUILDING if place.kind == K.BUILDING else Level.COMPOUND,
        level_unit=place,
        level_path=place.path,
        raised_by=person,
        raiser_name=(person.full_name if person.shows_full_name else mask_name(person.full_name))[:50],
        anonymous=bool(anonymous),
    )
    store_photos(topic, cleaned, by=person)
    event(topic, V.RAISED, actor=person, to_level=topic.level)
    audit("raised", actor, topic, topic.scope_path, photos=len(cleaned), level=topic.level)
    notify("roundtable.raised", level_handlers(topic.level_path), topic, level=topic.get_level_display())
    return topic


def topic_support(*, actor: Actor, topic: Topic) -> Topic:
    """Join a topic ("me too"): once per person; the count goes up by one.

    Raise PermissionDenied for the raiser and outsiders, StateConflict (409) when the topic is no
    longer open, ValidationError when the person joined already (nothing changes).
    """
    ensure_can_support_topic(actor, topic)
    assert actor.person is not None
    try:
        with transaction.atomic():
            TopicSupport.objects.create(topic=topic, person=actor.person)
            updated = Topic.objects.filter(pk=topic.pk, status__in=OPEN_STATUSES).update(
                support_count=F("support_count") + 1, updated_at=timezone.now()
            )
            if not updated:
                raise StateConflict(_("This topic is closed; it takes no more support."), code="topic_support_conflict")
            audit("supported", actor, topic, topic.scope_path)
    except IntegrityError:
        raise ValidationError({"topic": [_("You have joined this topic already.")]}) from None
    topic.refresh_from_db()
    return topic


def _next_level(topic: Topic) -> tuple[str, OrgUnit]:
    """The next level up that exists above the place (a building outside any compound goes to
    its community) and its unit."""
    above = LEVEL_ORDER[LEVEL_ORDER.index(Level(topic.level)) + 1 :]
    units = orgunit_enclosing(topic.place, [_LEVEL_KIND[level] for level in above])
    for level in above:
        unit = units.get(_LEVEL_KIND[level])
        if unit is not None:
            return level, unit
    raise ValidationError({"level": [_("This topic is handled at the highest level already.")]})


@transaction.atomic
def topic_escalate(*, actor: Actor, topic: Topic, reason: str) -> Topic:
    """Hand an open topic to the next level up, with the reason it cannot be solved here; the new
    level's handlers and the raiser are told, and the step shows in the topic's history.

    Raise PermissionDenied for anyone but the current level's handlers, ValidationError for a
    missing reason or a topic at the street level, StateConflict (409) when someone moved it first.
    """
    ensure_can_handle_topic(actor, topic)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX, required=True, message=_("Say why it needs a higher level.")
    )
    if topic.level == Level.STREET:
        raise ValidationError({"level": [_("This topic is handled at the highest level already.")]})
    level, unit = _next_level(topic)
    from_level = topic.level
    updated = Topic.objects.filter(pk=topic.pk, status__in=OPEN_STATUSES, level=from_level).update(
        level=level, level_unit=unit, level_path=unit.path, updated_at=timezone.now()
    )
    if not updated:
        raise StateConflict(_("This topic was escalated or closed meanwhile."), code="topic_escalate_conflict")
    topic.refresh_from_db()
    event(topic, V.ESCALATED, actor=actor.person, from_level=from_level, to_level=level, note=reason)
    audit("escalated", actor, topic, topic.scope_path, from_level=from_level, to_level=level)
    notify(
        "roundtable.escalated",
        [*level_handlers(topic.level_path), topic.raised_by],
        topic,
        level=topic.get_level_display(),
    )
    return topic


@transaction.atomic
def topic_merge(*, actor: Actor, topic: Topic, into: Topic) -> Topic:
    """Merge a duplicate `topic` into `into`: the duplicate's raiser and supporters join `into`
    (each once), its history and photos are carried over, and it is closed as merged. Returns `into`.

    Raise PermissionDenied unless the actor handles both, ValidationError for the same topic,
    another community or a closed target, StateConflict (409) when the duplicate moved first.
    """
    ensure_can_handle_topic(actor, topic)
    ensure_can_handle_topic(actor, into)
    if topic.pk == into.pk:
        raise ValidationError({"into": [_("A topic cannot be merged into itself.")]})
    if topic.community_id != into.community_id:
        raise ValidationError({"into": [_("Merge only topics of the same community.")]})
    if into.status in (Topic.Status.CLOSED, Topic.Status.MERGED):
        raise ValidationError({"into": [_("Choose an open topic to merge into.")]})
    TOPIC_LIFECYCLE.apply(topic, "merge", merged_into=into, closed_at=timezone.now())
    # Supporters carried over: the duplicate's raiser and its supporters, except people in `into`.
    present = {into.raised_by_id, *into.supports.values_list("person_id", flat=True)}
    carried = [topic.raised_by_id, *topic.supports.values_list("person_id", flat=True)]
    new = [pid for pid in dict.fromkeys(carried) if pid not in present]
    TopicSupport.objects.bulk_create(
        [TopicSupport(topic=into, person_id=pid, carried_from=topic) for pid in new], ignore_conflicts=True
    )
    # History carried over, marked with where it happened.
    history = list(topic.events.order_by("id"))
    TopicEvent.objects.bulk_create(
        [
            TopicEvent(
                topic=into,
                verb=old.verb,
                actor_id=old.actor_id,
                from_level=old.from_level,
                to_level=old.to_level,
                note=old.note,
                carried_from_id=old.carried_from_id or topic.pk,
                created_at=old.created_at,
            )
            for old in history
        ]
    )
    topic.photos.update(topic=into)
    Topic.objects.filter(pk=into.pk).update(support_count=into.supports.count(), updated_at=timezone.now())
    note = f"#{topic.pk} → #{into.pk}"
    event(topic, V.MERGED, actor=actor.person, note=note)
    event(into, V.ABSORBED, actor=actor.person, note=note, carried_from=topic)
    audit("merged", actor, topic, topic.scope_path, into=into.pk, supporters=len(new))
    notify("roundtable.merged", [topic.raised_by], topic, into=into.pk)
    into.refresh_from_db()
    return into
