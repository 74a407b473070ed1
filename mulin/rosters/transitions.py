"""The lifecycles of duty assignments, leave/swap requests and auto-fill runs, each in one table.
Every status change is a conditional UPDATE through `transition()`: it changes the row only while
it is still in an allowed source state, so two people acting at once cannot both succeed.

    assignment:  assigned ──check_in──▶ checked_in ──check_out / close──▶ completed
                    │  └──no_show──▶ no_show
                    ├──withdraw──▶ cancelled          (the person before the shift, or an organiser)
                    └──release───▶ released           (an approved leave or swap)
    request:     pending ──approve / decline / withdraw──▶ approved / declined / withdrawn
    auto-fill:   queued ──start──▶ running ──finish / fail──▶ done / failed;  done ──apply──▶ applied
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mulin.core.exceptions import StateConflict
from mulin.rosters.models import Assignment, AutofillJob, DutyRequest

A, R, J = Assignment.Status, DutyRequest.Status, AutofillJob.Status
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    model: type[models.Model]
    action: str
    sources: frozenset[str]
    target: str
    conflict: str | Promise  # shown (translated) when the row is no longer in a source state


def _table(*transitions: Transition) -> dict[tuple[type[models.Model], str], Transition]:
    return {(t.model, t.action): t for t in transitions}


TRANSITIONS = _table(
    Transition(Assignment, "check_in", frozenset({A.ASSIGNED}), A.CHECKED_IN, _("You are already checked in.")),
    Transition(Assignment, "check_out", frozenset({A.CHECKED_IN}), A.COMPLETED, _("Check in first; then check out.")),
    Transition(Assignment, "close", frozenset({A.CHECKED_IN}), A.COMPLETED, _("This duty is already closed.")),
    Transition(Assignment, "no_show", frozenset({A.ASSIGNED}), A.NO_SHOW, _("This duty is no longer open.")),
    Transition(
        Assignment, "withdraw", frozenset({A.ASSIGNED}), A.CANCELLED, _("This duty can no longer be withdrawn.")
    ),
    Transition(Assignment, "release", frozenset({A.ASSIGNED}), A.RELEASED, _("This duty can no longer be released.")),
    Transition(DutyRequest, "approve", frozenset({R.PENDING}), R.APPROVED, _("This request was already decided.")),
    Transition(DutyRequest, "decline", frozenset({R.PENDING}), R.DECLINED, _("This request was already decided.")),
    Transition(DutyRequest, "withdraw", frozenset({R.PENDING}), R.WITHDRAWN, _("This request was already decided.")),
    Transition(AutofillJob, "start", frozenset({J.QUEUED}), J.RUNNING, _("This auto-fill has already started.")),
    Transition(AutofillJob, "finish", frozenset({J.RUNNING}), J.DONE, _("This auto-fill is not running.")),
    Transition(AutofillJob, "fail", frozenset({J.QUEUED, J.RUNNING}), J.FAILED, _("This auto-fill is not running.")),
    Transition(AutofillJob, "apply", frozenset({J.DONE}), J.APPLIED, _("Only a finished auto-fill can be applied.")),
)


def allowed(instance: models.Model, action: str) -> bool:
    """Whether `action` may start from the row's status (for buttons; the UPDATE still decides)."""
    return getattr(instance, "status", None) in TRANSITIONS[(type(instance), action)].sources


def transition(instance: M, action: str, *, condition: Q | None = None, **changes: Any) -> M:
    """Move `instance` along `action` with one conditional UPDATE, then refresh it.

    `condition` adds to the WHERE clause. Raise StateConflict (409) when no row matched: someone
    else moved it first, or it was never in a source state.
    """
    spec = TRANSITIONS[(type(instance), action)]
    rows = type(instance)._default_manager.filter(pk=instance.pk, status__in=spec.sources)
    if condition is not None:
        rows = rows.filter(condition)
    if rows.update(status=spec.target, **changes) == 0:
        raise StateConflict(spec.conflict, code=f"{type(instance)._meta.model_name}_{action}_conflict")
    instance.refresh_from_db()
    return instance
