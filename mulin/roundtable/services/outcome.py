"""From decision to done: action items are work orders (filed through `mulin.workorders` with the
topic as their source), resident supervisors post progress, everyone who raised or joined rates the
outcome, and a rating below the threshold reopens the topic and tells its handlers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor
from mulin.roundtable.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ProgressPost,
    Supervisor,
    Topic,
    TopicEvent,
    TopicRating,
)
from mulin.roundtable.permissions import ensure_can_handle_topic
from mulin.roundtable.selectors import topic_participant_ids
from mulin.roundtable.services._common import (
    audit,
    clean_photos,
    event,
    level_handlers,
    notify,
    notify_people,
    store_photos,
)
from mulin.roundtable.transitions import TOPIC_LIFECYCLE
from mulin.workorders import services as workorders
from mulin.workorders.models import WorkOrder, WorkOrderCategory
from mulin.workorders.selectors import work_order_list_for_source

V = TopicEvent.Verb
S = Topic.Status


def reopen_below() -> Decimal:
    """Ratings averaging below this reopen the topic (MULIN_ROUNDTABLE_REOPEN_BELOW, default 3)."""
    return Decimal(str(getattr(settings, "MULIN_ROUNDTABLE_REOPEN_BELOW", 3)))


def action_items(topic: Topic) -> list[WorkOrder]:
    """The topic's action items (work orders whose source is the topic), oldest first."""
    return list(work_order_list_for_source(Actor.system(), topic).select_related("category"))


@transaction.atomic
def action_item_file(
    *,
    actor: Actor,
    topic: Topic,
    title: str,
    owner: OrgUnit,
    category: WorkOrderCategory | None = None,
    supervisors: Sequence[Person] = (),
    note: str = "",
) -> WorkOrder:
    """File an action item of a decided topic as a work order, accepted and dispatched to its
    `owner` (物业, 业委会, the community …; the deadline is the category's), and name resident
    `supervisors` who may post progress. The topic is being carried out.

    Raise PermissionDenied for anyone but the topic's handlers, ValidationError for an undecided
    topic, an empty title or supervisors from outside the topic's community."""
    ensure_can_handle_topic(actor, topic)
    if topic.status not in (S.DECIDED, S.IN_PROGRESS):
        raise ValidationError({"topic": [_("File action items once the roundtable has decided.")]})
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Say what is to be done."))
    for person in supervisors:
        if person.home_unit is None or not person.home_unit.path.startswith(topic.community.path):
            raise ValidationError({"supervisors": [_("Supervisors are residents of the topic's community.")]})
    category = category or WorkOrderCategory.objects.filter(code="other").first()
    if category is None:
        raise ValidationError({"category": [_("Choose one of the categories.")]})
    order = workorders.work_order_create(
        actor=actor,
        category=category,
        title=title,
        description=note,
        community=topic.community,
        place=topic.place,
        source=topic,
        reporter=topic.raised_by,
        reporter_name=topic.public_name,
    )
    workorders.work_order_accept(actor=actor, order=order)
    order = workorders.work_order_dispatch(actor=actor, order=order, party=owner)
    TOPIC_LIFECYCLE.apply(topic, "start")
    for person in supervisors:
        Supervisor.objects.get_or_create(topic=topic, person=person)
    event(topic, V.ACTION, actor=actor.person, note=f"#{order.pk} {order.title} → {order.assignee_name}")
    audit("action_filed", actor, topic, topic.scope_path, order=order.pk, supervisors=len(supervisors))
    return order


def can_post_progress(actor: Actor, topic: Topic) -> bool:
    """Supervisors and the topic's handlers report progress while it is carried out."""
    if topic.status != S.IN_PROGRESS or actor.person_id is None:
        return False
    if Supervisor.objects.filter(topic=topic, person_id=actor.person_id).exists():
        return True
    from mulin.roundtable.permissions import can_handle_topic

    return can_handle_topic(actor, topic)


@transaction.atomic
def progress_post(*, actor: Actor, topic: Topic, note: str, photos: Sequence[Any] = ()) -> ProgressPost:
    """A supervisor (or handler) tells the neighbours how the works are going, with photos."""
    if not can_post_progress(actor, topic):
        raise PermissionDenied(_("Only the topic's supervisors and handlers report progress."))
    note = clean_text(note, field="note", max_length=TEXT_MAX, required=True, message=_("Say how it is going."))
    cleaned = clean_photos(photos)
    assert actor.person is not None
    post = ProgressPost.objects.create(topic=topic, author=actor.person, note=note)
    store_photos(topic, cleaned, by=actor.person, progress=post)
    event(topic, V.PROGRESS, actor=actor.person, note=note)
    audit("progress", actor, topic, topic.scope_path, photos=len(cleaned))
    return post


@transaction.atomic
def topic_complete(*, actor: Actor, topic: Topic) -> Topic:
    """All action items are closed: everyone who raised or joined the topic is asked to rate it.

    Raise PermissionDenied for anyone but the handlers, ValidationError while an action item is
    still open, StateConflict (409) unless the topic is being carried out."""
    ensure_can_handle_topic(actor, topic)
    orders = action_items(topic)
    if not orders or any(order.status != WorkOrder.Status.CLOSED for order in orders):
        raise ValidationError({"topic": [_("Close every action item first.")]})
    TOPIC_LIFECYCLE.apply(topic, "done", rating_average=None, rating_count=0)
    event(topic, V.DONE, actor=actor.person)
    audit("done", actor, topic, topic.scope_path, orders=len(orders))
    notify_people("roundtable.rate_asked", Person.objects.filter(pk__in=topic_participant_ids(topic)), topic)
    return topic


def can_rate_topic(actor: Actor, topic: Topic) -> bool:
    """Everyone who raised or joined, once per round, while the topic waits for ratings."""
    if topic.status != S.RATING or actor.person_id is None:
        return False
    if actor.person_id not in topic_participant_ids(topic):
        return False
    return not TopicRating.objects.filter(topic=topic, person_id=actor.person_id, round=topic.reopen_count).exists()


def topic_rate(*, actor: Actor, topic: Topic, score: int, comment: str = "") -> Topic:
    """Rate the outcome 1–5 with a comment. When everyone asked has rated, the round is settled:
    an average below the threshold reopens the topic and tells its handlers, else it closes.

    Raise PermissionDenied for people who neither raised nor joined, ValidationError for a score
    outside 1–5 or a second rating, StateConflict (409) unless the topic waits for ratings."""
    if actor.person_id is None or actor.person_id not in topic_participant_ids(topic):
        raise PermissionDenied(_("Only the residents who raised or joined the topic rate it."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": [_("Choose from 1 to 5.")]})
    comment = clean_text(comment, field="comment", max_length=REASON_MAX)
    try:
        with transaction.atomic():
            if not Topic.objects.filter(pk=topic.pk, status=S.RATING).select_for_update().exists():
                raise StateConflict(_("This topic is not waiting for ratings."), code="topic_rate_conflict")
            topic.refresh_from_db()
            TopicRating.objects.create(
                topic=topic, person_id=actor.person_id, round=topic.reopen_count, score=score, comment=comment
            )
            stats = TopicRating.objects.filter(topic=topic, round=topic.reopen_count).aggregate(
                average=Avg("score"), count=Count("id")
            )
            average = Decimal(str(stats["average"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            Topic.objects.filter(pk=topic.pk).update(rating_average=average, rating_count=stats["count"])
            topic.refresh_from_db()
            event(topic, V.RATED, actor=actor.person, note=f"{score}/5 {comment}".strip())
            audit("rated", actor, topic, topic.scope_path, score=score)
            if stats["count"] >= len(topic_participant_ids(topic)):
                _settle(actor, topic)
    except IntegrityError:
        raise ValidationError({"score": [_("You have rated this already.")]}) from None
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_settle_rating(*, actor: Actor, topic: Topic) -> Topic:
    """Handlers settle a round before everyone has rated (people move away, some never answer)."""
    ensure_can_handle_topic(actor, topic)
    if topic.rating_count == 0:
        raise ValidationError({"topic": [_("Nobody has rated yet.")]})
    _settle(actor, topic)
    topic.refresh_from_db()
    return topic


def _settle(actor: Actor, topic: Topic) -> None:
    average = topic.rating_average or Decimal(0)
    if average < reopen_below():
        TOPIC_LIFECYCLE.apply(topic, "reopen", reopen_count=topic.reopen_count + 1, closed_at=None)
        event(topic, V.REOPENED, actor=None, note=f"{average}/5")
        audit("reopened", actor, topic, topic.scope_path, average=str(average))
        notify("roundtable.reopened", level_handlers(topic.level_path), topic, average=str(average))
    else:
        TOPIC_LIFECYCLE.apply(topic, "close", closed_at=timezone.now())
        event(topic, V.CLOSED, actor=None, note=f"{average}/5")
        audit("closed", actor, topic, topic.scope_path, average=str(average))


def is_supervisor(actor: Actor, topic: Topic) -> bool:
    return actor.person_id is not None and Supervisor.objects.filter(topic=topic, person_id=actor.person_id).exists()
