"""Auto-fill with CP-SAT: the solver on plain values (same seed → same roster, constraints kept,
gaps explained, fairer than a fill by hand), and the run through the API: start, read, apply."""

from __future__ import annotations

import datetime as dt

import pytest

from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import SYSTEM, actor, make_person
from mulin.rosters.autofill import REST, Candidate, Problem, ShiftSlot, greedy, solve
from mulin.rosters.models import Assignment, AutofillJob
from mulin.rosters.services.autofill import autofill_run, problem_for
from mulin.rosters.services.availability import absence_add, availability_set
from mulin.rosters.tests.factories import make_week, shift_at, sign

TZ = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.date(2027, 3, 1)


def _shift(n: int, day: int, hour: int, *, places: int = 2, compound: int = 1, minutes: int = 90) -> ShiftSlot:
    date = MONDAY + dt.timedelta(days=day)
    start = dt.datetime.combine(date, dt.time(hour, 0), TZ)
    part = "morning" if hour < 12 else "evening"
    return ShiftSlot(
        n, start, start + dt.timedelta(minutes=minutes), date, f"{date.weekday()}-{part}", day // 7, compound, places
    )


def _week(points: int = 2) -> list[ShiftSlot]:
    return [
        _shift(100 * point + 10 * day + (0 if hour == 7 else 1), day, hour, compound=point)
        for day in range(7)
        for hour in (7, 18)
        for point in range(1, points + 1)
    ]


def _people(n: int, **kwargs) -> list[Candidate]:  # type: ignore[no-untyped-def]
    return [
        Candidate(
            id=i,
            compound_id=1 + i % 2,
            is_member=i % 4 == 0,
            slots=kwargs.get("slots", frozenset()),
            max_per_week=kwargs.get("max_per_week", 4),
        )
        for i in range(1, n + 1)
    ]


# --- the solver ----------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_roster_and_it_is_fairer_than_greedy():
    problem = Problem(_week(), _people(14))

    first = solve(problem, seed=7, time_limit=1)
    again = solve(problem, seed=7, time_limit=1)
    by_hand = greedy(problem)

    assert first.pairs == again.pairs
    assert (first.filled, first.needed, by_hand.filled) == (56, 56, 52)  # by hand, the first on the list run out
    assert first.fairness["spread"] < by_hand.fairness["spread"]
    assert first.fairness["spread"] <= 1  # 56 places over 14 people: 4 each
    assert first.status in ("OPTIMAL", "FEASIBLE")


def test_availability_absence_weekly_maximum_and_rest_are_kept():
    shifts = [_shift(1, 0, 7), _shift(2, 0, 18), _shift(3, 1, 7), _shift(4, 0, 8, compound=2)]
    people = [
        Candidate(1, 1, True, frozenset({"0-morning"}), 14),  # mornings of Monday only
        Candidate(2, 1, False, frozenset(), 1),  # once a week at most
        Candidate(3, 1, False, frozenset(), 14, away=frozenset({MONDAY})),  # away on Monday
    ]

    solution = solve(Problem(shifts, people), seed=1, time_limit=1)

    taken: dict[int, set[int]] = {}
    for shift_id, person_id in solution.pairs:
        taken.setdefault(person_id, set()).add(shift_id)
    assert taken.get(1, set()) <= {1, 4} and len(taken.get(1, set())) <= 1  # 07:00 and 08:00 are too close
    assert len(taken.get(2, set())) <= 1
    assert taken.get(3, set()) <= {3}
    assert dt.timedelta(hours=2) == REST


def test_gaps_say_why_they_stayed_open():
    shifts = [_shift(1, 0, 7, places=1), _shift(2, 0, 18, places=3), _shift(3, 1, 18, places=1, compound=2)]
    people = [
        Candidate(1, 2, False, frozenset({"0-evening", "1-evening"}), 1),  # once a week; lives by shift 3
        Candidate(2, 1, False, frozenset({"0-evening"}), 14),
    ]

    solution = solve(Problem(shifts, people), seed=1, time_limit=1)

    assert solution.filled == 2
    assert solution.pairs == [(2, 2), (3, 1)]
    assert [(g["shift"], g["missing"], g["reason"]) for g in solution.gaps] == [
        (1, 1, "nobody_available"),
        (2, 2, "everyone_at_maximum"),
    ]


def test_people_already_on_a_shift_are_kept_and_count_toward_their_load():
    shift = _shift(1, 0, 7, places=1)
    kept = ShiftSlot(**{**shift.__dict__, "kept": frozenset({1}), "kept_member": True})
    people = [Candidate(1, 1, True, frozenset(), 14, kept_per_week={0: 1}), Candidate(2, 1, False, frozenset(), 14)]

    solution = solve(Problem([kept], people), seed=1, time_limit=1)

    assert solution.pairs == [(1, 2)]
    assert solution.loads == {1: 1, 2: 1}
    assert solution.with_member == 1


def test_a_party_member_is_put_on_each_shift_where_possible():
    shifts = [_shift(1, 0, 7), _shift(2, 0, 18), _shift(3, 1, 7), _shift(4, 1, 18)]
    people = [Candidate(i, 1, i in (1, 2), frozenset(), 14) for i in range(1, 5)]

    solution = solve(Problem(shifts, people), seed=1, time_limit=1)

    assert solution.with_member == 4


# --- the run through the API --------------------------------------------------------------------------

API = "/api/v1/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


@pytest.fixture
def signed_week(duty):  # type: ignore[no-untyped-def]
    """翠玉's week with five people who signed the pledge; the member is already on Monday 07:00."""
    week = make_week(duty.street.cuiyu)
    people = [duty.volunteer, duty.member]
    for n in range(3):
        person = make_person(home=duty.street.cuiyu_building, with_account=True, full_name=f"志愿者{n}")
        from mulin.organizations.services import volunteer_profile_set

        volunteer_profile_set(actor=SYSTEM, person=person, skills=["cleaning"], availability=[])
        people.append(person)
    for person in people:
        sign(person, duty.pledge)
    availability_set(actor=actor(duty.volunteer), slots=["0-evening", "1-evening"], max_shifts_per_week=2)
    absence_add(actor=actor(people[2]), starts_on=week.starts_on, ends_on=week.starts_on + dt.timedelta(days=2))
    from mulin.rosters.services.duty import shift_sign_up

    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, week.starts_on, 7))
    return week, people


@pytest.mark.django_db
def test_the_problem_is_read_from_the_roster_with_availability_absence_and_kept_duty(duty, signed_week):
    week, people = signed_week

    problem = problem_for(week)

    assert len(problem.shifts) == 28
    assert sum(s.open_places for s in problem.shifts) == 55
    by_id = {p.id: p for p in problem.people}
    assert by_id[duty.volunteer.pk].slots == frozenset({"0-evening", "1-evening"})
    assert by_id[duty.volunteer.pk].max_per_week == 2
    assert len(by_id[people[2].pk].away) == 3
    assert by_id[duty.member.pk].is_member is True
    assert by_id[duty.member.pk].kept_per_week == {0: 1}
    # Nobody who has not signed 翠玉's pledge is put on duty, nor anyone of another community.
    assert duty.resident.pk not in by_id and duty.nanyuan_volunteer.pk not in by_id


@pytest.mark.django_db
def test_an_organiser_runs_previews_and_applies_an_autofill(duty, signed_week, as_, django_capture_on_commit_callbacks):
    week, _people = signed_week
    client = as_(duty.cuiyu_worker)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{API}rosters/{week.pk}/autofill/", {"seed": 3, "time_limit_seconds": 2})
    job = client.get(f"{API}rosters/autofill-jobs/{started.json()['id']}/").json()
    assert started.status_code == 202, started.content
    assert (job["status"], job["progress"]) == ("done", 100)
    result = job["result"]
    assert result["filled"] == len(result["pairs"])
    assert result["greedy"]["fairness"]["spread"] >= result["fairness"]["spread"]
    assert Assignment.objects.filter(source="autofill").count() == 0  # a preview until applied

    applied = client.post(f"{API}rosters/{week.pk}/apply/", {})

    assert applied.status_code == 200, applied.content
    assert applied.json()["placed"] == result["filled"]
    assert applied.json()["job"]["status"] == "applied"
    assert Assignment.objects.filter(source="autofill").count() == result["filled"]
    told = Notification.objects.filter(kind="rosters.roster_applied").count()
    assert told == applied.json()["people"] > 0
    again = client.post(f"{API}rosters/{week.pk}/apply/", {"job": job["id"]})
    assert again.status_code == 409


@pytest.mark.django_db
def test_volunteers_and_nanyuan_cannot_run_or_see_autofill(duty, signed_week, as_):
    week, _people = signed_week
    job = AutofillJob.objects.create(period=week, community=week.community, scope_path=week.scope_path)

    by_volunteer = as_(duty.volunteer).post(f"{API}rosters/{week.pk}/autofill/", {})
    seen_by_volunteer = as_(duty.volunteer).get(f"{API}rosters/autofill-jobs/{job.pk}/")
    by_nanyuan = as_(duty.nanyuan_worker).post(f"{API}rosters/{week.pk}/autofill/", {})
    seen_by_nanyuan = as_(duty.nanyuan_worker).get(f"{API}rosters/autofill-jobs/{job.pk}/")

    assert (by_volunteer.status_code, seen_by_volunteer.status_code) == (403, 404)
    assert (by_nanyuan.status_code, seen_by_nanyuan.status_code) == (404, 404)
    assert AutofillJob.objects.count() == 1


@pytest.mark.django_db
def test_a_run_that_already_started_is_not_run_twice(duty, signed_week):
    week, _people = signed_week
    job = AutofillJob.objects.create(
        period=week, community=week.community, scope_path=week.scope_path, status="running", time_limit_seconds=1
    )

    autofill_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.result) == ("running", {})
