"""The list-rendering helpers (mulin_format, mulin_shell, mulin_icons) give exactly what the
Django helpers they replace give, in every language, and follow a change of URLs or settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.templatetags.static import static
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation

from mulin.core import navigation
from mulin.web.templatetags.mulin_format import pk_url
from mulin.web.templatetags.mulin_icons import icon
from mulin.wishes.models import Wish, WishEvent


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load mulin_format mulin_icons mulin_shell %}" + source).render(context)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_label_is_the_choice_display_in_the_active_language(language):
    with translation.override(language):
        for status in Wish.Status.values:
            wish = Wish(status=status)
            assert _render('{{ wish|label:"status" }}', wish=wish) == str(wish.get_status_display())
        event = WishEvent(verb=WishEvent.Verb.values[0], actor_role=WishEvent.ActorRole.values[0])
        assert _render('{{ e|label:"verb" }}/{{ e|label:"actor_role" }}', e=event) == (
            f"{event.get_verb_display()}/{event.get_actor_role_display()}"
        )


def test_label_of_an_empty_or_unknown_value_is_the_value():
    assert _render('[{{ w|label:"preferred_time" }}]', w=Wish(preferred_time="")) == "[]"
    assert _render('{{ w|label:"status" }}', w=Wish(status="no-such-status")) == "no-such-status"


def test_strftime_shows_the_current_time_zone_as_the_date_filter_does():
    moment = dt.datetime(2026, 1, 31, 17, 30, tzinfo=dt.UTC)  # 01:30 on 1 February in Shanghai
    rendered = _render(
        '{{ t|strftime:"%m-%d" }} {{ t|strftime:"%Y-%m-%d %H:%M" }}|{{ t|date:"m-d Y-m-d H:i" }}', t=moment
    )
    assert rendered == "02-01 2026-02-01 01:30|02-01 2026-02-01 01:30"
    with timezone.override(ZoneInfo("UTC")):
        assert _render('{{ t|strftime:"%m-%d %H:%M" }}', t=moment) == "01-31 17:30"
    assert _render('[{{ t|strftime:"%m-%d" }}]', t=None) == "[]"


@pytest.mark.parametrize("pk", [1, 42, 9_999_999])
def test_pk_url_is_reverse(pk):
    assert pk_url("wishes:detail", pk) == reverse("wishes:detail", args=[pk])
    assert _render('{% pk_url "wishes:detail" pk %}', pk=pk) == reverse("wishes:detail", args=[pk])


def test_pk_url_follows_the_script_prefix():
    set_script_prefix("/mulin/")
    try:
        assert pk_url("wishes:detail", 7) == "/mulin/wishes/7/" == reverse("wishes:detail", args=[7])
    finally:
        clear_script_prefix()
    assert pk_url("wishes:detail", 7) == "/wishes/7/"


def test_pk_url_refuses_a_route_without_one_integer_argument():
    with pytest.raises(NoReverseMatch):
        pk_url("wishes:wall", 1)
    with pytest.raises(NoReverseMatch):
        pk_url("wishes:photo", 1)  # a UUID
    with pytest.raises(ValueError):
        pk_url("wishes:detail", "7/../../admin")  # type: ignore[arg-type]


def test_icon_markup_and_its_sprite_url():
    assert str(icon("heart")) == (
        f'<svg class="icon" aria-hidden="true" focusable="false"><use href="{static("mulin/img/icons.svg")}#heart">'
        "</use></svg>"
    )
    assert 'href="/static/other/mulin/img/icons.svg#dot"' in _render_with_static_url("/static/other/")


def _render_with_static_url(url: str) -> str:
    from django.test import override_settings

    with override_settings(STATIC_URL=url):
        return _render('{% icon "" %}')


def test_nav_links_show_each_entry_in_the_active_language():
    items = [navigation._ITEMS["wishes"], navigation._ITEMS["inbox"]]
    with translation.override("en"):
        english = _render("{% nav_links items %}", items=items)
    with translation.override("zh-hans"):
        chinese = _render("{% nav_links items %}", items=items)
    assert english == (
        f'<li><a href="{reverse("wishes:wall")}" data-nav="wishes">{icon("heart")} Wish wall</a></li>'
        f'<li><a href="{reverse("notifications:inbox")}" data-nav="inbox">{icon("bell")} Notifications</a></li>'
    )
    assert chinese == english.replace("Wish wall", "心愿墙").replace("Notifications", "消息通知")
    assert _render("{% nav_links items %}", items=[]) == ""
