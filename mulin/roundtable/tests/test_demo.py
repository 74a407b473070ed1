"""The demo street's roundtable: topics at every level, a merged duplicate, and the 南八苑
green-belt case end to end with a rating of 4.6; a second run adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mulin.organizations.scoping import Actor
from mulin.roundtable.demo import seed_demo_roundtable
from mulin.roundtable.models import Decision, Meeting, Topic

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_green_belt_case_end_to_end_and_topics_at_every_level(daguan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    belt = Topic.objects.get(title__startswith="南八苑党建驿站边绿化带")
    assert (belt.status, belt.rating_average, belt.raised_by.full_name) == ("closed", Decimal("4.60"), "王秀英")
    assert belt.level == "community"
    assert Meeting.objects.filter(agenda__topic=belt).count() == 3
    vote = Decision.objects.get(topic=belt, method="vote")
    assert (vote.status, vote.outcome) == ("decided", "改造成居民小花园")
    assert belt.progress_posts.count() == 2
    assert {"building", "compound", "community", "street"} <= set(Topic.objects.values_list("level", flat=True))
    assert Topic.objects.filter(status="merged", merged_into=belt).count() == 1

    before = Topic.objects.count()
    assert seed_demo_roundtable(Actor.system(), {}) == 0
    assert Topic.objects.count() == before
