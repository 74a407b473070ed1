"""From decision to done: action items as work orders, supervisors' progress, ratings that close
or reopen the topic."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from mulin.core.exceptions import StateConflict
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Topic, TopicRating
from mulin.roundtable.tests.factories import jpeg_upload, make_meeting, make_topic
from mulin.web.tests.cast import sign_in
from mulin.workorders import services as workorders
from mulin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
S = Topic.Status


@pytest.fixture
def decided(cast, categories):  # type: ignore[no-untyped-def]
    """The green-belt topic, raised by 王秀英, joined by her neighbour, decided by consensus."""
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    services.topic_support(actor=actor(cast.neighbour), topic=topic)
    meeting = make_meeting(staff=cast.nanyuan_worker, topics=[topic])
    services.decision_record_consensus(
        actor=actor(cast.nanyuan_worker), meeting=meeting, topic=topic, question="怎么改造？", outcome="改成小花园"
    )
    topic.refresh_from_db()
    return topic


def _finish(cast, order: WorkOrder) -> None:  # type: ignore[no-untyped-def]
    staff = actor(cast.nanyuan_worker)
    workorders.work_order_start(actor=staff, order=order)
    workorders.work_order_resolve(actor=staff, order=order, note="已改造成小花园", photos=[jpeg_upload()])
    workorders.work_order_verify(actor=actor(cast.resident), order=order)
    workorders.work_order_close(actor=staff, order=order)


def _to_rating(cast, topic, property_unit) -> Topic:  # type: ignore[no-untyped-def]
    order = services.action_item_file(
        actor=actor(cast.nanyuan_worker), topic=topic, title="绿化带改造", owner=property_unit
    )
    _finish(cast, order)
    return services.topic_complete(actor=actor(cast.nanyuan_worker), topic=topic)


def test_an_action_item_is_a_dispatched_work_order_of_the_topic(cast, decided, property_unit):
    order = services.action_item_file(
        actor=actor(cast.nanyuan_worker),
        topic=decided,
        title="绿化带修剪改造",
        owner=property_unit,
        supervisors=[cast.neighbour],
    )

    assert (order.status, order.assignee_unit_id, order.reporter_id) == (
        "dispatched",
        property_unit.pk,
        cast.resident.pk,
    )
    assert order.due_at is not None
    assert [o.pk for o in services.action_items(decided)] == [order.pk]
    decided.refresh_from_db()
    assert decided.status == S.IN_PROGRESS
    assert list(decided.supervisors.values_list("person_id", flat=True)) == [cast.neighbour.pk]


def test_action_items_only_by_handlers_and_only_once_decided(cast, categories, property_unit):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
    with pytest.raises(ValidationError):
        services.action_item_file(actor=actor(cast.nanyuan_worker), topic=topic, title="x", owner=property_unit)
    with pytest.raises(PermissionDenied):
        services.action_item_file(actor=actor(cast.resident), topic=topic, title="x", owner=property_unit)
    assert WorkOrder.objects.count() == 0


def test_supervisors_post_progress_with_photos_others_cannot(cast, decided, property_unit):
    services.action_item_file(
        actor=actor(cast.nanyuan_worker), topic=decided, title="改造", owner=property_unit, supervisors=[cast.neighbour]
    )

    post = services.progress_post(
        actor=actor(cast.neighbour), topic=decided, note="今天开始清理杂草", photos=[jpeg_upload()]
    )

    assert post.photos.count() == 1
    with pytest.raises(PermissionDenied):
        services.progress_post(actor=actor(cast.resident), topic=decided, note="x")


def test_completion_waits_for_every_action_item(cast, decided, property_unit):
    order = services.action_item_file(
        actor=actor(cast.nanyuan_worker), topic=decided, title="改造", owner=property_unit
    )

    with pytest.raises(ValidationError):
        services.topic_complete(actor=actor(cast.nanyuan_worker), topic=decided)
    _finish(cast, order)
    topic = services.topic_complete(actor=actor(cast.nanyuan_worker), topic=decided)

    assert topic.status == S.RATING
    asked = Notification.objects.filter(kind="roundtable.rate_asked").values_list("recipient_id", flat=True)
    assert sorted(asked) == sorted([cast.resident.pk, cast.neighbour.pk])


def test_good_ratings_from_everyone_close_the_topic(cast, decided, property_unit):
    topic = _to_rating(cast, decided, property_unit)

    topic = services.topic_rate(actor=actor(cast.resident), topic=topic, score=5, comment="很满意")
    assert topic.status == S.RATING
    topic = services.topic_rate(actor=actor(cast.neighbour), topic=topic, score=4)

    assert (topic.status, str(topic.rating_average), topic.rating_count) == (S.CLOSED, "4.50", 2)
    assert topic.closed_at is not None


def test_a_rating_below_the_threshold_reopens_and_tells_the_handlers(cast, decided, property_unit):
    topic = _to_rating(cast, decided, property_unit)

    services.topic_rate(actor=actor(cast.resident), topic=topic, score=2, comment="蚊子还是多")
    topic = services.topic_rate(actor=actor(cast.neighbour), topic=topic, score=3)

    assert (topic.status, topic.reopen_count, str(topic.rating_average)) == (S.OPEN, 1, "2.50")
    told = Notification.objects.filter(kind="roundtable.reopened").values_list("recipient_id", flat=True)
    assert list(told) == [cast.nanyuan_worker.pk]
    assert list(topic.events.order_by("-id").values_list("verb", flat=True)[:1]) == ["reopened"]


def test_rating_twice_outsiders_and_out_of_range_are_refused(cast, decided, property_unit):
    topic = _to_rating(cast, decided, property_unit)
    services.topic_rate(actor=actor(cast.resident), topic=topic, score=5)

    with pytest.raises(ValidationError):
        services.topic_rate(actor=actor(cast.resident), topic=topic, score=4)
    with pytest.raises(PermissionDenied):
        services.topic_rate(actor=actor(cast.cuiyu_resident), topic=topic, score=1)
    with pytest.raises(ValidationError):
        services.topic_rate(actor=actor(cast.neighbour), topic=topic, score=6)
    assert TopicRating.objects.count() == 1


def test_handlers_settle_early_and_a_settled_topic_takes_no_more_ratings(cast, decided, property_unit):
    topic = _to_rating(cast, decided, property_unit)
    services.topic_rate(actor=actor(cast.resident), topic=topic, score=5)

    topic = services.topic_settle_rating(actor=actor(cast.nanyuan_worker), topic=topic)

    assert topic.status == S.CLOSED
    with pytest.raises(StateConflict):
        services.topic_rate(actor=actor(cast.neighbour), topic=topic, score=1)


def test_the_api_and_the_page_from_decision_to_rating(cast, decided, property_unit):
    staff = APIClient()
    staff.force_authenticate(user=cast.nanyuan_worker.user)
    filed = staff.post(
        f"/api/v1/topics/{decided.pk}/actions/",
        {"title": "绿化带改造", "owner": property_unit.pk, "supervisors": [cast.neighbour.pk]},
        format="json",
    )
    assert filed.status_code == 200
    assert [item["owner"] for item in filed.json()["action_items"]] == ["南八苑物业服务中心"]
    _finish(cast, WorkOrder.objects.get())
    assert staff.post(f"/api/v1/topics/{decided.pk}/complete/").status_code == 200

    web = Client()
    sign_in(web, cast.resident)
    page = web.get(f"/roundtable/{decided.pk}/").content.decode()
    rated = web.post(f"/roundtable/{decided.pk}/rate/", {"rate-score": "5", "rate-comment": "好"})
    resident = APIClient()
    resident.force_authenticate(user=cast.neighbour.user)
    api_rated = resident.post(f"/api/v1/topics/{decided.pk}/rating/", {"score": 4}, format="json")

    assert 'data-testid="rate"' in page
    assert rated.status_code == 302
    assert (api_rated.status_code, api_rated.json()["status"], api_rated.json()["rating_average"]) == (
        200,
        "closed",
        "4.50",
    )
