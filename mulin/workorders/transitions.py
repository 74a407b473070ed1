"""The work-order lifecycle in one place: one declaration per action (its source states, its
target, who may take it, its button label and the message when someone else was faster).
Every status change goes through `transition()`, a conditional UPDATE, so two people acting at
the same moment cannot both succeed and no step can be skipped.

    reported ──accept──▶ accepted ──dispatch──▶ dispatched ──start──▶ in_progress
                            ▲   ▲                 │  ▲ reassign        │
                            │   └──────return─────┴──┴─────────────────┤
                            │                     └──────resolve───────┴──▶ resolved
                            │                               ▲ send_back ◀──────┘ │
                            │                                                     verify
        closed ◀──close── verified ◀──────────────────────────────────────────────┘
          │  ▲
          │  └──close_unfixed── reported, accepted, dispatched, in_progress (duplicate, no action
          │                                                          needed, cannot be fixed)
          └──reopen──▶ accepted   (the reporter within MULIN_WORKORDER_REOPEN_DAYS, or staff)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mulin.core.exceptions import StateConflict
from mulin.organizations.scoping import Actor
from mulin.workorders import permissions as can
from mulin.workorders.models import WorkOrder

S = WorkOrder.Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    allowed_for: Callable[[Actor, WorkOrder], bool]
    label: str | Promise  # the button
    conflict: str | Promise  # shown (translated) when the order is no longer in a source state


ACCEPT = Transition(
    "accept",
    frozenset({S.REPORTED}),
    S.ACCEPTED,
    can.can_manage_work_order,
    _("Accept"),
    _("This order has already been accepted or closed."),
)
DISPATCH = Transition(
    "dispatch",
    frozenset({S.ACCEPTED}),
    S.DISPATCHED,
    can.can_manage_work_order,
    _("Dispatch to the responsible party"),
    _("Only an accepted order can be dispatched."),
)
REASSIGN = Transition(
    "reassign",
    frozenset({S.DISPATCHED, S.IN_PROGRESS}),
    S.DISPATCHED,
    can.can_manage_work_order,
    _("Reassign to another party"),
    _("This order is not with a responsible party any more, or it was reassigned meanwhile."),
)
RETURN = Transition(
    "return",
    frozenset({S.DISPATCHED, S.IN_PROGRESS}),
    S.ACCEPTED,
    can.can_handle_work_order,
    _("Not ours: return it"),
    _("This order is not with a responsible party any more."),
)
START = Transition(
    "start",
    frozenset({S.DISPATCHED}),
    S.IN_PROGRESS,
    can.can_handle_work_order,
    _("Work has started"),
    _("Only a dispatched order can be started."),
)
RESOLVE = Transition(
    "resolve",
    frozenset({S.DISPATCHED, S.IN_PROGRESS}),
    S.RESOLVED,
    can.can_handle_work_order,
    _("Report it fixed"),
    _("Only an order being worked on can be reported fixed."),
)
SEND_BACK = Transition(
    "send_back",
    frozenset({S.RESOLVED}),
    S.IN_PROGRESS,
    can.can_verify_work_order,
    _("Not fixed yet: send it back"),
    _("Only an order reported fixed can be sent back."),
)
VERIFY = Transition(
    "verify",
    frozenset({S.RESOLVED}),
    S.VERIFIED,
    can.can_verify_work_order,
    _("Checked: it is fixed"),
    _("Only an order reported fixed can be verified."),
)
CLOSE = Transition(
    "close",
    frozenset({S.VERIFIED}),
    S.CLOSED,
    can.can_manage_work_order,
    _("Close"),
    _("Only a verified order can be closed."),
)
CLOSE_UNFIXED = Transition(
    "close_unfixed",
    frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS}),
    S.CLOSED,
    can.can_manage_work_order,
    _("Close without a fix"),
    _("This order can no longer be closed without a fix."),
)
REOPEN = Transition(
    "reopen",
    frozenset({S.CLOSED}),
    S.ACCEPTED,
    can.can_reopen_work_order,
    _("It is not fixed: reopen"),
    _("Only a closed order can be reopened."),
)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (ACCEPT, DISPATCH, REASSIGN, RETURN, START, RESOLVE, SEND_BACK, VERIFY, CLOSE, CLOSE_UNFIXED, REOPEN)
}
ACTIONS = tuple(TRANSITIONS)


def available_actions(actor: Actor, order: WorkOrder) -> list[str]:
    """Actions the actor may take on the order now (for buttons and the API's `actions`; the
    services check again and the UPDATE decides)."""
    return [t.action for t in TRANSITIONS.values() if order.status in t.sources and t.allowed_for(actor, order)]


def transition(order: WorkOrder, spec: Transition, *, condition: Q | None = None, **changes: Any) -> WorkOrder:
    """Move `order` along `spec` with one conditional UPDATE, then refresh it.

    `condition` adds to the WHERE clause (e.g. the assignee must still be the one the actor saw).
    Raise StateConflict (HTTP 409) when no row matched: someone else moved the order first, or it
    was never in a source state. Nothing is written then.
    """
    rows = WorkOrder.objects.filter(pk=order.pk, status__in=spec.sources)
    if condition is not None:
        rows = rows.filter(condition)
    changes.setdefault("updated_at", timezone.now())
    updated = rows.update(status=spec.target, escalation_stage=WorkOrder.Escalation.NONE, **changes)
    if updated == 0:
        raise StateConflict(spec.conflict, code=f"workorder_{spec.action}_conflict")
    order.refresh_from_db()
    return order
