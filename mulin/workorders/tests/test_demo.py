"""The demo street's work orders: departments, every state, the demo resident's two orders, idempotent."""

from __future__ import annotations

import pytest

from mulin.organizations.scoping import Actor
from mulin.workorders.demo import seed_demo_workorders
from mulin.workorders.models import ExternalDepartment, WorkOrder

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_demo_street_has_work_orders_in_every_state_and_a_second_run_adds_nothing(daguan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert set(WorkOrder.Status.values) <= statuses
    assert WorkOrder.objects.filter(resolution="duplicate").count() >= 1
    assert any(order.is_overdue for order in WorkOrder.objects.all())
    assert ExternalDepartment.objects.filter(code="river-office", name_zh_hans="拱墅区河道监管中心").exists()
    wang = WorkOrder.objects.filter(reporter__full_name="王秀英")
    # Her own two reports (other modules' demos may file more in her name, e.g. roundtable action items)
    assert {"closed", "resolved"} <= set(wang.values_list("status", flat=True))
    assert wang.filter(status="closed", satisfaction=5).exists()

    before = WorkOrder.objects.count()
    assert seed_demo_workorders(Actor.system(), {}) == 0
    assert WorkOrder.objects.count() == before
