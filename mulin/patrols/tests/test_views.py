"""The river and segment pages: what each person sees, claiming from the page, bad input."""

from __future__ import annotations

import pytest

from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import SegmentClaim
from mulin.patrols.tests.factories import make_segment

pytestmark = pytest.mark.django_db


def test_the_river_page_lists_segments_and_marks_mine(cast, client):
    services.segment_claim(actor=actor(cast.member), segment=cast.segment, role="primary")
    client.force_login(cast.member.user)

    page = client.get("/patrols/").content.decode()

    assert "胜利河" in page and "南苑段" in page and "翠玉段" in page
    assert "左家段" not in page
    assert page.count('class="badge"') == 1


def test_a_member_claims_from_the_segment_page(cast, client):
    client.force_login(cast.member.user)

    response = client.post(f"/patrols/segments/{cast.segment.pk}/", {"role": "primary"})

    assert response.status_code == 302
    assert SegmentClaim.objects.get().person == cast.member


def test_a_second_primary_from_the_page_shows_the_reason_and_writes_nothing(cast, client, english):
    services.segment_claim(actor=actor(cast.secretary), segment=cast.segment, role="primary")
    client.force_login(cast.member.user)

    response = client.post(f"/patrols/segments/{cast.segment.pk}/", {"role": "primary"})

    assert response.status_code == 400
    assert "This segment has a primary already; claim it as a backup." in response.content.decode()
    assert SegmentClaim.objects.count() == 1


def test_a_resident_sees_the_segment_but_no_claim_form_and_may_not_post(cast, client):
    client.force_login(cast.resident.user)

    page = client.get(f"/patrols/segments/{cast.segment.pk}/")
    posted = client.post(f"/patrols/segments/{cast.segment.pk}/", {"role": "primary"})

    assert page.status_code == 200
    assert 'data-testid="claim-form"' not in page.content.decode()
    assert posted.status_code == 403
    assert SegmentClaim.objects.count() == 0


def test_another_streets_segment_is_404(cast, client):
    client.force_login(cast.member.user)

    assert client.get(f"/patrols/segments/{cast.other_segment.pk}/").status_code == 404
    assert client.post(f"/patrols/segments/{cast.other_segment.pk}/", {"role": "primary"}).status_code == 404


def test_the_pages_in_english(cast, client, english):
    client.force_login(cast.member.user)

    page = client.get(f"/patrols/segments/{cast.segment.pk}/").content.decode()

    assert "Who answers for it" in page and "Claim this segment" in page


@pytest.mark.parametrize("extra", [0, 10])
def test_the_river_page_takes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries, extra):
    for index in range(extra):
        segment = make_segment(cast.river, cast.street.cuiyu, name=f"段{index}")
        services.segment_claim(actor=actor(cast.member), segment=segment, role="primary")
    client.force_login(cast.member.user)
    client.get("/patrols/")

    with django_assert_max_num_queries(14):
        response = client.get("/patrols/")

    assert response.status_code == 200
