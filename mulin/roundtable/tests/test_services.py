"""Topic services: raise, join, escalate level by level with a reason, merge duplicates."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Level, Topic, TopicEvent, TopicPhoto, TopicSupport
from mulin.roundtable.tests.factories import jpeg_upload, make_topic

pytestmark = pytest.mark.django_db
V = TopicEvent.Verb


def _world() -> tuple[object, ...]:
    return (
        sorted(Topic.objects.values_list("pk", "status", "level", "support_count", "merged_into")),
        TopicSupport.objects.count(),
        TopicEvent.objects.count(),
        TopicPhoto.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_raising_a_topic_about_a_building_starts_at_the_building_level_and_tells_its_handlers(cast):
    # Given 王秀英 of 南八苑1幢; when she raises a topic with a photo
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, photos=[jpeg_upload()])

    # Then it is open at the building level, in 南苑社区, her name masked, with one photo
    assert (topic.status, topic.level, topic.level_unit_id) == ("open", "building", cast.street.nanyuan_building.pk)
    assert (topic.community_id, topic.scope_path) == (cast.street.nanyuan.pk, cast.street.nanyuan_building.path)
    assert topic.raiser_name == "王**"
    assert topic.photos.count() == 1
    assert list(topic.events.values_list("verb", "to_level")) == [("raised", "building")]
    # and the community's worker (the building has no handlers of its own) is told
    assert list(Notification.objects.filter(kind="roundtable.raised").values_list("recipient_id", flat=True)) == [
        cast.nanyuan_worker.pk
    ]
    assert AuditEvent.objects.filter(verb="roundtable.raised").count() == 1


def test_a_topic_about_a_compound_starts_at_the_compound_level(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)

    assert (topic.level, topic.level_path) == ("compound", cast.street.nanyuan_compound.path)


@pytest.mark.parametrize(
    ("who", "where", "error"),
    [
        ("cuiyu_resident", "nanyuan_building", PermissionDenied),  # another community
        ("outsider", "nanyuan_compound", PermissionDenied),  # another street
        ("resident", "nanyuan", ValidationError),  # a community is not a compound or building
    ],
)
def test_raising_outside_ones_community_or_not_about_a_place_is_refused_and_writes_nothing(cast, who, where, error):
    before = _world()

    with pytest.raises(error):
        make_topic(raiser=getattr(cast, who), place=getattr(cast.street, where))

    assert _world() == before


def test_an_empty_title_is_refused_in_the_users_language(cast):
    before = _world()

    with pytest.raises(ValidationError) as refused:
        make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, title="   ")

    assert refused.value.message_dict == {"title": ["Say what the topic is."]}
    assert _world() == before


def test_a_neighbour_joins_once_and_the_count_follows(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)

    topic = services.topic_support(actor=actor(cast.neighbour), topic=topic)

    assert topic.support_count == 1
    assert list(topic.supports.values_list("person_id", flat=True)) == [cast.neighbour.pk]
    before = _world()
    with pytest.raises(ValidationError):
        services.topic_support(actor=actor(cast.neighbour), topic=topic)
    assert _world() == before


@pytest.mark.parametrize("who", ["resident", "cuiyu_resident", "outsider"])
def test_the_raiser_and_outsiders_cannot_join(cast, who):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    before = _world()

    with pytest.raises(PermissionDenied):
        services.topic_support(actor=actor(getattr(cast, who)), topic=topic)

    assert _world() == before


def test_escalation_climbs_level_by_level_with_reasons_and_tells_the_next_handlers(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    worker = actor(cast.nanyuan_worker)

    topic = services.topic_escalate(actor=worker, topic=topic, reason="楼道里协调不了，涉及整个小区")
    topic = services.topic_escalate(actor=worker, topic=topic, reason="物业不同意，需社区协调")
    assert (topic.level, topic.level_unit_id) == ("community", cast.street.nanyuan.pk)
    # The community worker cannot hand it to the street and still act there …
    topic = services.topic_escalate(actor=worker, topic=topic, reason="需要街道城管和园林部门")
    assert (topic.level, topic.level_unit_id) == ("street", cast.street.street.pk)
    before = _world()
    with pytest.raises(PermissionDenied):
        services.topic_escalate(actor=worker, topic=topic, reason="再升级")
    assert _world() == before

    steps = list(topic.events.filter(verb=V.ESCALATED).values_list("from_level", "to_level", "note"))
    assert steps == [
        ("building", "compound", "楼道里协调不了，涉及整个小区"),
        ("compound", "community", "物业不同意，需社区协调"),
        ("community", "street", "需要街道城管和园林部门"),
    ]
    # The street administrator was told of the last step, the raiser of every step
    told = Notification.objects.filter(kind="roundtable.escalated")
    assert told.filter(recipient=cast.street_admin).count() == 1
    assert told.filter(recipient=cast.resident).count() == 3


def test_escalation_needs_a_reason_and_a_handler(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    before = _world()

    with pytest.raises(ValidationError) as refused:
        services.topic_escalate(actor=actor(cast.nanyuan_worker), topic=topic, reason=" ")
    assert refused.value.message_dict == {"reason": ["Say why it needs a higher level."]}
    for who in ("resident", "neighbour", "cuiyu_worker", "outsider_worker"):
        with pytest.raises(PermissionDenied):
            services.topic_escalate(actor=actor(getattr(cast, who)), topic=topic, reason="理由")
    assert _world() == before


def test_street_topics_are_handled_at_the_street_only(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    topic = services.topic_escalate(actor=actor(cast.street_admin), topic=topic, reason="一")
    topic = services.topic_escalate(actor=actor(cast.street_admin), topic=topic, reason="二")

    assert topic.level == Level.STREET
    with pytest.raises(ValidationError):
        services.topic_escalate(actor=actor(cast.street_admin), topic=topic, reason="三")


def test_merging_a_duplicate_carries_supporters_history_and_photos_over(cast):
    # Given a topic the neighbour joined, and a duplicate 王秀英 raised with a photo, joined by a worker
    original = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_compound, title="绿化带太高挡光")
    services.topic_support(actor=actor(cast.street_admin), topic=original)
    duplicate = make_topic(
        raiser=cast.resident, place=cast.street.nanyuan_building, title="楼下树丛蚊子多", photos=[jpeg_upload()]
    )
    services.topic_support(actor=actor(cast.nanyuan_worker), topic=duplicate)
    services.topic_support(actor=actor(cast.street_admin), topic=duplicate)

    # When the community worker merges the duplicate into the original
    into = services.topic_merge(actor=actor(cast.nanyuan_worker), topic=duplicate, into=original)

    # Then everyone is counted once on the original, the duplicate points at it, history came along
    assert into.pk == original.pk
    assert sorted(into.supports.values_list("person_id", flat=True)) == sorted(
        [cast.street_admin.pk, cast.resident.pk, cast.nanyuan_worker.pk]
    )
    assert into.support_count == 3
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", original.pk)
    carried = list(into.events.filter(carried_from=duplicate).values_list("verb", flat=True))
    assert carried == ["raised", "absorbed"]
    assert into.photos.count() == 1
    assert Notification.objects.filter(kind="roundtable.merged", recipient=cast.resident).count() == 1


def test_merge_is_refused_across_communities_for_itself_and_for_residents(cast):
    nanyuan = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    other = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_building)
    cuiyu = make_topic(raiser=cast.cuiyu_resident, place=cast.street.cuiyu_building)
    before = _world()

    with pytest.raises(ValidationError):
        services.topic_merge(actor=actor(cast.street_admin), topic=nanyuan, into=cuiyu)
    with pytest.raises(ValidationError):
        services.topic_merge(actor=actor(cast.street_admin), topic=nanyuan, into=nanyuan)
    with pytest.raises(PermissionDenied):
        services.topic_merge(actor=actor(cast.resident), topic=nanyuan, into=other)
    with pytest.raises(PermissionDenied):
        services.topic_merge(actor=actor(cast.cuiyu_worker), topic=nanyuan, into=other)
    assert _world() == before
