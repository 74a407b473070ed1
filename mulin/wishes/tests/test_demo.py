"""The demo wall: every state, honours for the demo members, consistent rollup, idempotent."""

from __future__ import annotations

import pytest
from django.db.models import Count

from mulin.demo.seed import build_daguan
from mulin.organizations.scoping import Actor
from mulin.points.models import LedgerEntry
from mulin.wishes.demo import seed_demo_wishes
from mulin.wishes.models import Wish
from mulin.wishes.stats import wish_rollup_reconcile

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_demo_street_has_a_believable_wall_and_a_second_run_adds_nothing(daguan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    counts = dict(Wish.objects.values_list("status").annotate(n=Count("id")))
    assert set(counts) == set(Wish.Status.values)
    assert sum(counts.values()) >= 50
    assert min(counts.values()) >= 3
    assert Wish.objects.values("community").distinct().count() == 10
    honours = set(Wish.objects.exclude(claimant_name="").values_list("claimant_name", flat=True))
    assert {"汪孙聚", "李建国", "赵敏", "孙小燕", "吴红英"} <= honours
    assert Wish.objects.filter(claimant_name="汪孙聚", status="closed").count() >= 3
    assert LedgerEntry.objects.filter(person__full_name="汪孙聚", account="service").count() >= 3
    assert wish_rollup_reconcile().agrees is True
    ages = Wish.objects.order_by("created_at").values_list("created_at", flat=True)
    assert (ages.last() - ages.first()).days >= 30  # spread over weeks, not all "just now"

    before = Wish.objects.count()
    assert seed_demo_wishes(Actor.system(), {}) == 0
    build_daguan()
    assert Wish.objects.count() == before
