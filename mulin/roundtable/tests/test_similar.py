"""Similar-topic suggestions: recall on paraphrase pairs among 5,000 topics, speed, scoping, and
the page and API that ask while the resident types."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from mulin.roundtable.similar import Index, features
from mulin.roundtable.tests.factories import make_topic
from mulin.roundtable.tests.paraphrases import PAIRS, background
from mulin.web.tests.cast import sign_in

TOTAL = 5000


@pytest.fixture(scope="module")
def index() -> Index:
    rows = [(i, text) for i, (text, _paraphrase) in enumerate(PAIRS)]
    rows += [(len(PAIRS) + i, text) for i, text in enumerate(background(TOTAL - len(PAIRS)))]
    return Index.build(rows)


def test_lexicon_maps_different_words_for_one_problem_together():
    assert set(features("树丛挡光")) & set(features("杂草晒不到太阳"))
    assert not set(features("的了吗"))


def test_paraphrases_are_found_among_5000_topics(index):
    # Given 5,000 topics, 30 of which have a paraphrase typed by a neighbour
    hits_at_1 = hits_at_5 = 0
    for expected, (_original, paraphrase) in enumerate(PAIRS):
        found = [topic_id for topic_id, _score in index.query(paraphrase, limit=5)]
        hits_at_1 += bool(found) and found[0] == expected
        hits_at_5 += expected in found

    # Then (docs/roundtable.md reports these numbers) recall@5 is at least 90 % and recall@1 80 %
    recall_at_5, recall_at_1 = hits_at_5 / len(PAIRS), hits_at_1 / len(PAIRS)
    assert recall_at_5 >= 0.9
    assert recall_at_1 >= 0.8


def test_a_suggestion_among_5000_topics_takes_well_under_a_second(index):
    start = time.perf_counter()
    for _original, paraphrase in PAIRS:
        index.query(paraphrase)
    per_query = (time.perf_counter() - start) / len(PAIRS)

    assert per_query < 0.1


def test_building_the_index_of_5000_topics_takes_under_a_second():
    rows = list(enumerate(background(TOTAL)))
    start = time.perf_counter()
    Index.build(rows)
    assert time.perf_counter() - start < 1.5  # a loaded 2-core CI machine; about 0.3 s when idle


@pytest.mark.django_db
def test_the_api_suggests_open_topics_of_ones_community_only(cast):
    original = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_compound, title=PAIRS[0][0])
    make_topic(raiser=cast.cuiyu_resident, place=cast.street.cuiyu_compound, title=PAIRS[0][0])
    client = APIClient()
    client.force_authenticate(user=cast.resident.user)

    answer = client.get("/api/v1/topics/similar/", {"text": PAIRS[0][1]})

    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()] == [original.pk]
    assert answer.json()[0]["similarity"] > 0.2
    # A topic raised since is suggested too (the cached index notices the change)
    newer = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_building, title="驿站边树丛挡光蚊子多")
    again = client.get("/api/v1/topics/similar/", {"text": PAIRS[0][1]})
    assert {row["id"] for row in again.json()} == {original.pk, newer.pk}


@pytest.mark.django_db
def test_the_form_asks_while_typing_and_shows_suggestions(cast):
    original = make_topic(raiser=cast.neighbour, place=cast.street.nanyuan_compound, title=PAIRS[0][0])
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sign_in(client, cast.resident)

    form = client.get("/roundtable/new/").content.decode()
    partial = client.get("/roundtable/similar/", {"title": PAIRS[0][1]}, HTTP_HX_REQUEST="true")

    assert 'hx-get="/roundtable/similar/"' in form
    assert partial.status_code == 200
    assert f'href="/roundtable/{original.pk}/"' in partial.content.decode()
