"""The state-machine pattern every module's lifecycle uses: one table of transitions, a conditional
UPDATE that refuses a row no longer in a source state, and actions declared once."""

from __future__ import annotations

import pytest
from django.db.models import Q

from mulin.core.exceptions import StateConflict
from mulin.core.models import QueuedTask
from mulin.core.statemachine import Action, StateMachine, Transition, action_table, available_actions

pytestmark = pytest.mark.django_db
S = QueuedTask.Status

# A queued task serves as the record: any model with a status field would do.
MACHINE = StateMachine(
    QueuedTask,
    [
        Transition("start", frozenset({S.PENDING}), S.RUNNING, "It is no longer pending."),
        Transition("finish", frozenset({S.RUNNING}), S.DONE, "It is not running."),
    ],
    code="task",
    also_set={"last_error": ""},
)


def _task(status: str = S.PENDING) -> QueuedTask:
    return QueuedTask.objects.create(name="demo", status=status, last_error="old")


def test_a_transition_moves_the_row_sets_the_changes_and_what_every_transition_sets():
    task = _task()

    MACHINE.apply(task, "start", attempts=1)

    assert (task.status, task.attempts, task.last_error) == (S.RUNNING, 1, "")  # refreshed from the row


def test_a_row_no_longer_in_a_source_state_is_a_conflict_and_unchanged():
    task = _task(S.DONE)

    with pytest.raises(StateConflict) as conflict:
        MACHINE.apply(task, "start", attempts=1)

    assert (conflict.value.code, conflict.value.message) == ("task_start_conflict", "It is no longer pending.")
    task.refresh_from_db()
    assert (task.status, task.attempts, task.last_error) == (S.DONE, 0, "old")


def test_the_extra_condition_is_part_of_the_update():
    task = _task()

    with pytest.raises(StateConflict):
        MACHINE.apply(task, "start", condition=Q(name="another"))

    assert QueuedTask.objects.get(pk=task.pk).status == S.PENDING


def test_actions_are_available_by_state_and_predicate_in_declared_order():
    def start(*, actor: str, task: QueuedTask) -> QueuedTask:
        return MACHINE.apply(task, "start")

    actions = action_table(
        [
            Action(MACHINE, "finish", predicate=lambda actor, task: True, service=start, done_message="Done."),
            Action(MACHINE, "start", predicate=lambda actor, task: actor == "boss", service=start, done_message="Go."),
        ]
    )

    assert available_actions(actions, "boss", _task()) == ["start"]
    assert available_actions(actions, "clerk", _task()) == []
    assert available_actions(actions, "clerk", _task(S.RUNNING)) == ["finish"]
    assert actions["start"].transition.target == S.RUNNING


def test_declarations_name_existing_transitions_once():
    with pytest.raises(KeyError):
        Action(MACHINE, "explode", predicate=lambda a, t: True, service=lambda **kw: None, done_message="")
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine(QueuedTask, [MACHINE["start"], MACHINE["start"]], code="task")
