"""The topics API: list, raise, detail, support, escalate, merge; scoping and bad input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Topic, TopicEvent, TopicSupport
from mulin.roundtable.tests.factories import make_topic

pytestmark = pytest.mark.django_db


def _client(person) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=person.user)
    return client


def _world() -> tuple[object, ...]:
    return (
        sorted(Topic.objects.values_list("pk", "status", "level", "support_count")),
        TopicSupport.objects.count(),
        TopicEvent.objects.count(),
    )


def test_raise_then_read_it_back(cast):
    client = _client(cast.resident)

    created = client.post(
        "/api/v1/topics/",
        {"place": cast.street.nanyuan_compound.pk, "title": "绿化带挡光", "anonymous": True},
        format="json",
    )

    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["level"], body["place"]["name"]) == ("open", "compound", "南八苑")
    assert body["raised_by"] == "王**"  # the raiser sees her own name
    assert [step["verb"] for step in body["history"]] == ["raised"]
    neighbour_view = _client(cast.neighbour).get(f"/api/v1/topics/{body['id']}/").json()
    assert neighbour_view["raised_by"] == ""  # anonymous on the board
    assert neighbour_view["actions"] == ["support"]


def test_bad_input_is_refused_in_the_users_language_and_writes_nothing(cast):
    client = _client(cast.resident)
    before = _world()

    empty = client.post(
        "/api/v1/topics/",
        {"place": cast.street.nanyuan_compound.pk, "title": " "},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    elsewhere = client.post("/api/v1/topics/", {"place": cast.street.cuiyu_compound.pk, "title": "x"}, format="json")

    assert empty.status_code == 400
    assert empty.json()["errors"] == {"title": ["该字段不能为空。"]}
    assert elsewhere.status_code == 400
    assert list(elsewhere.json()["errors"]) == ["place"]
    assert _world() == before


def test_support_escalate_merge_through_the_api(cast):
    original = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_compound)
    duplicate = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, title="楼下草丛蚊子多")

    joined = _client(cast.resident).post(f"/api/v1/topics/{original.pk}/support/")
    again = _client(cast.resident).post(f"/api/v1/topics/{original.pk}/support/")
    escalated = _client(cast.nanyuan_worker).post(
        f"/api/v1/topics/{original.pk}/escalate/", {"reason": "需社区协调"}, format="json"
    )
    merged = _client(cast.nanyuan_worker).post(
        f"/api/v1/topics/{duplicate.pk}/merge/", {"into": original.pk}, format="json"
    )

    assert (joined.status_code, joined.json()["support_count"], joined.json()["supported"]) == (200, 1, True)
    assert again.status_code == 400
    assert (escalated.status_code, escalated.json()["level"]) == (200, "community")
    assert merged.status_code == 200
    assert (merged.json()["id"], merged.json()["support_count"]) == (original.pk, 1)


@pytest.mark.parametrize("who", ["cuiyu_resident", "cuiyu_worker", "outsider", "outsider_worker"])
def test_other_communities_and_streets_get_404_and_change_nothing(cast, who):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    client = _client(getattr(cast, who))
    before = _world()

    answers = [
        client.get(f"/api/v1/topics/{topic.pk}/").status_code,
        client.post(f"/api/v1/topics/{topic.pk}/support/").status_code,
        client.post(f"/api/v1/topics/{topic.pk}/escalate/", {"reason": "x"}, format="json").status_code,
        client.post(f"/api/v1/topics/{topic.pk}/merge/", {"into": topic.pk}, format="json").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert topic.pk not in [row["id"] for row in client.get("/api/v1/topics/").json()["results"]]
    assert _world() == before


@pytest.mark.parametrize("extra", [0, 12])
def test_list_query_count_does_not_grow_with_rows(cast, extra, django_assert_max_num_queries):
    for n in range(3 + extra):
        topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, title=f"议题{n}")
        services.topic_support(actor=actor(cast.neighbour), topic=topic)
    client = _client(cast.neighbour)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/topics/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3 + extra
