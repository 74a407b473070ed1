"""`{% fragment %}` (mulin_fragments): a body is rendered once per key, and the key follows the
content, the language, the time zone and the URL prefix — so nothing is ever shown stale."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.template import TemplateSyntaxError, engines
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone, translation

from mulin.organizations.models import OrgUnit
from mulin.web.templatetags.mulin_fragments import (
    FRAGMENT_ENTRIES,
    FragmentKeyError,
    fragment_rows,
    fragments_clear,
    freeze,
)
from mulin.wishes.models import Wish, WishCategory


class Counter:
    """A value whose every rendering is counted: shows whether the body was rendered again."""

    def __init__(self) -> None:
        self.renders = 0

    def __str__(self) -> str:
        self.renders += 1
        return f"render {self.renders}"


def _template(body: str):  # type: ignore[no-untyped-def]
    return engines["django"].from_string("{% load i18n mulin_fragments %}" + body)


@pytest.fixture(autouse=True)
def _empty():  # type: ignore[no-untyped-def]
    fragments_clear()
    yield
    fragments_clear()


def test_the_body_is_rendered_once_per_key(settings):
    settings.MULIN_FRAGMENTS_CHECK = False  # as in production
    page = _template("{% fragment key %}{{ counter }}{% endfragment %}")
    counter = Counter()

    first = page.render({"key": "a", "counter": counter})
    again = page.render({"key": "a", "counter": counter})
    other = page.render({"key": "b", "counter": counter})

    assert (first, again, other) == ("render 1", "render 1", "render 2")


def test_under_the_check_a_key_that_misses_what_the_body_shows_fails():
    """The test settings render every body again: an incomplete key fails the test that shows it."""
    page = _template("{% fragment key %}{{ counter }}{% endfragment %}")
    counter = Counter()
    page.render({"key": "a", "counter": counter})

    with pytest.raises(FragmentKeyError):
        page.render({"key": "a", "counter": counter})


def test_two_places_with_the_same_key_keep_their_own_markup():
    page = _template("{% fragment k %}one{% endfragment %}|{% fragment k %}two{% endfragment %}")

    assert page.render({"k": 1}) == "one|two"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_language_gets_its_own_rendering(language):
    page = _template('{% fragment "same" %}{% translate "Show more" %}{% endfragment %}')
    with translation.override("zh-hans" if language == "en" else "en"):
        page.render({})  # the other language first

    with translation.override(language):
        rendered = page.render({})
        expected = translation.gettext("Show more")

    assert rendered == expected


def test_each_time_zone_and_url_prefix_gets_its_own_rendering():
    page = _template('{% fragment "same" %}{% now "H" %}|{% url "wishes:wall" %}{% endfragment %}')
    moment = timezone.now()
    with timezone.override(ZoneInfo("UTC")):
        utc = page.render({})
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        shanghai = page.render({})
    set_script_prefix("/mulin/")
    try:
        prefixed = page.render({})
    finally:
        clear_script_prefix()

    assert utc.split("|")[0] == f"{moment.astimezone(dt.UTC):%H}"
    assert shanghai.split("|")[0] == f"{moment.astimezone(ZoneInfo('Asia/Shanghai')):%H}"
    assert prefixed.endswith("|/mulin/wishes/")


def test_a_fragment_needs_its_key():
    with pytest.raises(TemplateSyntaxError):
        _template("{% fragment %}x{% endfragment %}")


def test_the_cache_is_bounded(settings):
    page = _template("{% fragment k %}{{ k }}{% endfragment %}")
    for k in range(FRAGMENT_ENTRIES + 50):
        page.render({"k": k})

    from mulin.web.templatetags import mulin_fragments

    assert len(mulin_fragments._fragments) == FRAGMENT_ENTRIES


def test_query_strings_lists_and_lazy_text_make_keys():
    assert freeze(QueryDict("a=1&a=2&b=3")) == freeze(QueryDict("b=3&a=1&a=2"))
    assert freeze(QueryDict("a=1")) != freeze(QueryDict("a=2"))
    assert freeze([("", translation.gettext_lazy("All")), (1, "x")]) == (("", "All"), (1, "x"))
    assert hash(freeze({"a": [1, {"b": [2]}]}))


@pytest.mark.django_db
def test_row_keys_follow_every_loaded_value_and_the_related_rows():
    category = WishCategory(pk=1, code="repair", name_zh_hans="维修", name_en="Repairs")
    community = OrgUnit(pk=7, name="南苑社区", kind=OrgUnit.Kind.COMMUNITY, path="01")
    wish = Wish(pk=3, title="修水龙头", status=Wish.Status.PUBLISHED, category=category, community=community)
    before = fragment_rows([wish])

    wish.title = "修水管"
    retitled = fragment_rows([wish])
    category.name_en = "Repair work"
    renamed = fragment_rows([wish])
    wish.near = 2  # type: ignore[attr-defined]  # an annotation (the for-me list)
    annotated = fragment_rows([wish])

    assert len({before, retitled, renamed, annotated}) == 4
    assert fragment_rows([wish]) == annotated
    assert hash(annotated)
