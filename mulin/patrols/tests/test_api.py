"""/api/v1/rivers/ and /api/v1/segments/: scoping (other community, other street), claims, bad input."""

from __future__ import annotations

import pytest

from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import River, Segment, SegmentClaim
from mulin.patrols.tests.factories import make_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def test_a_resident_lists_the_streets_rivers_and_segments_only(cast, as_):
    client = as_(cast.resident)

    rivers = client.get("/api/v1/rivers/").json()["results"]
    segments = client.get("/api/v1/segments/").json()["results"]

    assert [(r["name"], r["folk_chief_name"]) for r in rivers] == [("胜利河", "汪**")]
    assert [(s["river"]["name"], s["name"], s["community"]["name"]) for s in segments] == [
        ("胜利河", "翠玉段", "翠玉社区"),
        ("胜利河", "南苑段", "南苑社区"),
    ]  # newest first (cursor pages)
    assert segments[1]["coordinates"] == [[30.2986, 120.1431], [30.299, 120.1447], [30.2994, 120.1462]]


def test_another_streets_river_and_segment_are_404(cast, as_):
    client = as_(cast.member)

    assert client.get(f"/api/v1/rivers/{cast.other_segment.river_id}/").status_code == 404
    assert client.get(f"/api/v1/segments/{cast.other_segment.pk}/").status_code == 404
    response = client.post(f"/api/v1/segments/{cast.other_segment.pk}/claim/", {"role": "primary"}, format="json")
    assert response.status_code == 404
    assert SegmentClaim.objects.count() == 0


def test_a_member_claims_a_segment_and_a_second_primary_gets_409(cast, as_):
    response = as_(cast.member).post(f"/api/v1/segments/{cast.segment.pk}/claim/", {"role": "primary"}, format="json")

    assert response.status_code == 200, response.content
    assert [(c["role"], c["claimant_type"], c["claimant"]) for c in response.json()["claims"]] == [
        ("primary", "person", "汪**")
    ]
    again = as_(cast.secretary).post(f"/api/v1/segments/{cast.segment.pk}/claim/", {"role": "primary"}, format="json")
    assert again.status_code == 409
    assert SegmentClaim.objects.count() == 1


def test_a_branch_claim_through_the_api(cast, as_):
    response = as_(cast.secretary).post(
        f"/api/v1/segments/{cast.cuiyu_segment.pk}/claim/",
        {"role": "backup", "branch": cast.street.nanyuan_branch.pk},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["claims"][0]["claimant"] == "南苑社区第一支部"


def test_a_resident_may_not_claim(cast, as_):
    response = as_(cast.resident).post(f"/api/v1/segments/{cast.segment.pk}/claim/", {"role": "backup"}, format="json")

    assert response.status_code == 403
    assert SegmentClaim.objects.count() == 0


def test_a_bad_role_is_400_and_nothing_written(cast, as_):
    response = as_(cast.member).post(f"/api/v1/segments/{cast.segment.pk}/claim/", {"role": "boss"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["role"]
    assert SegmentClaim.objects.count() == 0


def test_staff_create_a_river_and_a_segment_and_bad_courses_are_400(cast, as_):
    admin = as_(cast.street_admin)
    river = admin.post("/api/v1/rivers/", {"street": cast.street.street.pk, "name": "上塘河"}, format="json")
    assert river.status_code == 201, river.content
    worker = as_(cast.nanyuan_worker)
    payload = {"river": river.json()["id"], "community": cast.street.nanyuan.pk, "name": "南苑段"}

    bad = worker.post("/api/v1/segments/", {**payload, "coordinates": [[30.3, 120.1]]}, format="json")
    good = worker.post("/api/v1/segments/", {**payload, "coordinates": [[30.3, 120.1], [30.301, 120.1]]}, format="json")

    assert bad.status_code == 400
    assert good.status_code == 201, good.content
    assert (good.json()["length_m"], good.json()["patrol_every_days"]) == (111, 1)
    assert Segment.objects.filter(river_id=river.json()["id"]).count() == 1


def test_a_community_worker_may_not_create_a_river(cast, as_):
    response = as_(cast.nanyuan_worker).post(
        "/api/v1/rivers/", {"street": cast.street.street.pk, "name": "上塘河"}, format="json"
    )

    assert response.status_code == 403
    assert River.objects.filter(name="上塘河").count() == 0


@pytest.mark.parametrize("extra", [0, 12])
def test_the_segment_list_takes_a_fixed_number_of_queries(cast, as_, django_assert_max_num_queries, extra):
    for index in range(extra):
        segment = make_segment(cast.river, cast.street.nanyuan, name=f"段{index}")
        services.segment_claim(actor=actor(cast.member), segment=segment, role="primary")
    client = as_(cast.resident)
    client.get("/api/v1/segments/")  # warm the session and the actor's caches

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/segments/")

    assert len(response.json()["results"]) == 2 + extra
