"""Periodic work of work orders (thin: each calls one service)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from mulin.core.schedule import periodic
from mulin.workorders.services import work_order_escalate_due


@periodic("workorders.escalate", every=timedelta(hours=1))
def escalate() -> dict[str, int]:
    return asdict(work_order_escalate_due())
