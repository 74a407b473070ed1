"""Two people claiming a segment's primary at the same moment: one wins (PostgreSQL, threads)."""

from __future__ import annotations

import pytest

from mulin.core.tests.threads import run_at_once
from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import SegmentClaim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_primaries_at_once_one_wins(cast):
    people = [cast.member, cast.secretary]

    results = run_at_once(
        [
            lambda person=person: services.segment_claim(actor=actor(person), segment=cast.segment, role="primary")
            for person in people
        ]
    )

    assert sorted(type(result).__name__ for result in results) == ["SegmentClaim", "StateConflict"]
    assert SegmentClaim.objects.filter(segment=cast.segment, role="primary").count() == 1
