"""The wish lifecycle in one table (征集 → 核实 → 公示 → 认领 → 圆梦 → 反馈 → 销号). Every status change
goes through `WISH_LIFECYCLE.apply()`, a conditional UPDATE (core/statemachine.py): two people
acting at the same moment cannot both succeed. What people do with these transitions — who may,
the service, the form and the API request — is declared once per action in `actions.py`.

    submitted ──publish──▶ published ──claim──▶ claimed ──fulfil──▶ fulfilled ──confirm──▶ closed
        │                    ▲   │                 │
        └──reject──▶ rejected│   │                 │
                             └───┼──release────────┘   (claimant, staff, or after 14 days)
    submitted / published / claimed ──withdraw──▶ withdrawn   (the wisher, before fulfilment)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mulin.core.statemachine import StateMachine, Transition
from mulin.wishes.models import Wish

S = Wish.Status

WISH_LIFECYCLE = StateMachine(
    Wish,
    [
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
    ],
    code="wish",
    # Any move restarts the escalation ladder (services/escalation.py).
    also_set={"escalation_stage": Wish.Escalation.NONE},
)
