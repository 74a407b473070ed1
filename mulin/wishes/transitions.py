"""The wish lifecycle in one table. Every status change goes through `transition()`, which is a
conditional UPDATE: it changes the row only if the wish is still in an allowed source state, so
two people acting at the same moment cannot both succeed (征集 → 核实 → 公示 → 认领 → 圆梦 → 反馈 → 销号).

    submitted ──publish──▶ published ──claim──▶ claimed ──fulfil──▶ fulfilled ──confirm──▶ closed
        │                    ▲   │                 │
        └──reject──▶ rejected│   │                 │
                             └───┼──release────────┘   (claimant, staff, or after 14 days)
    submitted / published / claimed ──withdraw──▶ withdrawn   (the wisher, before fulfilment)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mulin.core.exceptions import StateConflict
from mulin.wishes.models import Wish

S = Wish.Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    conflict: str | Promise  # shown (translated) when the wish is no longer in a source state


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "publish", frozenset({S.SUBMITTED}), S.PUBLISHED, _("This wish is no longer awaiting verification.")
        ),
        Transition("reject", frozenset({S.SUBMITTED}), S.REJECTED, _("This wish is no longer awaiting verification.")),
        Transition("claim", frozenset({S.PUBLISHED}), S.CLAIMED, _("Someone has already claimed this wish.")),
        Transition("release", frozenset({S.CLAIMED}), S.PUBLISHED, _("This wish is not claimed at the moment.")),
        Transition("fulfil", frozenset({S.CLAIMED}), S.FULFILLED, _("Only a claimed wish can be fulfilled.")),
        Transition("confirm", frozenset({S.FULFILLED}), S.CLOSED, _("Only a fulfilled wish can be confirmed.")),
        Transition(
            "withdraw",
            frozenset({S.SUBMITTED, S.PUBLISHED, S.CLAIMED}),
            S.WITHDRAWN,
            _("A wish can be withdrawn only before it is fulfilled."),
        ),
    ]
}
ACTIONS = tuple(TRANSITIONS)


def allowed(action: str, status: str) -> bool:
    """Whether `action` may start from `status` (for showing buttons; the UPDATE still decides)."""
    return status in TRANSITIONS[action].sources


def transition(wish: Wish, action: str, *, condition: Q | None = None, **changes: Any) -> Wish:
    """Move `wish` along `action` with one conditional UPDATE, then refresh it.

    `condition` adds to the WHERE clause (e.g. the claimant must still be the actor). Raise
    StateConflict (HTTP 409) when no row matched: someone else moved the wish first, or it was
    never in a source state.
    """
    spec = TRANSITIONS[action]
    rows = Wish.objects.filter(pk=wish.pk, status__in=spec.sources)
    if condition is not None:
        rows = rows.filter(condition)
    changes.setdefault("updated_at", timezone.now())
    updated = rows.update(status=spec.target, escalation_stage=Wish.Escalation.NONE, **changes)
    if updated == 0:
        raise StateConflict(spec.conflict, code=f"wish_{action}_conflict")
    wish.refresh_from_db()
    return wish
