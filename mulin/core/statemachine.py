"""State machines of records (a wish, a work order, an activity, a shift, a topic) and the actions
people take on them.

`StateMachine` keeps a model's allowed transitions in one place and moves a row along one with a
conditional UPDATE: the row changes only if it is still in a source state (and meets the extra
`condition`), so two people acting at the same moment cannot both succeed — the loser gets
StateConflict (409). Never check-then-act.

`Action` is one thing a person does to a record, declared once: the transition it makes, the
predicate that shows the button and that the service enforces, the service, the web form, the
API request schema and the message shown when it is done. Views and API endpoints are built from
these declarations; `available_actions` lists what an actor may do to a record now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from mulin.core.exceptions import StateConflict

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    conflict: str | Promise  # shown (translated) when the row is no longer in a source state


class StateMachine(Generic[M]):
    """The allowed transitions of `model`'s status `field`.

    `code` names the machine in error codes: a lost race on "claim" is `<code>_claim_conflict`.
    `also_set` are changes every transition makes (e.g. resetting an escalation stage).
    """

    def __init__(
        self,
        model: type[M],
        transitions: Iterable[Transition],
        *,
        code: str,
        field: str = "status",
        also_set: Mapping[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.code = code
        self.field = field
        self.also_set = dict(also_set or {})
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"Transition {transition.name!r} is declared twice.")
            self.transitions[transition.name] = transition

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allows(self, name: str, status: str) -> bool:
        """Whether `name` may start from `status` (for showing buttons; the UPDATE still decides)."""
        return status in self.transitions[name].sources

    def apply(self, instance: M, name: str, *, condition: Q | None = None, **changes: Any) -> M:
        """Move `instance` along transition `name` with one conditional UPDATE, then refresh it.

        `condition` adds to the WHERE clause (e.g. the claimant must still be the actor). Raise
        StateConflict (HTTP 409) when no row matched: someone else moved it first, or it was never
        in a source state.
        """
        transition = self.transitions[name]
        rows = self.model._default_manager.filter(pk=instance.pk, **{f"{self.field}__in": transition.sources})
        if condition is not None:
            rows = rows.filter(condition)
        changes.setdefault("updated_at", timezone.now())
        updated = rows.update(**{self.field: transition.target, **self.also_set, **changes})
        if updated == 0:
            raise StateConflict(transition.conflict, code=f"{self.code}_{name}_conflict")
        instance.refresh_from_db()
        return instance


@dataclass(frozen=True)
class Action(Generic[M]):
    """One thing a person does to a record, declared once (see the module docstring).

    `predicate(actor, record)` decides who may (the service calls the matching ensure_can_…);
    `service(actor=, <record>=, **fields)` does it; `form` (a Django form class, or None when the
    action takes no input) and `request_serializer` (a DRF serializer class, or None) are the web
    and API shapes of its input, and must name the same fields as the service's arguments.
    """

    machine: StateMachine[M]
    name: str
    predicate: Callable[[Any, M], bool]
    service: Callable[..., M]
    done_message: str | Promise
    form: type | None = None
    request_serializer: type | None = None
    summary: str = ""  # one line for the API documentation

    def __post_init__(self) -> None:
        self.machine[self.name]

    @property
    def transition(self) -> Transition:
        return self.machine[self.name]

    def is_available(self, actor: Any, record: M) -> bool:
        """Whether `actor` may take this action on `record` now: its state and the predicate."""
        return self.machine.allows(self.name, getattr(record, self.machine.field)) and self.predicate(actor, record)


def action_table(actions: Sequence[Action[M]]) -> dict[str, Action[M]]:
    """Actions by name, in the order given (the order buttons and the API's `actions` list show)."""
    table: dict[str, Action[M]] = {}
    for action in actions:
        if action.name in table:
            raise ValueError(f"Action {action.name!r} is declared twice.")
        table[action.name] = action
    return table


def available_actions(actions: Mapping[str, Action[M]], actor: Any, record: M) -> list[str]:
    """Names of the actions `actor` may take on `record` now: the same predicates the services enforce."""
    return [name for name, action in actions.items() if action.is_available(actor, record)]
