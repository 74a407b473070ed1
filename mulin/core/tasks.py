"""Background work through a transactional outbox.

`enqueue()` writes a QueuedTask row inside the caller's transaction; after commit the task runs
in-process (embedded mode, no Redis) or is handed to Celery. If the broker is down the row stays
pending and `dispatch_pending` (Celery beat, every minute) sends it again, so an outage delays
work but never loses it. Tasks must be idempotent: a task may run twice after a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mulin.core.logging import mask_text
from mulin.core.models import QueuedTask

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_RUNNING_AFTER = timedelta(minutes=10)
_REGISTRY: dict[str, Callable[..., Any]] = {}


def background_task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function that `enqueue(name, ...)` may run later with JSON-able kwargs."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = func
        return func

    return register


def retry_delay(attempts: int) -> timedelta:
    """Back-off before the next try after `attempts` failed runs: 1, 2, 4, 8 minutes."""
    return timedelta(seconds=30 * 2**attempts)


def enqueue(name: str, **kwargs: Any) -> QueuedTask:
    """Queue `name(**kwargs)` to run after the current transaction commits."""
    if name not in _REGISTRY:
        raise KeyError(f"No background task named {name!r}.")
    task = QueuedTask.objects.create(name=name, kwargs=kwargs)
    transaction.on_commit(lambda: _dispatch(task.pk))
    return task


def _dispatch(task_id: int) -> None:
    if settings.MULIN_TASKS_IN_PROCESS:
        run_queued_task(task_id)
        return
    try:
        # No publish retries: this runs inside a request (after commit), which must not wait
        # for a broker that is down. The row stays pending and dispatch_pending sends it later.
        run_queued_task_celery.apply_async((task_id,), retry=False)
    except Exception:
        logger.warning("Broker unavailable; task %s stays queued.", task_id, exc_info=True)


def run_queued_task(task_id: int) -> None:
    """Run one queued task if it is still pending; record success, retry or failure."""
    now = timezone.now()
    # A conditional UPDATE claims the task: of two workers given the same id, one runs it.
    claimed = QueuedTask.objects.filter(pk=task_id, status=QueuedTask.Status.PENDING, run_after__lte=now).update(
        status=QueuedTask.Status.RUNNING, attempts=F("attempts") + 1, updated_at=now
    )
    if claimed == 0:
        return  # taken by another worker, finished, or waiting for its back-off to pass
    task = QueuedTask.objects.get(pk=task_id)
    try:
        _REGISTRY[task.name](**task.kwargs)
    except Exception as exc:
        logger.exception("Queued task %s (%s) failed.", task.pk, task.name)
        failed_for_good = task.attempts >= MAX_ATTEMPTS
        QueuedTask.objects.filter(pk=task.pk).update(
            status=QueuedTask.Status.FAILED if failed_for_good else QueuedTask.Status.PENDING,
            run_after=timezone.now() + retry_delay(task.attempts),
            # Error messages can quote the data they choked on: mask phones and ID numbers.
            last_error=mask_text(f"{type(exc).__name__}: {exc}")[:2000],
            updated_at=timezone.now(),
        )
        if getattr(settings, "MULIN_TASKS_RAISE", False):  # tests want to see the error
            raise
        return
    QueuedTask.objects.filter(pk=task.pk).update(
        status=QueuedTask.Status.DONE, last_error="", updated_at=timezone.now()
    )


def dispatch_pending(limit: int = 500) -> int:
    """Send due tasks again (after a broker outage or a crashed worker); return how many."""
    now = timezone.now()
    # A worker that died mid-task leaves it RUNNING; after STALE_RUNNING_AFTER it is run again.
    QueuedTask.objects.filter(status=QueuedTask.Status.RUNNING, updated_at__lt=now - STALE_RUNNING_AFTER).update(
        status=QueuedTask.Status.PENDING, updated_at=now
    )
    due = list(
        QueuedTask.objects.filter(status=QueuedTask.Status.PENDING, run_after__lte=now)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for task_id in due:
        _dispatch(task_id)
    return len(due)


@shared_task(name="mulin.core.run_queued_task")
def run_queued_task_celery(task_id: int) -> None:
    run_queued_task(task_id)


@shared_task(name="mulin.core.dispatch_pending")
def dispatch_pending_celery() -> int:
    return dispatch_pending()


@shared_task(name="mulin.core.run_periodic_job")
def run_periodic_job_celery(name: str) -> None:
    from mulin.core.schedule import run_job

    run_job(name)
