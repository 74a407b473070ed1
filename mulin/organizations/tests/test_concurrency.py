"""Races that only a real database with real transactions can show (PostgreSQL, threads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connections

from mulin.core.exceptions import StateConflict
from mulin.organizations import services
from mulin.organizations.models import Person, Role
from mulin.organizations.services import person_register
from mulin.organizations.tests.factories import SYSTEM, actor, build_street, make_person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(calls: list[Any]) -> list[Any]:
    """Run each call in its own thread and database connection; return results or exceptions."""
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    close_old_connections()
    return results


def test_same_person_registered_twice_at_once_gives_one_row_and_one_409_with_the_field(monkeypatch):
    street = build_street()
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    worker_actor = actor(worker)
    # Hold both registrations after their duplicate check, so both pass it before either
    # inserts: only the unique index can stop the second one.
    both_checked = threading.Barrier(2, timeout=10)
    original_check = services._ensure_identity_free

    def check_then_wait(fields, **kwargs):  # type: ignore[no-untyped-def]
        original_check(fields, **kwargs)
        both_checked.wait()

    monkeypatch.setattr(services, "_ensure_identity_free", check_then_wait)

    def register(name: str):  # type: ignore[no-untyped-def]
        return lambda: person_register(
            actor=worker_actor, full_name=name, home_unit=street.nanyuan_building, phone="+86 138 0013 8000"
        )

    results = _run_together([register("王秀英"), register("王秀英(重复)")])

    created = [r for r in results if isinstance(r, Person)]
    conflicts = [r for r in results if isinstance(r, StateConflict)]
    assert len(created) == 1, results
    assert len(conflicts) == 1, results
    assert conflicts[0].code == "duplicate_person"
    assert list(conflicts[0].extra) == ["phone"]
    assert Person.objects.filter(phone_index=created[0].phone_index).count() == 1
    # The loser's transaction rolled back whole: no resident role for a person that is not there.
    assert not Person.objects.filter(full_name__in=["王秀英", "王秀英(重复)"]).exclude(pk=created[0].pk).exists()


def test_a_burst_of_registrations_of_different_people_all_succeed():
    street = build_street()

    def register(n: int):  # type: ignore[no-untyped-def]
        return lambda: person_register(
            actor=SYSTEM, full_name=f"居民{n}", home_unit=street.cuiyu_building, phone=f"1370000{n:04d}"
        )

    results = _run_together([register(n) for n in range(6)])

    assert all(isinstance(r, Person) for r in results), results
    assert Person.objects.filter(full_name__startswith="居民").count() == 6
