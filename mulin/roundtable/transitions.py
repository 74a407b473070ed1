"""The topic lifecycle: one declaration per status change; each is a conditional UPDATE
(`StateMachine.apply`), so two people acting at once cannot both succeed.

    open ──schedule──▶ scheduled ──decide──▶ decided ──start──▶ in_progress ──done──▶ rating ──close──▶ closed
      │                    │                                                      │
      └──────merge─────────┴──▶ merged                          rating below the threshold ──reopen──▶ open

Escalation changes the level, not the status (a conditional UPDATE on the level).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mulin.core.statemachine import StateMachine, Transition
from mulin.roundtable.models import OPEN_STATUSES, Topic

S = Topic.Status

TOPIC_LIFECYCLE = StateMachine(
    Topic,
    [
        Transition("merge", OPEN_STATUSES, S.MERGED, _("This topic was merged or closed meanwhile.")),
        Transition("schedule", OPEN_STATUSES, S.SCHEDULED, _("This topic is no longer open.")),
        Transition(
            "decide", frozenset({S.OPEN, S.SCHEDULED}), S.DECIDED, _("This topic was decided or closed meanwhile.")
        ),
        Transition("start", frozenset({S.DECIDED, S.IN_PROGRESS}), S.IN_PROGRESS, _("This topic is not decided.")),
        Transition("done", frozenset({S.IN_PROGRESS}), S.RATING, _("This topic is not being carried out.")),
        Transition("close", frozenset({S.RATING}), S.CLOSED, _("This topic is not waiting for ratings.")),
        Transition("reopen", frozenset({S.RATING}), S.OPEN, _("This topic is not waiting for ratings.")),
    ],
    code="topic",
)
