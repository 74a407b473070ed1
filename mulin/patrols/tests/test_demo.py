"""The demo street's rivers: 胜利河 and 上塘河, 德胜社区's segments claimed by 汪孙聚 (primary) and
德胜社区第十支部 (backup); idempotent."""

from __future__ import annotations

import pytest

from mulin.organizations.scoping import Actor
from mulin.patrols.demo import seed_demo_patrols
from mulin.patrols.models import Campaign, PatrolLog, River, Segment, SegmentClaim
from mulin.patrols.selectors import campaign_progress
from mulin.workorders.models import WorkOrder

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_demo_street_has_its_rivers_and_claims_and_a_second_run_adds_nothing(daguan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    assert sorted(River.objects.values_list("name", "folk_chief__full_name")) == [
        ("上塘河", "汪孙聚"),
        ("胜利河", "汪孙聚"),
    ]
    desheng = Segment.objects.filter(community__name="德胜社区").order_by("id")
    assert [str(segment) for segment in desheng] == ["胜利河 · 德胜桥—胜利桥段", "上塘河 · 德胜段"]
    claims = SegmentClaim.objects.filter(segment__in=desheng).order_by("segment_id", "id")
    assert [(c.role, c.claimant_name if c.branch else c.person.full_name) for c in claims] == [
        ("primary", "汪孙聚"),
        ("backup", "德胜社区第十支部"),
    ] * 2

    # A year of daily diaries on both of 德胜's segments, clearer and cleaner at the end.
    logs = PatrolLog.objects.filter(segment__in=desheng)
    assert logs.count() == 2 * 365
    assert set(logs.values_list("patroller__full_name", flat=True)) == {"汪孙聚"}
    first = logs.order_by("started_at")[:60]
    last = logs.order_by("-started_at")[:60]
    assert sum(log.clarity_cm or 0 for log in last) > sum(log.clarity_cm or 0 for log in first) + 60 * 30
    assert sum(log.floating_litter for log in last) < sum(log.floating_litter for log in first)
    orders = WorkOrder.objects.filter(source_type__model="patrollog").order_by("id")
    assert [order.status for order in orders] == ["closed", "closed", "reported"]

    # Typhoon Lekima across 西二's compounds, hazards turned into work orders, closed with a summary.
    lekima = Campaign.objects.get(unit__name="西二社区")
    assert (lekima.title, lekima.status) == ("抗击第9号台风“利奇马”隐患排查", "closed")
    progress = {
        row.compound.name: (row.inspections, row.hazards_found, row.orders) for row in campaign_progress(lekima)
    }
    assert progress == {"西五苑": (2, 3, 1), "西六苑": (2, 1, 1)}

    before = (Segment.objects.count(), PatrolLog.objects.count())
    assert seed_demo_patrols(Actor.system(), {}) == 0
    assert (Segment.objects.count(), PatrolLog.objects.count()) == before
    assert Campaign.objects.count() == 1
    assert before[0] == 4
