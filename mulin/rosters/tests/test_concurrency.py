"""Sign-up bursts and double bookings with real transactions on PostgreSQL."""

from __future__ import annotations

import pytest

from mulin.core.exceptions import StateConflict
from mulin.core.tests.threads import run_at_once
from mulin.organizations.models import Person
from mulin.organizations.services import volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, actor, make_person
from mulin.rosters.models import Assignment, Shift
from mulin.rosters.services.duty import shift_sign_up
from mulin.rosters.tests.factories import make_week, shift_at, sign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _volunteers(duty, n: int) -> list[Person]:  # type: ignore[no-untyped-def]
    people = []
    for i in range(n):
        person = make_person(home=duty.street.cuiyu_building, full_name=f"志愿者{i}")
        volunteer_profile_set(actor=SYSTEM, person=person, skills=[], availability=[])
        sign(person, duty.pledge)
        people.append(person)
    return people


def test_eight_sign_ups_for_two_places_give_exactly_two(duty):
    week = make_week(duty.street.cuiyu)
    shift = shift_at(duty.point, week.starts_on, 7)
    people = _volunteers(duty, 8)

    results = run_at_once(
        [lambda p=p: shift_sign_up(actor=actor(p), shift=Shift.objects.get(pk=shift.pk)) for p in people]
    )

    winners = [r for r in results if isinstance(r, Assignment)]
    losers = [r for r in results if isinstance(r, StateConflict)]
    assert (len(winners), len(losers)) == (2, 6), results
    assert {loser.code for loser in losers} == {"shift_full"}
    shift.refresh_from_db()
    assert shift.filled == 2 == Assignment.objects.filter(shift=shift, status="assigned").count()


def test_one_person_signing_up_for_two_overlapping_shifts_at_once_gets_one(duty):
    week = make_week(duty.street.cuiyu)
    first, second = shift_at(duty.point, week.starts_on, 7), shift_at(duty.point2, week.starts_on, 7)
    (person,) = _volunteers(duty, 1)

    results = run_at_once(
        [lambda s=s: shift_sign_up(actor=actor(person), shift=Shift.objects.get(pk=s.pk)) for s in (first, second)]
    )

    assert sorted(type(r).__name__ for r in results) == ["Assignment", "DutyRefused"], results
    assert Assignment.objects.filter(person=person, status="assigned").count() == 1
    assert sorted(Shift.objects.filter(pk__in=[first.pk, second.pk]).values_list("filled", flat=True)) == [0, 1]
