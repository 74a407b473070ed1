"""The transactional outbox: tasks run after commit, never on rollback, retry with back-off,
and survive a broker that is down."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from mulin.core.models import QueuedTask
from mulin.core.tasks import (
    MAX_ATTEMPTS,
    STALE_RUNNING_AFTER,
    background_task,
    dispatch_pending,
    enqueue,
    retry_delay,
    run_queued_task,
)

CALLS: list[object] = []
FAILURES_LEFT: dict[str, int] = {}


@background_task("core_test.record")
def record(value: object) -> None:
    CALLS.append(value)


@background_task("core_test.flaky")
def flaky(key: str) -> None:
    if FAILURES_LEFT.get(key, 0) > 0:
        FAILURES_LEFT[key] -= 1
        raise RuntimeError("still failing for 13800138000")
    CALLS.append(key)


@pytest.fixture(autouse=True)
def _fresh_calls() -> Iterator[None]:
    CALLS.clear()
    FAILURES_LEFT.clear()
    yield
    CALLS.clear()


@pytest.fixture
def no_raise(settings):  # type: ignore[no-untyped-def]
    settings.MULIN_TASKS_RAISE = False
    return settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down(settings):  # type: ignore[no-untyped-def]
    """Celery mode, with the broker URL pointing at a port where nothing listens.

    The Celery app read its configuration once, so it is changed too, and put back after.
    """
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.MULIN_TASKS_IN_PROCESS = False
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield settings
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# --- after commit -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_task_runs_after_commit_not_before():
    with transaction.atomic():
        task = enqueue("core_test.record", value=1)
        assert CALLS == []
        assert QueuedTask.objects.get(pk=task.pk).status == QueuedTask.Status.PENDING

    assert CALLS == [1]
    task.refresh_from_db()
    assert task.status == QueuedTask.Status.DONE
    assert task.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_runs_and_nothing_is_queued_on_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("core_test.record", value=1)
        raise RuntimeError("the service failed")

    assert CALLS == []
    assert not QueuedTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_inner_savepoint_rollback_drops_only_its_task():
    with transaction.atomic():
        enqueue("core_test.record", value="kept")
        try:
            with transaction.atomic():
                enqueue("core_test.record", value="dropped")
                raise RuntimeError
        except RuntimeError:
            pass

    assert CALLS == ["kept"]
    assert QueuedTask.objects.count() == 1


@pytest.mark.django_db
def test_unknown_task_name_is_refused():
    with pytest.raises(KeyError):
        enqueue("core_test.nope")
    assert not QueuedTask.objects.exists()


@pytest.mark.django_db
def test_a_task_is_run_once_even_if_dispatched_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = enqueue("core_test.record", value=1)

    run_queued_task(task.pk)

    assert CALLS == [1]


# --- failures -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_failing_task_is_retried_with_back_off_then_succeeds(no_raise, django_capture_on_commit_callbacks):
    FAILURES_LEFT["k"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        task = enqueue("core_test.flaky", key="k")

    task.refresh_from_db()
    assert (task.status, task.attempts) == (QueuedTask.Status.PENDING, 1)
    assert task.run_after > timezone.now() + retry_delay(1) - dt.timedelta(seconds=5)
    assert "RuntimeError" in task.last_error
    assert "13800138000" not in task.last_error
    assert dispatch_pending() == 0  # not due yet
    assert CALLS == []

    with time_machine.travel(timezone.now() + retry_delay(1) + dt.timedelta(seconds=1)):
        assert dispatch_pending() == 1
    task.refresh_from_db()
    assert (task.status, task.attempts) == (QueuedTask.Status.PENDING, 2)

    with time_machine.travel(timezone.now() + retry_delay(1) + retry_delay(2) + dt.timedelta(seconds=2)):
        assert dispatch_pending() == 1
    task.refresh_from_db()
    assert (task.status, task.attempts, task.last_error) == (QueuedTask.Status.DONE, 3, "")
    assert CALLS == ["k"]


@pytest.mark.django_db
def test_task_failing_every_time_is_marked_failed_and_left_alone(no_raise, django_capture_on_commit_callbacks):
    FAILURES_LEFT["k"] = 100
    with django_capture_on_commit_callbacks(execute=True):
        task = enqueue("core_test.flaky", key="k")

    moment = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS):
        moment += retry_delay(attempt) + dt.timedelta(seconds=1)
        with time_machine.travel(moment):
            assert dispatch_pending() == 1

    task.refresh_from_db()
    assert (task.status, task.attempts) == (QueuedTask.Status.FAILED, MAX_ATTEMPTS)
    with time_machine.travel(moment + dt.timedelta(days=1)):
        assert dispatch_pending() == 0
    assert FAILURES_LEFT["k"] == 100 - MAX_ATTEMPTS


@pytest.mark.django_db
def test_tests_see_task_errors_when_asked(settings, django_capture_on_commit_callbacks):
    settings.MULIN_TASKS_RAISE = True
    FAILURES_LEFT["k"] = 1

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        enqueue("core_test.flaky", key="k")


# --- stale running tasks ------------------------------------------------------------------------


@pytest.mark.django_db
def test_dispatch_pending_reruns_tasks_left_running_by_a_dead_worker():
    with time_machine.travel(timezone.now() - STALE_RUNNING_AFTER - dt.timedelta(minutes=1)):
        stale = QueuedTask.objects.create(
            name="core_test.record", kwargs={"value": "stale"}, status=QueuedTask.Status.RUNNING, attempts=1
        )
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=2)):
        busy = QueuedTask.objects.create(
            name="core_test.record", kwargs={"value": "busy"}, status=QueuedTask.Status.RUNNING, attempts=1
        )

    assert dispatch_pending() == 1

    stale.refresh_from_db()
    busy.refresh_from_db()
    assert (stale.status, stale.attempts) == (QueuedTask.Status.DONE, 2)
    assert busy.status == QueuedTask.Status.RUNNING
    assert CALLS == ["stale"]


# --- Celery mode with the broker down -----------------------------------------------------------


@pytest.mark.django_db
def test_broker_down_leaves_the_task_pending(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = enqueue("core_test.record", value=1)

    task.refresh_from_db()
    assert (task.status, task.attempts) == (QueuedTask.Status.PENDING, 0)
    assert CALLS == []
    assert dispatch_pending() == 1  # tried again, still down, still pending
    task.refresh_from_db()
    assert task.status == QueuedTask.Status.PENDING


@pytest.mark.django_db
@pytest.mark.urls("mulin.core.tests.urls_tasks")
def test_broker_down_does_not_break_the_request(broker_down, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/enqueue/")

    assert response.status_code == 200
    task = QueuedTask.objects.get(pk=int(response.content))
    assert task.status == QueuedTask.Status.PENDING
    assert CALLS == []


@pytest.mark.django_db
def test_pending_tasks_run_once_the_scheduler_sees_them_in_process_mode(settings, broker_down):
    with transaction.atomic():
        task = QueuedTask.objects.create(name="core_test.record", kwargs={"value": "late"})
    settings.MULIN_TASKS_IN_PROCESS = True

    assert dispatch_pending() == 1

    task.refresh_from_db()
    assert task.status == QueuedTask.Status.DONE
    assert CALLS == ["late"]
