"""Periodic jobs (escalations, reminders, purges) declared once, run by Celery beat in production
and by `manage.py run_scheduler` in the embedded setup.

Each app declares its jobs in its `tasks.py` with `@periodic("name", every=timedelta(...))`.
A job must be idempotent and cheap when there is nothing to do: it can run late, twice, or after
a restart. The last run of each job is kept in the database so an embedded restart does not
run everything at once, and several schedulers cannot run the same job at the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], Any]


_JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        _JOBS[name] = PeriodicJob(name, every, func)
        return func

    return register


def jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def run_job(name: str) -> Any:
    """Run one job now (Celery beat calls this through `run_periodic_job`)."""
    from mulin.core.models import PeriodicJobRun

    job = _JOBS[name]
    now = timezone.now()
    PeriodicJobRun.objects.update_or_create(name=name, defaults={"last_started_at": now})
    result = job.func()
    PeriodicJobRun.objects.filter(name=name).update(last_finished_at=timezone.now())
    return result


def run_due_jobs(now: Any = None) -> list[str]:
    """Run every job whose interval has passed since its last start; return their names."""
    from mulin.core.models import PeriodicJobRun

    now = now or timezone.now()
    ran = []
    for job in jobs():
        with transaction.atomic():
            try:
                run, _created = PeriodicJobRun.objects.get_or_create(name=job.name)
            except IntegrityError:
                continue
            due_before = now - job.every
            # Claim the run with a conditional update so two schedulers never both run it.
            claimed = PeriodicJobRun.objects.filter(pk=run.pk).filter(last_started_at__isnull=True).update(
                last_started_at=now
            ) or PeriodicJobRun.objects.filter(pk=run.pk, last_started_at__lte=due_before).update(last_started_at=now)
        if not claimed:
            continue
        try:
            job.func()
        except Exception:
            logger.exception("Periodic job %s failed.", job.name)
            continue
        PeriodicJobRun.objects.filter(pk=run.pk).update(last_finished_at=timezone.now())
        ran.append(job.name)
    return ran


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The Celery beat schedule for every registered job."""
    return {
        job.name: {"task": "mulin.core.run_periodic_job", "schedule": job.every.total_seconds(), "args": (job.name,)}
        for job in jobs()
    }
