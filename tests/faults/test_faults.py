"""Faults with real servers, bounded in time and on loopback only (SECURITY.md "faults"; security
reference §8 E1/E2, §10.4; GB/T 22239 8.1.4.9 / 8.1.4.6 availability; ASVS 5.0 16.5.2-16.5.3).

- Redis stopped while gunicorn serves: signed-in people keep working (pages, posting a wish, staff
  publishing one through the API); sign-in fails closed with a clear 503 (web and API token); the
  work queued while Redis was down is done once Redis and a Celery worker are back.
- PostgreSQL restarted between requests: the next requests succeed (CONN_HEALTH_CHECKS).
- PostgreSQL restarted, and a gunicorn worker killed, in the middle of a slow write: that request
  fails, nothing of it is in the database, and the next request succeeds.

The slow write is real: a trigger on the faults database makes the second write of posting a wish
titled "SLOW…" (its timeline event) sleep, after the wish row itself was written in the same
transaction: were the two not one transaction, the killed request would leave a wish without its
event, and the restart one as well.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.faults.conftest import PASSWORD, RESIDENT_PHONE, WORKER_PHONE, WORKER_TOTP_KEY, Stack
from tests.faults.servers import Browser, CeleryWorker, Gunicorn, wait_until

pytestmark = [pytest.mark.faults]

SLOW_TRIGGER = """
CREATE OR REPLACE FUNCTION mulin_faults_slow() RETURNS trigger AS $$
BEGIN
  IF (SELECT title FROM wishes_wish WHERE id = NEW.wish_id) LIKE 'SLOW%' THEN PERFORM pg_sleep(8); END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS mulin_faults_slow ON wishes_wishevent;
CREATE TRIGGER mulin_faults_slow AFTER INSERT ON wishes_wishevent
  FOR EACH ROW EXECUTE FUNCTION mulin_faults_slow();
"""


@pytest.fixture
def server(stack: Stack) -> Iterator[Gunicorn]:
    gunicorn = Gunicorn(stack.app, workers=2)
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def slow_writes(stack: Stack) -> Iterator[None]:
    stack.sql(SLOW_TRIGGER)
    yield
    stack.sql("DROP TRIGGER IF EXISTS mulin_faults_slow ON wishes_wishevent")


def _category(stack: Stack) -> str:
    return str(stack.sql("SELECT id FROM wishes_wishcategory WHERE code = 'repair'")[0][0])


def _signed_in(port: int) -> Browser:
    browser = Browser(port)
    answer = browser.login(RESIDENT_PHONE, PASSWORD)
    assert answer.status == 302, answer.body[:500]
    return browser


def _worker_api(port: int) -> Browser:
    from django_otp.oath import totp

    code = f"{totp(bytes.fromhex(WORKER_TOTP_KEY)):06d}"
    answer = Browser(port).request(
        "POST", "/api/v1/auth/token/", body={"phone": WORKER_PHONE, "password": PASSWORD, "otp": code}
    )
    assert answer.status == 200, answer.body
    return Browser(port, token=answer.json()["token"])


def _count(stack: Stack, sql: str) -> int:
    return int(stack.sql(sql)[0][0])


def _in_background(call: Any) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["answer"] = call()
        except Exception as exc:  # the connection dies with the worker: that is the point
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _sleeping_in_the_database(stack: Stack) -> bool:
    """A backend is inside the slow trigger: the wish row is written, the transaction still open."""
    return _count(stack, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") > 0


# --- Redis -----------------------------------------------------------------------------------------


def test_with_redis_stopped_people_keep_working_sign_in_fails_closed_and_queued_work_catches_up(stack, server):
    resident = _signed_in(server.port)
    worker = _worker_api(server.port)
    category = _category(stack)
    wish = worker.request("GET", "/api/v1/wishes/?status=submitted")
    assert wish.status == 200
    tasks_done_before = _count(stack, "SELECT count(*) FROM core_queuedtask WHERE status = 'done'")

    stack.redis.stop()
    try:
        for path in ("/", "/me/", "/wishes/", "/wishes/mine/", "/points/", "/notifications/"):
            assert resident.get(path).status == 200, path
        posted = resident.post_form("/wishes/new/", {"title": "Redis 停了也能许愿", "category": category})
        assert posted.status == 302, posted.body[:500]
        wish_id = _count(stack, "SELECT id FROM wishes_wish WHERE title = 'Redis 停了也能许愿'")
        published = worker.request("POST", f"/api/v1/wishes/{wish_id}/publish/")
        assert published.status == 200, published.body[:500]
        pending = _count(stack, "SELECT count(*) FROM core_queuedtask WHERE status = 'pending'")
        assert pending >= 1, "publishing queues the helper matching (and notifications)"

        refused = Browser(server.port).login(RESIDENT_PHONE, PASSWORD)
        assert refused.status == 503
        assert "Sign-in is temporarily unavailable" in refused.body
        token = Browser(server.port).request(
            "POST", "/api/v1/auth/token/", body={"phone": RESIDENT_PHONE, "password": PASSWORD}
        )
        assert (token.status, token.json()["code"]) == (503, "unavailable")
    finally:
        stack.redis.start()

    celery = CeleryWorker(stack.app)
    celery.start()
    try:
        resent = stack.app.manage("run_queued_tasks")
        assert resent.returncode == 0, resent.stderr

        def caught_up() -> bool:
            return _count(stack, "SELECT count(*) FROM core_queuedtask WHERE status = 'pending'") == 0

        wait_until(caught_up, 60, "the queued work being done")
    finally:
        celery.stop()
    assert _count(stack, "SELECT count(*) FROM core_queuedtask WHERE status = 'done'") >= tasks_done_before + pending
    assert _count(stack, "SELECT count(*) FROM core_queuedtask WHERE status = 'failed'") == 0
    assert Browser(server.port).login(RESIDENT_PHONE, PASSWORD).status == 302  # sign-in is back


# --- PostgreSQL -------------------------------------------------------------------------------------


def test_after_a_postgresql_restart_the_next_requests_succeed(stack, server):
    resident = _signed_in(server.port)
    for _ in range(6):  # both workers hold a persistent connection now
        assert resident.get("/wishes/").status == 200

    stack.postgres.restart()

    statuses = [resident.get(path).status for path in ("/", "/wishes/", "/me/", "/", "/wishes/", "/me/")]
    assert statuses == [200] * 6


def test_a_postgresql_restart_during_a_write_leaves_no_partial_write(stack, server, slow_writes):
    resident = _signed_in(server.port)
    category = _category(stack)
    before = _count(stack, "SELECT count(*) FROM core_auditevent")
    thread, outcome = _in_background(
        lambda: resident.post_form("/wishes/new/", {"title": "SLOW restart", "category": category}, timeout=60)
    )
    wait_until(lambda: _sleeping_in_the_database(stack), 20, "the write to reach the database")

    stack.postgres.restart()
    thread.join(timeout=60)

    assert outcome.get("answer") is None or outcome["answer"].status >= 500, outcome
    assert _count(stack, "SELECT count(*) FROM wishes_wish WHERE title = 'SLOW restart'") == 0
    assert _count(stack, "SELECT count(*) FROM wishes_wishevent WHERE wish_id NOT IN (SELECT id FROM wishes_wish)") == 0
    assert _count(stack, "SELECT count(*) FROM core_auditevent") == before
    again = resident.post_form("/wishes/new/", {"title": "重启之后", "category": category})
    assert again.status == 302
    assert _count(stack, "SELECT count(*) FROM wishes_wish WHERE title = '重启之后'") == 1


def test_a_worker_killed_during_a_write_leaves_no_half_done_state(stack, slow_writes):
    single = Gunicorn(stack.app, workers=1)
    single.start()
    try:
        resident = _signed_in(single.port)
        category = _category(stack)
        before = _count(stack, "SELECT count(*) FROM core_auditevent")
        rollups_before = _count(stack, "SELECT count(*) FROM wishes_wishrollup")
        [worker_pid] = single.worker_pids()
        thread, outcome = _in_background(
            lambda: resident.post_form("/wishes/new/", {"title": "SLOW kill", "category": category}, timeout=60)
        )
        wait_until(lambda: _sleeping_in_the_database(stack), 20, "the write to reach the database")

        os.kill(worker_pid, signal.SIGKILL)  # our own gunicorn's worker, by its pid
        thread.join(timeout=60)

        assert "error" in outcome or outcome["answer"].status >= 500, outcome
        # PostgreSQL notices the dead client (client_connection_check_interval) and rolls back.
        wait_until(lambda: not _sleeping_in_the_database(stack), 20, "the dead worker's transaction to end")
        assert _count(stack, "SELECT count(*) FROM wishes_wish WHERE title = 'SLOW kill'") == 0
        assert _count(stack, "SELECT count(*) FROM wishes_wishrollup") == rollups_before
        assert _count(stack, "SELECT count(*) FROM core_auditevent") == before
        wait_until(lambda: single.worker_pids() not in ([], [worker_pid]), 30, "gunicorn to start a new worker")
        time.sleep(0.5)
        assert resident.get("/wishes/").status == 200
    finally:
        single.stop()
