"""The hash-chained audit log, its database guard and the retention purge."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from mulin.accounts.models import UserSession
from mulin.core.audit import GENESIS_HASH, audit_record, audit_verify_chain
from mulin.core.audit_guard import audit_guard_install, audit_guard_remove
from mulin.core.context import RequestContext, reset_request_context, set_request_context
from mulin.core.models import AuditEvent, IdempotencyKey, QueuedTask
from mulin.core.retention import purge_expired

pytestmark = pytest.mark.django_db


def _update_raw(pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def guard() -> Iterator[None]:
    """The append-only triggers, installed inside the test's transaction (rolled back after)."""
    audit_guard_install(connection)
    yield
    audit_guard_remove(connection)


def _refused(statement) -> bool:  # type: ignore[no-untyped-def]
    """Run a statement in a savepoint; True if the database refused it."""
    try:
        with transaction.atomic():
            statement()
    except DatabaseError:
        return True
    return False


# --- chain --------------------------------------------------------------------------------------


def test_empty_log_verifies():
    assert audit_verify_chain().intact


def test_chain_links_each_row_to_the_previous_one():
    first = audit_record(verb="test.first")
    second = audit_record(verb="test.second", data={"count": 2})

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    report = audit_verify_chain()
    assert report.intact
    assert report.checked == 2


def test_chain_verifies_across_batches():
    for n in range(7):
        audit_record(verb="test.row", data={"n": n})

    report = audit_verify_chain(batch_size=3)

    assert report.intact
    assert report.checked == 7


def test_values_the_database_rewrites_still_verify():
    token = set_request_context(RequestContext(request_id="abc", ip="2001:DB8:0:0:0:0:0:1"))
    try:
        audit_record(verb="test.ipv6", data={"fields": ("phone", "address"), 3: "three"})
    finally:
        reset_request_context(token)

    event = AuditEvent.objects.get()
    assert event.ip == "2001:db8::1"
    assert audit_verify_chain().intact


def test_changed_data_is_detected_at_that_row():
    audit_record(verb="test.a")
    tampered = audit_record(verb="test.b", data={"fields": ["phone"]})
    audit_record(verb="test.c")

    _update_raw(tampered.pk, "data", '{"fields": []}')

    report = audit_verify_chain()
    assert report.first_broken_id == tampered.pk
    assert report.checked == 1


@pytest.mark.parametrize(("column", "value"), [("verb", "test.innocent"), ("outcome", "ok"), ("actor_user_id", "42")])
def test_any_changed_column_is_detected(column, value):
    audit_record(verb="test.a", outcome="fail")
    tampered = audit_record(verb="test.b", outcome="fail")

    _update_raw(tampered.pk, column, value)

    assert audit_verify_chain().first_broken_id == tampered.pk


def test_rehashed_row_is_detected_at_the_next_row():
    audit_record(verb="test.a")
    tampered = audit_record(verb="test.b")
    following = audit_record(verb="test.c")

    _update_raw(tampered.pk, "hash", "f" * 64)

    assert audit_verify_chain().first_broken_id == tampered.pk
    _update_raw(tampered.pk, "prev_hash", "e" * 64)
    assert audit_verify_chain().first_broken_id == tampered.pk
    assert following.prev_hash != "f" * 64


def test_deleted_middle_row_is_detected_at_the_next_row():
    audit_record(verb="test.a")
    deleted = audit_record(verb="test.b")
    following = audit_record(verb="test.c")

    AuditEvent.objects.filter(pk=deleted.pk).delete()

    assert audit_verify_chain().first_broken_id == following.pk


def test_purged_head_of_the_chain_still_verifies():
    audit_record(verb="test.a")
    audit_record(verb="test.b")
    audit_record(verb="test.c")

    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id").first().pk).delete()

    assert audit_verify_chain().intact


# --- database guard -----------------------------------------------------------------------------


def test_guard_refuses_update(guard):
    event = audit_record(verb="test.a")

    assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="test.changed"))
    assert _refused(lambda: _update_raw(event.pk, "data", "{}"))
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.a"


def test_guard_refuses_update_of_old_rows_too(guard):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        event = audit_record(verb="test.old")

    assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="test.changed"))


def test_guard_refuses_deleting_young_rows(guard):
    with time_machine.travel(timezone.now() - dt.timedelta(days=179)):
        almost_old = audit_record(verb="test.179-days")
    young = audit_record(verb="test.young")

    assert _refused(lambda: AuditEvent.objects.filter(pk=young.pk).delete())
    assert _refused(lambda: AuditEvent.objects.filter(pk=almost_old.pk).delete())
    assert _refused(lambda: AuditEvent.objects.all().delete())
    assert AuditEvent.objects.count() == 2


def test_guard_allows_deleting_rows_older_than_180_days(guard):
    with time_machine.travel(timezone.now() - dt.timedelta(days=181)):
        old = audit_record(verb="test.old")
    young = audit_record(verb="test.young")

    assert not _refused(lambda: AuditEvent.objects.filter(pk=old.pk).delete())
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_guard_still_allows_appending(guard):
    audit_record(verb="test.a")
    audit_record(verb="test.b")

    assert audit_verify_chain().intact


@pytest.mark.postgres
def test_guard_refuses_truncate_on_postgresql(guard):
    audit_record(verb="test.a")

    assert _refused(lambda: connection.cursor().execute("TRUNCATE core_auditevent"))
    assert AuditEvent.objects.count() == 1


def test_guard_can_be_removed_and_installed_again():
    event = audit_record(verb="test.a")
    audit_guard_install(connection)
    audit_guard_install(connection)  # idempotent
    audit_guard_remove(connection)

    assert not _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="test.b"))
    audit_guard_remove(connection)  # idempotent


def test_migration_installs_the_guard_unless_settings_turn_it_off(settings):
    from importlib import import_module

    migration = import_module("mulin.core.migrations.0002_auditevent_append_only_guard")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    event = audit_record(verb="test.a")

    settings.MULIN_AUDIT_DB_GUARD = False
    migration.install(None, editor)
    assert not _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="test.b"))

    settings.MULIN_AUDIT_DB_GUARD = True
    migration.install(None, editor)
    try:
        assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="test.c"))
    finally:
        migration.remove(None, editor)


# --- retention ----------------------------------------------------------------------------------


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _access_log(model, days: int):  # type: ignore[no-untyped-def]
    log = model.objects.create(username="xkey", ip_address="10.0.0.1", user_agent="test", path_info="/")
    model.objects.filter(pk=log.pk).update(attempt_time=_days_ago(days))  # the field is auto_now_add
    return log


def _task(status: str, days: int) -> QueuedTask:
    with time_machine.travel(_days_ago(days)):
        return QueuedTask.objects.create(name="test", status=status)


def _session(key: str, expires_in: dt.timedelta) -> UserSession:
    return UserSession.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)


def test_purge_deletes_what_is_due_and_nothing_else(settings, guard):
    settings.MULIN_AUDIT_RETENTION_DAYS = 365
    with time_machine.travel(_days_ago(400)):
        due_event = audit_record(verb="test.400-days")
    with time_machine.travel(_days_ago(200)):
        kept_event = audit_record(verb="test.200-days")
    recent_event = audit_record(verb="test.today")
    due_task = _task(QueuedTask.Status.DONE, 31)
    kept = [
        _task(QueuedTask.Status.DONE, 29),
        _task(QueuedTask.Status.FAILED, 90),
        _task(QueuedTask.Status.PENDING, 90),
        _task(QueuedTask.Status.RUNNING, 90),
    ]
    due_logs = [_access_log(AccessLog, 181), _access_log(AccessFailureLog, 181)]
    kept_logs = [_access_log(AccessLog, 179), _access_log(AccessFailureLog, 179)]
    _session("expired", -dt.timedelta(minutes=1))
    _session("live", dt.timedelta(minutes=10))
    with time_machine.travel(timezone.now() - dt.timedelta(hours=25)):
        IdempotencyKey.objects.create(owner_id=1, key="due-key-0000000000", fingerprint="x")
    kept_key = IdempotencyKey.objects.create(owner_id=1, key="kept-key-000000000", fingerprint="x")

    counts = purge_expired()

    assert counts == {
        "audit_events": 1,
        "queued_tasks": 1,
        "idempotency_keys": 1,
        "access_logs": 1,
        "access_failure_logs": 1,
        "sessions": 1,
    }
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {kept_event.pk, recent_event.pk}
    assert not AuditEvent.objects.filter(pk=due_event.pk).exists()
    assert not QueuedTask.objects.filter(pk=due_task.pk).exists()
    assert set(QueuedTask.objects.values_list("pk", flat=True)) == {task.pk for task in kept}
    assert not AccessLog.objects.filter(pk=due_logs[0].pk).exists()
    assert not AccessFailureLog.objects.filter(pk=due_logs[1].pk).exists()
    assert AccessLog.objects.filter(pk=kept_logs[0].pk).exists()
    assert AccessFailureLog.objects.filter(pk=kept_logs[1].pk).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [kept_key.pk]
    assert audit_verify_chain().intact


def test_purge_never_goes_below_the_legal_minimum(settings):
    settings.MULIN_AUDIT_RETENTION_DAYS = 30
    with time_machine.travel(_days_ago(100)):
        kept = audit_record(verb="test.100-days")
    with time_machine.travel(_days_ago(181)):
        audit_record(verb="test.181-days")

    assert purge_expired()["audit_events"] == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_purge_with_nothing_due_deletes_nothing():
    audit_record(verb="test.today")

    assert set(purge_expired().values()) == {0}
    assert AuditEvent.objects.count() == 1


def test_purge_is_a_registered_daily_job():
    from mulin.core.schedule import jobs

    job = next(job for job in jobs() if job.name == "core.purge_expired")
    assert job.every == dt.timedelta(days=1)


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_intact():
    threads_count, per_thread = 8, 15
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                # Half inside a longer transaction, as services do, half on their own.
                if i % 2:
                    with transaction.atomic():
                        audit_record(verb="test.concurrent", data={"thread": n, "i": i})
                else:
                    audit_record(verb="test.concurrent", data={"thread": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEvent.objects.count() == threads_count * per_thread
    report = audit_verify_chain()
    assert report.intact
    assert report.checked == threads_count * per_thread
    assert AuditEvent.objects.values("prev_hash").distinct().count() == threads_count * per_thread
