"""Periodic work of activities (thin: each calls one service)."""

from __future__ import annotations

from datetime import timedelta

from mulin.core.schedule import periodic


@periodic("activities.remind", every=timedelta(minutes=5))
def remind() -> dict[str, int]:
    from mulin.activities.services import activity_remind_due

    return activity_remind_due()
