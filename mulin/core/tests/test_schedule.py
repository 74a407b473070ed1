"""Periodic jobs: run when due, once per interval, once across several schedulers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mulin.core import schedule
from mulin.core.models import PeriodicJobRun

RUNS: list[str] = []


@pytest.fixture
def jobs(monkeypatch):  # type: ignore[no-untyped-def]
    """A registry of this test's own jobs only."""
    monkeypatch.setattr(schedule, "_JOBS", {})
    RUNS.clear()

    def register(name: str, every: dt.timedelta, fail: bool = False) -> None:
        def job() -> None:
            RUNS.append(name)
            if fail:
                raise RuntimeError("job failed")

        schedule.periodic(name, every=every)(job)

    yield register
    RUNS.clear()


@pytest.mark.django_db
def test_a_new_job_runs_at_once_then_waits_for_its_interval(jobs):
    jobs("test.hourly", dt.timedelta(hours=1))
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert schedule.run_due_jobs() == ["test.hourly"]
        assert schedule.run_due_jobs() == []
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert schedule.run_due_jobs() == []
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert schedule.run_due_jobs() == ["test.hourly"]

    assert RUNS == ["test.hourly", "test.hourly"]
    run = PeriodicJobRun.objects.get(name="test.hourly")
    assert run.last_finished_at >= run.last_started_at


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_and_waits_its_interval(jobs):
    jobs("test.a-fails", dt.timedelta(hours=1), fail=True)
    jobs("test.b-works", dt.timedelta(hours=1))

    assert schedule.run_due_jobs() == ["test.b-works"]
    assert RUNS == ["test.a-fails", "test.b-works"]
    assert schedule.run_due_jobs() == []
    assert PeriodicJobRun.objects.get(name="test.a-fails").last_finished_at is None


@pytest.mark.django_db
def test_run_job_runs_now_whatever_the_schedule(jobs):
    jobs("test.daily", dt.timedelta(days=1))
    schedule.run_due_jobs()

    schedule.run_job("test.daily")

    assert RUNS == ["test.daily", "test.daily"]


def test_beat_schedule_lists_every_job(jobs):
    jobs("test.daily", dt.timedelta(days=1))

    assert schedule.beat_schedule() == {
        "test.daily": {"task": "mulin.core.run_periodic_job", "schedule": 86400.0, "args": ("test.daily",)}
    }


@pytest.mark.django_db
def test_run_scheduler_once_runs_due_jobs_and_queued_tasks(jobs, capsys):
    jobs("test.hourly", dt.timedelta(hours=1))

    call_command("run_scheduler", once=True)

    assert RUNS == ["test.hourly"]
    assert "test.hourly" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_schedulers_at_once_run_a_job_once(jobs):
    jobs("test.hourly", dt.timedelta(hours=1))
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            schedule.run_due_jobs()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert RUNS == ["test.hourly"]
