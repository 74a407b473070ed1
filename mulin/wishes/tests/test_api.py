"""/api/v1/wishes/… and /api/v1/points/me/: scoping, status codes, messages in the caller's language."""

from __future__ import annotations

import pytest

from mulin.core.models import AuditEvent
from mulin.points.models import LedgerEntry
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.tests.factories import jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status
BASE = "/api/v1/wishes/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def test_resident_posts_a_wish_and_gets_it_back_masked(cast, as_):
    response = as_(cast.resident).post(
        BASE, {"title": "帮忙修水龙头", "category": "repair", "description": "厨房漏水"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["wisher_name"], body["place"]["name"]) == ("submitted", "王**", "南八苑")
    assert body["actions"] == ["withdraw"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "category": "repair"}, "title"),
        ({"title": "修", "category": "repair", "description": "长" * 10_000}, "description"),
        ({"title": "修", "category": "no-such-category"}, "category"),
        ({"category": "repair"}, "title"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_no_row(cast, as_, payload, field):
    response = as_(cast.resident).post(BASE, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"] == "The request has invalid fields; nothing was changed."
    assert Wish.objects.count() == 0


def test_extra_fields_cannot_set_status_or_community(cast, as_):
    response = as_(cast.resident).post(
        BASE,
        {"title": "修", "category": "repair", "status": "published", "community": cast.street.cuiyu.pk, "claimant": 1},
        format="json",
    )

    wish = Wish.objects.get(pk=response.json()["id"])
    assert (wish.status, wish.community) == (S.SUBMITTED, cast.street.nanyuan)


def test_list_is_scoped_filterable_and_cursor_paginated_without_count(cast, as_, django_assert_max_num_queries):
    make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
    make_wish(wisher=cast.neighbour)  # awaiting verification: not on the stranger's list
    client = as_(cast.stranger)

    with django_assert_max_num_queries(8) as captured:
        body = client.get(BASE).json()
    assert [w["status"] for w in body["results"]] == ["published"]
    assert set(body) == {"next", "previous", "results"}
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert client.get(BASE, {"status": "submitted"}).json()["results"] == []
    assert client.get(BASE, {"category": "elderly"}).json()["results"] == []
    assert client.get(BASE, {"community": cast.street.cuiyu.pk}).json()["results"] == []
    assert client.get(BASE, {"status": "nonsense"}).status_code == 400
    assert client.get(BASE, {"category": "nonsense"}).status_code == 400


def test_worker_sees_own_communitys_queue_only(cast, as_):
    pending = make_wish(wisher=cast.resident)

    nanyuan = as_(cast.nanyuan_worker).get(BASE, {"status": "submitted"}).json()["results"]
    cuiyu = as_(cast.cuiyu_worker).get(BASE, {"status": "submitted"}).json()["results"]

    assert [w["id"] for w in nanyuan] == [pending.pk]
    assert cuiyu == []


def test_cuiyu_worker_gets_404_publishing_a_nanyuan_wish(cast, as_):
    wish = make_wish(wisher=cast.resident)
    client = as_(cast.cuiyu_worker)

    assert client.get(f"{BASE}{wish.pk}/").status_code == 404
    assert client.post(f"{BASE}{wish.pk}/publish/").status_code == 404
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_the_lifecycle_through_the_api(cast, as_):
    wish_id = as_(cast.resident).post(BASE, {"title": "换灯泡", "category": "repair"}, format="json").json()["id"]

    assert as_(cast.nanyuan_secretary).post(f"{BASE}{wish_id}/publish/").json()["status"] == "published"
    claimed = as_(cast.member).post(f"{BASE}{wish_id}/claim/").json()
    assert claimed["honour"] == {"name": "汪孙聚", "unit": "南苑社区第一支部"}
    assert claimed["actions"] == ["release", "fulfil"]
    contact = as_(cast.member).post(f"{BASE}{wish_id}/contact/").json()
    assert contact["phone"] == cast.resident.phone
    fulfilled = as_(cast.member).post(
        f"{BASE}{wish_id}/fulfil/", {"note": "换好了", "hours": "1.0", "photos": [jpeg_upload()]}, format="multipart"
    )
    assert fulfilled.status_code == 200, fulfilled.content
    assert len(fulfilled.json()["photos"]) == 1
    closed = as_(cast.resident).post(f"{BASE}{wish_id}/confirm/", {"rating": 5, "thanks": "谢谢"}, format="json")
    assert closed.json()["status"] == "closed"

    points = as_(cast.member).get("/api/v1/points/me/").json()
    assert points["balance"]["points"] == "10.0"
    assert points["balance"]["hours"] == "1.0"
    assert points["balance"]["assessment"] == "2.0"
    assert [entry["rule"] for entry in points["recent"]] == ["wish-fulfilled-assessment", "wish-fulfilled"]


def test_second_claim_is_409_with_a_message_in_the_callers_language(cast, as_):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    response = as_(cast.member2).post(f"{BASE}{wish.pk}/claim/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {"detail": "Someone has already claimed this wish.", "code": "wish_claim_conflict"}


def test_not_allowed_is_403_and_changes_nothing(cast, as_):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    response = as_(cast.neighbour).post(f"{BASE}{wish.pk}/claim/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot claim this wish."
    wish.refresh_from_db()
    assert wish.status == S.PUBLISHED


def test_unknown_action_is_404(cast, as_):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    assert as_(cast.member).post(f"{BASE}{wish.pk}/delete/").status_code == 404


def test_reject_without_a_reason_is_400(cast, as_):
    wish = make_wish(wisher=cast.resident)

    response = as_(cast.nanyuan_worker).post(f"{BASE}{wish.pk}/reject/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    wish.refresh_from_db()
    assert wish.status == S.SUBMITTED


def test_other_community_resident_never_gets_name_phone_or_address(cast, as_):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    client = as_(cast.stranger)

    texts = [client.get(BASE, {"status": "claimed"}).content.decode(), client.get(f"{BASE}{wish.pk}/").content.decode()]
    for text in texts:
        assert "王**" in text
        assert "王秀英" not in text
        assert cast.resident.phone not in text
        assert cast.resident.address not in text
    assert client.post(f"{BASE}{wish.pk}/contact/").status_code == 403
    assert AuditEvent.objects.filter(verb="wishes.contact_viewed").count() == 0


def test_detail_hides_notes_and_photos_from_the_public(cast, as_):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    public = as_(cast.stranger).get(f"{BASE}{wish.pk}/").json()
    own = as_(cast.resident).get(f"{BASE}{wish.pk}/").json()

    assert (public["fulfilment_note"], public["photos"]) == (None, [])
    assert own["fulfilment_note"] == "已修好"
    assert len(own["photos"]) == 1


def test_anonymous_is_401(api_client):
    assert api_client.get(BASE).status_code == 401
    assert api_client.get("/api/v1/points/me/").status_code == 401


def test_endpoints_are_in_the_openapi_schema(cast, as_):
    schema = as_(cast.resident).get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in (
        "/api/v1/wishes/",
        "/api/v1/wishes/{wish_id}/",
        "/api/v1/wishes/{wish_id}/publish/",
        "/api/v1/wishes/{wish_id}/fulfil/",
        "/api/v1/wishes/categories/",
        "/api/v1/wishes/{wish_id}/contact/",
        "/api/v1/points/me/",
    ):
        assert path in schema


def test_every_choice_a_client_sends_can_be_listed(cast, as_, django_assert_max_num_queries):
    client = as_(cast.resident)
    WishCategory.objects.filter(code="culture").update(is_active=False)  # retired: not offered

    with django_assert_max_num_queries(3):  # session, actor, categories
        categories = client.get(f"{BASE}categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    slots = client.get(f"{BASE}time-slots/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert [c["code"] for c in categories] == ["daily-life", "elderly", "study", "health", "repair", "other"]
    assert categories[4] == {"code": "repair", "name": "Repairs", "default_hours": "1.5"}
    assert slots[0] == {"code": "weekday_morning", "name": "Weekday mornings"}
    assert len(slots) == 6
    posted = client.post(
        BASE, {"title": "修门锁", "category": categories[4]["code"], "preferred_time": slots[0]["code"]}, format="json"
    )
    assert posted.status_code == 201


def test_points_me_is_the_callers_own_only(cast, as_):
    make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert as_(cast.member2).get("/api/v1/points/me/").json()["recent"] == []
    assert LedgerEntry.objects.filter(person=cast.member).count() == 2
