"""The work-order pages: who gets what, the action buttons and forms, bad input shown back, and
list query counts that do not grow with the number of orders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mulin.workorders.models import Open311Client, WorkOrder
from mulin.workorders.tests.factories import category, jpeg_upload, make_order

pytestmark = pytest.mark.django_db
S = WorkOrder.Status


def test_a_member_reports_a_problem_with_a_photo_from_the_form(cast, client):
    client.force_login(cast.member.user)
    page = client.get(reverse("workorders:create"))
    assert page.status_code == 200

    response = client.post(
        reverse("workorders:create"),
        {
            "category": category("river-litter").pk,
            "title": "河面漂浮物",
            "community": cast.street.nanyuan.pk,
            "address": "德胜桥",
            "photos": [jpeg_upload()],
            "idempotency_key": "form-key-0123456789abcd",
        },
    )

    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workorders:detail", args=[order.pk])
    assert (order.reporter, order.photos.count()) == (cast.member, 1)
    again = client.post(
        reverse("workorders:create"),
        {"category": category("river-litter").pk, "title": "河面漂浮物", "community": cast.street.nanyuan.pk,
         "address": "德胜桥", "idempotency_key": "form-key-0123456789abcd"},
    )  # fmt: skip
    assert again.status_code in (302, 409) and WorkOrder.objects.count() == 1


def test_an_empty_title_is_shown_back_with_a_message_and_nothing_is_filed(cast, client, english):
    client.force_login(cast.member.user)

    response = client.post(
        reverse("workorders:create"), {"category": category().pk, "title": " ", "community": cast.street.nanyuan.pk}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_staff_see_the_buttons_the_predicates_allow_and_walk_the_order(cast, client):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    client.force_login(cast.nanyuan_worker.user)

    page = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="action-close"' not in page

    assert client.post(reverse("workorders:action", args=[order.pk, "accept"]), {}).status_code == 302
    page = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "南八苑物业服务中心" in page  # a choice of the dispatch form
    response = client.post(
        reverse("workorders:action", args=[order.pk, "dispatch"]), {"dispatch-party": f"unit:{cast.property.pk}"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("workorders:action", args=[order.pk, "resolve"]),
        {"resolve-note": "已清理", "resolve-photos": [jpeg_upload()]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.assignee_unit, order.photos.count()) == (S.RESOLVED, cast.property, 1)


def test_a_bad_party_value_comes_back_as_a_form_error_and_nothing_changes(cast, client):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.ACCEPTED, staff=cast.nanyuan_worker
    )
    client.force_login(cast.nanyuan_worker.user)

    response = client.post(
        reverse("workorders:action", args=[order.pk, "dispatch"]), {"dispatch-party": f"unit:{cast.other_community.pk}"}
    )

    assert response.status_code == 400
    assert WorkOrder.objects.get(pk=order.pk).status == S.ACCEPTED


def test_a_skipped_step_is_refused_with_a_message(cast, client, english):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    client.force_login(cast.nanyuan_worker.user)

    response = client.post(reverse("workorders:action", args=[order.pk, "close"]), {}, follow=True)

    assert "Only a verified order can be closed." in response.content.decode()
    assert WorkOrder.objects.get(pk=order.pk).status == S.REPORTED


def test_the_reporter_answers_is_it_fixed_on_the_page(cast, client):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan, status=S.CLOSED, staff=cast.nanyuan_worker)
    client.force_login(cast.member.user)
    assert 'data-testid="rate"' in client.get(reverse("workorders:detail", args=[order.pk])).content.decode()

    client.post(reverse("workorders:rate", args=[order.pk]), {"rate-fixed": "no", "rate-satisfaction": "2"})

    order.refresh_from_db()
    assert (order.reporter_says_fixed, order.satisfaction) == (False, 2)


def test_another_street_gets_404_and_photos_are_for_those_involved(cast, client):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.RESOLVED, staff=cast.nanyuan_worker
    )
    photo = order.photos.get()

    client.force_login(cast.outsider.user)
    assert client.get(reverse("workorders:detail", args=[order.pk])).status_code == 404
    assert client.get(reverse("workorders:photo", args=[photo.uuid])).status_code == 404
    client.force_login(cast.cuiyu_resident.user)
    assert client.get(reverse("workorders:detail", args=[order.pk])).status_code == 200
    assert client.get(reverse("workorders:photo", args=[photo.uuid])).status_code == 404
    client.force_login(cast.member.user)
    served = client.get(reverse("workorders:photo", args=[photo.uuid]))
    assert served.status_code == 200
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_list_costs_the_same_at_two_sizes(cast, client, django_assert_max_num_queries):
    client.force_login(cast.cuiyu_worker.user)
    make_order(reporter=cast.member, community=cast.street.nanyuan)
    client.get(reverse("workorders:list"))  # warm the reach and navigation caches

    with django_assert_max_num_queries(12) as small:
        client.get(reverse("workorders:list"))
    for _ in range(10):
        make_order(reporter=cast.member, community=cast.street.cuiyu)
    client.get(reverse("workorders:list"))  # the worker was told of the new orders: the bell counts again
    with django_assert_max_num_queries(12) as large:
        page = client.get(reverse("workorders:list"))

    assert len(small.captured_queries) == len(large.captured_queries)
    assert page.content.decode().count('data-testid="order-card"') == 11


def test_only_the_street_admin_issues_open311_keys_and_sees_the_key_once(cast, client):
    client.force_login(cast.nanyuan_worker.user)
    assert client.get(reverse("workorders:open311_clients")).status_code == 403

    client.force_login(cast.street_admin.user)
    response = client.post(
        reverse("workorders:open311_clients"), {"name": "12345热线", "default_community": cast.street.nanyuan.pk}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.content.decode().split('data-testid="new-key">')[1].split("<")[0]
    assert key.startswith("m311_")
    assert key not in client.get(reverse("workorders:open311_clients")).content.decode()
    client_row = Open311Client.objects.get()
    assert client.post(reverse("workorders:open311_revoke", args=[client_row.pk])).status_code == 302
    assert Open311Client.objects.get().revoked_at is not None
