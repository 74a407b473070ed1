"""Background and periodic work of duty rosters (thin: each calls one service)."""

from __future__ import annotations

from datetime import timedelta

from mulin.core.schedule import periodic
from mulin.core.tasks import background_task
from mulin.rosters.services.duty import duty_close_due


@periodic("rosters.close_finished_shifts", every=timedelta(minutes=15))
def close_finished_shifts() -> dict[str, int]:
    return duty_close_due()


@background_task("rosters.autofill")
def autofill(job_id: int) -> None:
    from mulin.rosters.services.autofill import autofill_run

    autofill_run(job_id)


@periodic("rosters.remind", every=timedelta(minutes=5))
def remind() -> dict[str, int]:
    from mulin.rosters.services.reminders import duty_remind_due

    return duty_remind_due()
