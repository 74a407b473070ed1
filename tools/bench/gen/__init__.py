"""The generator's steps: one per Mulin app that names one (`bench_step` on its AppConfig, see
mulin/core/modules.py), in INSTALLED_APPS order, then the shared sinks. A new app adds
`tools/bench/gen/<app>.py` with a ``generate(ctx)`` function and names it in its AppConfig; it
can use what earlier steps left in the context (the tree, people, helpers) and append
notifications, ledger credits and audit rows to the shared sinks, which the final steps write in
time order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string

from tools.bench.gen.context import GenContext


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[GenContext], None]


def steps() -> list[Step]:
    """Every step in order. Django must be set up (the apps say where their steps are)."""
    from mulin.core.modules import bench_steps
    from tools.bench.gen import audit, personas, sinks

    return [
        *(Step(label, import_string(path)) for label, path in bench_steps()),
        Step("notifications", sinks.write_notifications),
        Step("points", sinks.write_ledger),
        Step("audit", audit.generate),
        Step("personas", personas.generate),
    ]
