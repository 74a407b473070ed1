"""Background and periodic work of the wish wall (thin: each calls one service)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from mulin.core.schedule import periodic
from mulin.core.tasks import background_task
from mulin.wishes.matching import wish_match_and_notify
from mulin.wishes.services import wish_escalate_due
from mulin.wishes.stats import wish_rollup_reconcile


@background_task("wishes.match_helpers")
def match_helpers(wish_id: int) -> int:
    return wish_match_and_notify(wish_id=wish_id)


@periodic("wishes.escalate", every=timedelta(hours=1))
def escalate() -> dict[str, int]:
    return asdict(wish_escalate_due())


@periodic("wishes.reconcile_rollup", every=timedelta(days=1))
def reconcile_rollup() -> dict[str, int]:
    report = wish_rollup_reconcile(fix=True)
    return {"checked_cells": report.checked_cells, "wrong_cells": report.wrong_cells}
