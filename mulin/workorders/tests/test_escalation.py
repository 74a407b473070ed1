"""Deadlines: late to accept → staff; overdue → party and staff; long overdue → the street.
Each stage is told once however often the job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.workorders import services
from mulin.workorders.models import WorkOrder
from mulin.workorders.services import work_order_escalate_due
from mulin.workorders.tests.factories import make_order

pytestmark = pytest.mark.django_db
S = WorkOrder.Status
E = WorkOrder.Escalation


_LOOP_KINDS = ["workorders.reported", "workorders.accepted", "workorders.dispatched"]


def _kinds(person) -> list[str]:  # type: ignore[no-untyped-def]
    """The deadline notifications a person got (not those of the loop itself)."""
    return list(
        Notification.objects.filter(recipient=person).exclude(kind__in=_LOOP_KINDS).values_list("kind", flat=True)
    )


def test_a_report_waiting_past_the_category_hours_is_told_to_staff_once(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)  # river-litter: 24 hours
    later = timezone.now() + timedelta(hours=25)

    first = work_order_escalate_due(now=later)
    second = work_order_escalate_due(now=later + timedelta(hours=1))

    assert (first.late_to_accept, second.late_to_accept) == (1, 0)
    assert WorkOrder.objects.get(pk=order.pk).escalation_stage == E.LATE_TO_ACCEPT
    assert _kinds(cast.nanyuan_worker) == ["workorders.late_to_accept"]
    assert order.events.filter(verb="late_to_accept").count() == 1


def test_a_report_within_its_hours_is_left_alone(cast):
    make_order(reporter=cast.member, community=cast.street.nanyuan)

    report = work_order_escalate_due(now=timezone.now() + timedelta(hours=23))

    assert report == services.EscalationReport(0, 0, 0)


def test_overdue_then_escalated_to_the_street(cast, settings):
    settings.MULIN_WORKORDER_ESCALATE_AFTER_DAYS = 3
    s = cast.street
    order = make_order(
        reporter=cast.member,
        community=s.nanyuan,
        status=S.IN_PROGRESS,
        staff=cast.nanyuan_worker,
        party=s.partner,
        handler=cast.partner,
    )
    due = WorkOrder.objects.get(pk=order.pk).due_at

    overdue = work_order_escalate_due(now=due + timedelta(hours=1))
    again = work_order_escalate_due(now=due + timedelta(hours=2))
    escalated = work_order_escalate_due(now=due + timedelta(days=3, hours=1))

    assert (overdue.overdue, again.overdue, escalated.escalated) == (1, 0, 1)
    assert _kinds(cast.partner) == ["workorders.overdue"]
    assert _kinds(cast.street_admin) == ["workorders.escalated"]
    assert list(order.events.filter(verb__in=["overdue", "escalated"]).values_list("verb", flat=True)) == [
        "overdue",
        "escalated",
    ]


def test_a_reassignment_gives_a_new_deadline_and_a_fresh_ladder(cast):
    s = cast.street
    order = make_order(reporter=cast.member, community=s.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker)
    work_order_escalate_due(now=order.due_at + timedelta(hours=1))
    assert WorkOrder.objects.get(pk=order.pk).escalation_stage == E.OVERDUE

    order.refresh_from_db()
    services.work_order_reassign(actor=actor(cast.nanyuan_worker), order=order, party=s.partner, reason="换药房")

    order.refresh_from_db()
    assert order.escalation_stage == E.NONE
    assert order.due_at > timezone.now() + timedelta(days=2)


def test_a_fixed_order_is_never_overdue(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.RESOLVED, staff=cast.nanyuan_worker
    )

    report = work_order_escalate_due(now=order.due_at + timedelta(days=30))

    assert report == services.EscalationReport(0, 0, 0)
