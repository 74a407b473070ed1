"""/api/v1/work-orders/…: scoping, one endpoint per action, 409 for a skipped step, bad input."""

from __future__ import annotations

import pytest

from mulin.core.models import AuditEvent
from mulin.workorders.models import WorkOrder, WorkOrderPhoto
from mulin.workorders.tests.factories import jpeg_upload, make_order

pytestmark = pytest.mark.django_db
S = WorkOrder.Status
BASE = "/api/v1/work-orders/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def test_a_member_reports_a_problem_and_reads_it_back(cast, as_):
    response = as_(cast.member).post(
        BASE,
        {"category": "river-litter", "title": "河面漂浮物", "community": cast.street.nanyuan.pk, "address": "德胜桥"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["reporter_name"], body["community"]["name"], body["address"]) == (
        "reported",
        "汪**",
        "南苑社区",
        "德胜桥",
    )
    assert body["actions"] == []
    assert [event["verb"] for event in body["timeline"]] == ["reported"]


def test_a_retry_with_the_same_idempotency_key_files_one_order(cast, as_):
    client = as_(cast.member)
    payload = {"category": "river-litter", "title": "河面漂浮物", "community": cast.street.nanyuan.pk}

    first = client.post(BASE, payload, format="json", HTTP_IDEMPOTENCY_KEY="key-0123456789abcdef")
    second = client.post(BASE, payload, format="json", HTTP_IDEMPOTENCY_KEY="key-0123456789abcdef")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "category": "river-litter"}, "title"),
        ({"title": "x", "category": "no-such"}, "category"),
        ({"title": "x", "category": "river-litter", "description": "长" * 5000}, "description"),
        ({"title": "x", "category": "river-litter", "latitude": "95"}, "latitude"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_no_row(cast, as_, payload, field):
    payload = {"community": cast.street.nanyuan.pk, **payload}

    response = as_(cast.member).post(BASE, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert WorkOrder.objects.count() == 0


def test_a_community_of_another_street_is_refused(cast, as_):
    response = as_(cast.member).post(
        BASE, {"category": "river-litter", "title": "x", "community": cast.other_community.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["community"]
    assert WorkOrder.objects.count() == 0


def test_extra_fields_cannot_set_status_reporter_or_assignee(cast, as_):
    response = as_(cast.member).post(
        BASE,
        {
            "category": "river-litter",
            "title": "x",
            "community": cast.street.nanyuan.pk,
            "status": "closed",
            "reporter": cast.resident.pk,
            "assignee_unit": cast.street.partner.pk,
            "resolution": "fixed",
        },
        format="json",
    )

    assert response.status_code == 201
    order = WorkOrder.objects.get()
    assert (order.status, order.reporter, order.assignee_unit, order.resolution) == ("reported", cast.member, None, "")


def test_staff_walk_the_order_through_one_endpoint_per_action(cast, as_):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    staff = as_(cast.nanyuan_worker)

    assert staff.get(f"{BASE}{order.pk}/").json()["actions"] == ["accept", "close_unfixed"]
    assert staff.post(f"{BASE}{order.pk}/accept/", {}, format="json").status_code == 200
    parties = staff.get(f"{BASE}{order.pk}/parties/").json()
    assert {"type": "unit", "id": cast.property.pk, "name": "南八苑物业服务中心"} in parties
    dispatched = staff.post(f"{BASE}{order.pk}/dispatch/", {"unit": cast.property.pk}, format="json")
    assert dispatched.status_code == 200, dispatched.content
    assert (dispatched.json()["status"], dispatched.json()["responsible_party"]) == ("dispatched", "南八苑物业服务中心")
    resolved = staff.post(
        f"{BASE}{order.pk}/resolve/", {"note": "已清理", "photos": [jpeg_upload()]}, format="multipart"
    )
    assert resolved.status_code == 200, resolved.content
    reporter = as_(cast.member)
    assert reporter.get(f"{BASE}{order.pk}/").json()["actions"] == ["send_back", "verify"]
    assert reporter.post(f"{BASE}{order.pk}/verify/", {"note": "好了"}, format="json").status_code == 200
    closed = as_(cast.nanyuan_worker).post(f"{BASE}{order.pk}/close/", {}, format="json")
    assert (closed.status_code, closed.json()["status"], closed.json()["resolution"]) == (200, "closed", "fixed")
    assert as_(cast.member).get(f"{BASE}{order.pk}/").json()["actions"] == ["reopen", "rate"]
    rated = as_(cast.member).post(f"{BASE}{order.pk}/rate/", {"fixed": True, "satisfaction": 4}, format="json")
    assert (rated.status_code, rated.json()["satisfaction"]) == (200, 4)


def test_closing_a_reported_order_is_409_and_nothing_changes(cast, as_):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    audit = AuditEvent.objects.count()

    response = as_(cast.nanyuan_worker).post(f"{BASE}{order.pk}/close/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {"detail": "Only a verified order can be closed.", "code": "workorder_close_conflict"}
    order.refresh_from_db()
    assert (order.status, order.events.count(), AuditEvent.objects.count()) == (S.REPORTED, 1, audit)


def test_dispatch_needs_exactly_one_party(cast, as_):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.ACCEPTED, staff=cast.nanyuan_worker
    )
    staff = as_(cast.nanyuan_worker)

    both = staff.post(f"{BASE}{order.pk}/dispatch/", {"unit": cast.property.pk, "department": 1}, format="json")
    neither = staff.post(f"{BASE}{order.pk}/dispatch/", {}, format="json")
    foreign = staff.post(f"{BASE}{order.pk}/dispatch/", {"unit": cast.other_community.pk}, format="json")

    assert (both.status_code, neither.status_code, foreign.status_code) == (400, 400, 400)
    assert WorkOrder.objects.get(pk=order.pk).status == S.ACCEPTED


def test_resolve_with_a_non_image_is_400_and_stores_nothing(cast, as_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker
    )
    page = SimpleUploadedFile("fix.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    response = as_(cast.nanyuan_worker).post(
        f"{BASE}{order.pk}/resolve/", {"note": "好了", "photos": [page]}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"photos": ["Upload a JPEG or PNG photo."]}
    assert (WorkOrder.objects.get(pk=order.pk).status, WorkOrderPhoto.objects.count()) == (S.DISPATCHED, 0)


def test_another_street_gets_404_and_another_community_403_on_actions(cast, as_):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)

    assert as_(cast.outsider).get(f"{BASE}{order.pk}/").status_code == 404
    assert as_(cast.outsider).post(f"{BASE}{order.pk}/accept/", {}, format="json").status_code == 404
    assert as_(cast.cuiyu_worker).get(f"{BASE}{order.pk}/").status_code == 200  # the street's orders are visible
    assert as_(cast.cuiyu_worker).post(f"{BASE}{order.pk}/accept/", {}, format="json").status_code == 403
    assert as_(cast.cuiyu_worker).get(f"{BASE}{order.pk}/parties/").status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).status == S.REPORTED


def test_notes_and_photos_only_for_those_involved(cast, as_):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.RESOLVED, staff=cast.nanyuan_worker
    )

    neighbour = as_(cast.cuiyu_resident).get(f"{BASE}{order.pk}/").json()
    reporter = as_(cast.member).get(f"{BASE}{order.pk}/").json()

    assert (neighbour["resolution_note"], neighbour["photos"]) == (None, [])
    assert {event["note"] for event in neighbour["timeline"]} == {None}
    assert (reporter["resolution_note"], [p["stage"] for p in reporter["photos"]]) == ("已打捞清理", ["resolution"])


def test_list_is_scoped_filterable_and_costs_the_same_at_two_sizes(cast, as_, django_assert_max_num_queries):
    s = cast.street
    make_order(reporter=cast.member, community=s.nanyuan)
    client = as_(cast.cuiyu_worker)
    client.get(BASE)  # the street reach is computed once and cached (five minutes)

    with django_assert_max_num_queries(6) as small:
        first = client.get(BASE)
    for _ in range(12):
        make_order(reporter=cast.member, community=s.cuiyu)
    with django_assert_max_num_queries(6) as large:
        second = client.get(f"{BASE}?community={s.cuiyu.pk}&status=reported")

    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(first.json()["results"]) == 1
    assert len(second.json()["results"]) == 12
    assert as_(cast.outsider).get(BASE).json()["results"] == []


def test_categories_and_departments_are_listable(cast, as_):
    from mulin.workorders.models import ExternalDepartment

    ExternalDepartment.objects.create(
        street=cast.street.street, code="river", name_zh_hans="河道监管中心", name_en="River office"
    )
    ExternalDepartment.objects.create(street=cast.other_street, code="river", name_zh_hans="外街河道所", name_en="x")
    client = as_(cast.member)

    categories = client.get("/api/v1/work-order-categories/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    departments = client.get("/api/v1/external-departments/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert categories[0] == {
        "code": "river-litter",
        "name": "河面漂浮物",
        "group": "river",
        "description": "河面垃圾、水草、死鱼等漂浮物",
        "accept_within_hours": 24,
        "resolve_within_days": 3,
    }
    assert [d["name"] for d in departments] == ["河道监管中心"]
