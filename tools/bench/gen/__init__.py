"""The generator's steps, one module per Mulin app. A new app adds a module with a
``generate(ctx)`` function and one line in STEPS; it can use what earlier steps left in the
context (the tree, people, helpers) and append notifications, ledger credits and audit rows to
the shared sinks, which the final steps write in time order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tools.bench.gen import audit, organizations, personas, sinks, wishes
from tools.bench.gen.context import GenContext


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[GenContext], None]


STEPS: list[Step] = [
    Step("organizations", organizations.generate),
    Step("wishes", wishes.generate),
    # Later modules (activities, rosters, patrols, roundtables) go here.
    Step("notifications", sinks.write_notifications),
    Step("points", sinks.write_ledger),
    Step("audit", audit.generate),
    Step("personas", personas.generate),
]
