"""Roundtable pages: the board, raising a topic (with refused input shown again), a topic's page
with its buttons, support, escalation and merge."""

from __future__ import annotations

import pytest
from django.test import Client

from mulin.roundtable.models import Topic
from mulin.roundtable.tests.factories import make_topic
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


def _web(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sign_in(client, person)
    return client


def test_raise_a_topic_on_the_page_and_see_it_on_the_board(cast):
    client = _web(cast.resident)

    form = client.get("/roundtable/new/")
    sent = client.post("/roundtable/new/", {"place": cast.street.nanyuan_compound.pk, "title": "绿化带挡光"})

    assert form.status_code == 200
    topic = Topic.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/roundtable/{topic.pk}/"
    board = _web(cast.neighbour).get("/roundtable/")
    assert "绿化带挡光" in board.content.decode()
    page = _web(cast.neighbour).get(f"/roundtable/{topic.pk}/").content.decode()
    assert 'data-testid="support"' in page and "我也是" in page


def test_a_refused_title_comes_back_with_the_message_in_chinese(cast):
    client = _web(cast.resident)

    answer = client.post("/roundtable/new/", {"place": cast.street.nanyuan_compound.pk, "title": "   "})

    assert answer.status_code == 400
    assert Topic.objects.count() == 0


def test_escalate_on_the_page_needs_a_reason(cast):
    topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building)
    client = _web(cast.nanyuan_worker)

    refused = client.post(f"/roundtable/{topic.pk}/escalate/", {"escalate-reason": ""})
    done = client.post(f"/roundtable/{topic.pk}/escalate/", {"escalate-reason": "楼道里协调不了"})

    assert refused.status_code == 400
    assert done.status_code == 302
    topic.refresh_from_db()
    assert topic.level == "compound"
    page = client.get(f"/roundtable/{topic.pk}/").content.decode()
    assert "楼道里协调不了" in page


def test_support_and_merge_on_the_page(cast):
    original = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_compound)
    duplicate = make_topic(raiser=cast.resident, place=cast.street.nanyuan_building, title="草太高")

    _web(cast.resident).post(f"/roundtable/{original.pk}/support/")
    merged = _web(cast.nanyuan_worker).post(f"/roundtable/{duplicate.pk}/merge/", {"merge-into": original.pk})

    assert merged.status_code == 302 and merged["Location"] == f"/roundtable/{original.pk}/"
    original.refresh_from_db()
    assert original.support_count == 1
