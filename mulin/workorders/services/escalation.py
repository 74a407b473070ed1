"""Deadlines (the periodic job `workorders.escalate`, hourly).

| condition | who is told | stage |
|---|---|---|
| reported or accepted, not dispatched within the category's hours | the community's staff | LATE_TO_ACCEPT |
| dispatched or being fixed, past its due time | the responsible party and the staff | OVERDUE |
| still not fixed MULIN_WORKORDER_ESCALATE_AFTER_DAYS (3) after that | the street administrators | ESCALATED |

Each step is a conditional UPDATE on `escalation_stage` (which every transition resets), so a
stage is told once per step however often or concurrently the job runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mulin.workorders.models import WorkOrder, WorkOrderCategory, WorkOrderEvent
from mulin.workorders.services._common import R, audit, community_staff, event, notify, party_handlers, street_admins

S = WorkOrder.Status
E = WorkOrder.Escalation
V = WorkOrderEvent.Verb


@dataclass(frozen=True)
class EscalationReport:
    late_to_accept: int
    overdue: int
    escalated: int


def _escalate_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "MULIN_WORKORDER_ESCALATE_AFTER_DAYS", 3)))


def work_order_escalate_due(*, now: datetime | None = None, batch: int = 500) -> EscalationReport:
    """Run the deadline ladder once (see the module docstring)."""
    now = now or timezone.now()
    late = overdue = escalated = 0

    for category in WorkOrderCategory.objects.all():
        waiting = WorkOrder.objects.filter(
            category=category,
            status__in=[S.REPORTED, S.ACCEPTED],
            escalation_stage=E.NONE,
            created_at__lte=now - timedelta(hours=category.accept_within_hours),
        ).select_related("community")[:batch]
        for order in waiting:
            with transaction.atomic():
                if not WorkOrder.objects.filter(pk=order.pk, status=order.status, escalation_stage=E.NONE).update(
                    escalation_stage=E.LATE_TO_ACCEPT
                ):
                    continue
                event(order, V.LATE_TO_ACCEPT, actor=None, role=R.SYSTEM)
                notify("workorders.late_to_accept", community_staff(order), order, hours=category.accept_within_hours)
                audit("late_to_accept", None, order)
                late += 1

    past_due = WorkOrder.objects.filter(
        status__in=[S.DISPATCHED, S.IN_PROGRESS], escalation_stage=E.NONE, due_at__lte=now
    ).select_related("community")[:batch]
    for order in past_due:
        with transaction.atomic():
            if not WorkOrder.objects.filter(
                pk=order.pk, status__in=[S.DISPATCHED, S.IN_PROGRESS], escalation_stage=E.NONE, due_at=order.due_at
            ).update(escalation_stage=E.OVERDUE):
                continue
            event(order, V.OVERDUE, actor=None, role=R.SYSTEM, party=order.assignee_name)
            notify("workorders.overdue", [*party_handlers(order), *community_staff(order)], order)
            audit("overdue", None, order)
            overdue += 1

    long_overdue = WorkOrder.objects.filter(
        status__in=[S.DISPATCHED, S.IN_PROGRESS], escalation_stage=E.OVERDUE, due_at__lte=now - _escalate_after()
    ).select_related("community")[:batch]
    for order in long_overdue:
        with transaction.atomic():
            if not WorkOrder.objects.filter(
                pk=order.pk, status__in=[S.DISPATCHED, S.IN_PROGRESS], escalation_stage=E.OVERDUE, due_at=order.due_at
            ).update(escalation_stage=E.ESCALATED):
                continue
            event(order, V.ESCALATED, actor=None, role=R.SYSTEM, party=order.assignee_name)
            notify("workorders.escalated", street_admins(order), order, community=order.community.name)
            audit("escalated", None, order)
            escalated += 1

    return EscalationReport(late, overdue, escalated)
