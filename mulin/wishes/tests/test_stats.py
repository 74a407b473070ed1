"""Statistics from the rollup: exact counts, medians, agreement with a rebuild from the wishes."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishRollup
from mulin.wishes.services import wish_claim, wish_fulfil
from mulin.wishes.stats import _median_hours, wish_rollup_reconcile, wish_stats
from mulin.wishes.tests.factories import jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def _year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today.replace(month=12, day=1)


def test_median_of_a_histogram():
    assert _median_hours({}) is None
    assert _median_hours({5: 1}) == 5
    assert _median_hours({1: 1, 3: 1}) == 2
    assert _median_hours({1: 2, 10: 1}) == 1
    assert _median_hours({2: 1, 4: 2, 100: 1}) == 4


def test_community_and_street_figures(cast):
    start, end = _year()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        claimed = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
        done = make_wish(wisher=cast.neighbour, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
        make_wish(wisher=cast.resident, status=S.REJECTED, moderator=cast.nanyuan_worker)
        make_wish(wisher=cast.stranger, status=S.PUBLISHED, moderator=cast.cuiyu_worker)
    with time_machine.travel(now + timedelta(hours=24), tick=False):
        wish_claim(actor=actor(cast.member), wish=claimed)
    with time_machine.travel(now + timedelta(hours=48), tick=False):
        wish_claim(actor=actor(cast.member2), wish=done)
    with time_machine.travel(now + timedelta(hours=96), tick=False):
        wish_fulfil(actor=actor(cast.member2), wish=done, note="好", photos=[jpeg_upload()])

    overall, communities = wish_stats(actor(cast.street_admin), start=start, end=end)

    nanyuan = next(row for row in communities if row.unit_name == "南苑社区")
    assert (nanyuan.posted, nanyuan.published, nanyuan.rejected, nanyuan.claimed, nanyuan.fulfilled) == (3, 2, 1, 2, 1)
    assert nanyuan.fulfilment_rate == 0.5
    assert nanyuan.median_days_to_claim == 1.5
    assert nanyuan.median_days_to_fulfil == 4.0
    assert overall.unit_name == "大关街道"
    assert (overall.posted, overall.published, overall.claimed) == (4, 3, 2)
    assert wish_rollup_reconcile().agrees is True


def test_community_staff_see_their_community_only(cast):
    make_wish(wisher=cast.stranger)
    start, end = _year()

    overall, communities = wish_stats(actor(cast.nanyuan_worker), start=start, end=end)

    assert [row.unit_name for row in communities] == ["南苑社区"]
    assert overall.posted == 0
    assert wish_stats(actor(cast.member), start=start, end=end) == (None, [])


def test_stats_cost_a_few_queries_whatever_the_data(cast, django_assert_max_num_queries):
    for _ in range(5):
        make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.member)
    start, end = _year()
    admin = actor(cast.street_admin)

    with django_assert_max_num_queries(6):
        wish_stats(admin, start=start, end=end)


def test_reconcile_finds_and_fixes_a_tampered_counter(cast):
    make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.member)
    WishRollup.objects.filter(metric="posted").update(count=7)
    WishRollup.objects.filter(metric="closed").delete()

    report = wish_rollup_reconcile(fix=True)

    assert (report.wrong_cells, report.fixed) == (2, True)
    assert WishRollup.objects.get(metric="posted").count == 1
    assert WishRollup.objects.get(metric="closed").count == 1
    assert wish_rollup_reconcile().agrees is True
