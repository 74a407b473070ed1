"""Two people act on the same work order at the same moment, with real transactions on
PostgreSQL: exactly one wins, the other gets 409 and nothing of theirs is written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mulin.core.exceptions import StateConflict
from mulin.core.tests.threads import run_at_once
from mulin.organizations.tests.factories import actor
from mulin.workorders import services
from mulin.workorders.models import WorkOrder, WorkOrderEvent
from mulin.workorders.tests.factories import make_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = WorkOrder.Status


def test_two_staff_accept_at_once_exactly_one_succeeds(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    first, second = actor(cast.nanyuan_worker), actor(cast.street_admin)

    results = run_at_once(
        [
            lambda: services.work_order_accept(actor=first, order=WorkOrder.objects.get(pk=order.pk)),
            lambda: services.work_order_accept(actor=second, order=WorkOrder.objects.get(pk=order.pk)),
        ]
    )

    assert sorted(type(r).__name__ for r in results) == ["StateConflict", "WorkOrder"], results
    assert WorkOrderEvent.objects.filter(order=order, verb="accepted").count() == 1


def test_dispatch_to_two_parties_at_once_leaves_one_party_and_one_event(cast):
    s = cast.street
    order = make_order(reporter=cast.member, community=s.nanyuan, status=S.ACCEPTED, staff=cast.nanyuan_worker)
    staff, admin = actor(cast.nanyuan_worker), actor(cast.street_admin)

    results = run_at_once(
        [
            lambda: services.work_order_dispatch(
                actor=staff, order=WorkOrder.objects.get(pk=order.pk), party=s.partner
            ),
            lambda: services.work_order_dispatch(
                actor=admin, order=WorkOrder.objects.get(pk=order.pk), party=cast.property
            ),
        ]
    )

    winners = [r for r in results if isinstance(r, WorkOrder)]
    assert len(winners) == 1 and isinstance(next(r for r in results if r not in winners), StateConflict)
    order.refresh_from_db()
    assert order.assignee_unit == winners[0].assignee_unit
    assert WorkOrderEvent.objects.filter(order=order, verb="dispatched").count() == 1


def test_close_and_reopen_race_through_the_api_gives_one_200_and_one_409(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.VERIFIED, staff=cast.nanyuan_worker
    )

    def close(person):  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_authenticate(person.user)
        return client.post(f"/api/v1/work-orders/{order.pk}/close/", {}, format="json").status_code

    results = run_at_once([lambda: close(cast.nanyuan_worker), lambda: close(cast.street_admin)])

    assert sorted(results) == [200, 409]
    assert WorkOrderEvent.objects.filter(order=order, verb="closed").count() == 1
