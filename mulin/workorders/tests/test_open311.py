"""Open311 GeoReport v2: an existing client reads services.json, posts to requests.json with its
key, and the community sees the order; without a valid key nothing is filed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import actor
from mulin.workorders import services
from mulin.workorders.models import Open311Client, WorkOrder
from mulin.workorders.selectors import work_order_list_to_manage
from mulin.workorders.tests.factories import make_order

pytestmark = pytest.mark.django_db
V2 = "/open311/v2"


@pytest.fixture
def hotline(cast):  # type: ignore[no-untyped-def]
    """A city hotline's key for 大关街道, issued by the street administrator."""
    s = cast.street
    s.nanyuan.latitude, s.nanyuan.longitude = Decimal("30.3019"), Decimal("120.1497")
    s.nanyuan.save()
    s.cuiyu.latitude, s.cuiyu.longitude = Decimal("30.3140"), Decimal("120.1505")
    s.cuiyu.save()
    client, key = services.open311_client_issue(
        actor=actor(cast.street_admin), street=s.street, name="拱墅区12345热线", default_community=s.cuiyu
    )
    return client, key


def test_services_json_lists_the_categories_with_the_specs_fields(cast):
    response = Client().get(f"{V2}/services.json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services_list = response.json()
    assert services_list[0] == {
        "service_code": "river-litter",
        "service_name": "河面漂浮物",
        "description": "河面垃圾、水草、死鱼等漂浮物",
        "metadata": False,
        "type": "realtime",
        "keywords": "河面漂浮物",
        "group": "河道水体",
    }
    assert len(services_list) == 13


def test_a_client_reads_services_posts_a_request_and_the_community_sees_the_order(cast, hotline):
    _client, key = hotline
    http = Client()
    code = http.get(f"{V2}/services.json").json()[0]["service_code"]

    response = http.post(
        f"{V2}/requests.json",
        {
            "api_key": key,
            "service_code": code,
            "lat": "30.3021",
            "long": "120.1490",
            "address_string": "南苑社区大关路口河边",
            "description": "河面有大片漂浮垃圾\n靠近桥洞",
            "first_name": "明",
            "last_name": "李",
            "email": "li@example.com",
            "phone": "13900001111",
            "media_url": "https://hotline.example.gov.cn/media/1.jpg",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    order = WorkOrder.objects.get()
    assert body == [
        {"service_request_id": str(order.pk), "service_notice": body[0]["service_notice"], "account_id": None}
    ]
    assert (order.community, order.channel, order.reporter, order.reporter_name) == (
        cast.street.nanyuan,
        "open311",
        None,
        "李*",
    )
    assert (order.title, order.address, order.media_url) == (
        "河面有大片漂浮垃圾",
        "南苑社区大关路口河边",
        "https://hotline.example.gov.cn/media/1.jpg",
    )
    assert "13900001111" not in str(WorkOrder.objects.filter(pk=order.pk).values().get())
    # The community's staff see it in their queue.
    assert list(work_order_list_to_manage(actor_for_person(cast.nanyuan_worker))) == [order]
    assert order.events.get().actor_role == "open311"


@pytest.mark.parametrize("key", [None, "", "m311_not-a-real-key-0123456789", "x"])
def test_a_request_without_a_valid_key_is_refused_and_nothing_is_filed(cast, hotline, key):
    data = {"service_code": "river-litter", "lat": "30.30", "long": "120.15"}
    if key is not None:
        data["api_key"] = key

    response = Client().post(f"{V2}/requests.json", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "Missing or invalid api_key."}]
    assert WorkOrder.objects.count() == 0


def test_a_revoked_key_is_refused(cast, hotline):
    client, key = hotline
    services.open311_client_revoke(actor=actor(cast.street_admin), client=client)

    response = Client().post(
        f"{V2}/requests.json", {"api_key": key, "service_code": "river-litter", "lat": "30.3", "long": "120.1"}
    )

    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "status", "description"),
    [
        ({}, 400, "service_code was not provided."),
        ({"service_code": "potholes"}, 404, "service_code potholes was not found."),
        ({"service_code": "river-litter"}, 400, "lat: Send lat and long, or address_string."),
        ({"service_code": "river-litter", "lat": "300", "long": "120"}, 400, "lat: Enter a number from -90 to 90."),
        ({"service_code": "river-litter", "address_string": "x", "media_url": "javascript:alert(1)"}, 400,
         "media_url: Send an http or https link."),
        ({"service_code": "river-litter", "address_string": "x", "description": "长" * 4001}, 400,
         "description: Use at most 4000 characters (this has 4001)."),
    ],
)  # fmt: skip
def test_bad_requests_get_the_specs_error_array_and_file_nothing(cast, hotline, data, status, description):
    _client, key = hotline

    response = Client().post(f"{V2}/requests.json", {"api_key": key, **data}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    assert response.json() == [{"code": status, "description": description}]
    assert WorkOrder.objects.count() == 0


def test_a_request_far_from_every_community_goes_to_the_keys_default(cast, hotline):
    _client, key = hotline

    Client().post(f"{V2}/requests.json", {"api_key": key, "service_code": "other", "address_string": "不知道在哪"})
    Client().post(f"{V2}/requests.json", {"api_key": key, "service_code": "other", "lat": "31.2", "long": "121.4"})

    assert [order.community for order in WorkOrder.objects.order_by("id")] == [cast.street.cuiyu, cast.street.cuiyu]


def test_requests_read_back_with_open_and_closed_and_honest_status_notes(cast, hotline):
    _client, key = hotline
    s = cast.street
    open_order = make_order(reporter=cast.member, community=s.nanyuan, status="dispatched", staff=cast.nanyuan_worker)
    closed = make_order(reporter=cast.member, community=s.nanyuan, status="accepted", staff=cast.nanyuan_worker)
    services.work_order_close_unfixed(
        actor=actor(cast.nanyuan_worker), order=closed, resolution="duplicate", reason="同一处"
    )
    http = Client(HTTP_ACCEPT_LANGUAGE="en")

    listed = http.get(f"{V2}/requests.json", {"api_key": key}).json()
    only_closed = http.get(f"{V2}/requests.json", {"api_key": key, "status": "closed"}).json()
    one = http.get(f"{V2}/requests/{open_order.pk}.json", {"api_key": key}).json()

    assert [(r["service_request_id"], r["status"]) for r in listed] == [
        (str(closed.pk), "closed"),
        (str(open_order.pk), "open"),
    ]
    assert only_closed[0]["status_notes"] == "Closed: reported already：同一处"
    assert set(one[0]) == {
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    }  # fmt: skip
    assert (one[0]["status"], one[0]["status_notes"], one[0]["agency_responsible"]) == (
        "open",
        "Dispatched",
        "南苑社区",
    )
    assert one[0]["requested_datetime"].endswith("+08:00")


def test_a_key_reads_only_its_own_street_and_reads_need_a_key(cast, hotline):
    _client, key = hotline
    foreign = make_order(reporter=cast.outsider, community=cast.other_community)

    assert Client().get(f"{V2}/requests/{foreign.pk}.json", {"api_key": key}).status_code == 404
    assert Client().get(f"{V2}/requests.json").status_code == 403
    assert Client().get(f"{V2}/requests/{foreign.pk}.json").status_code == 403


def test_a_date_range_over_90_days_is_refused(cast, hotline):
    _client, key = hotline

    response = Client().get(
        f"{V2}/requests.json",
        {"api_key": key, "start_date": "2019-01-01T00:00:00+08:00", "end_date": "2019-08-01T00:00:00+08:00"},
    )

    assert response.status_code == 400


def test_keys_are_stored_hashed_and_only_the_street_admin_issues_them(cast, hotline):
    from django.core.exceptions import PermissionDenied

    client, key = hotline

    assert key.startswith("m311_") and len(key) > 40
    assert key not in str(Open311Client.objects.filter(pk=client.pk).values().get())
    with pytest.raises(PermissionDenied):
        services.open311_client_issue(
            actor=actor(cast.nanyuan_worker), street=cast.street.street, name="x", default_community=cast.street.nanyuan
        )
    assert Open311Client.objects.count() == 1
