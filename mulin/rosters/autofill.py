"""Auto-fill of a roster period with OR-Tools CP-SAT, and the greedy fill it is measured against.

Pure computation on plain values (no database): `services/autofill.py` loads a period into a
`Problem`, calls `solve()` and keeps the `Solution` as the job's result.

The model, for people who signed the community's pledge:
- x[p, s] = 1 when person p is put on shift s; only for pairs where p may stand then: the weekday
  and half-day are among p's declared times (none declared = any time), p is not away that day,
  and p has no other duty within REST of it;
- each shift takes at most its open places (headcount minus the people already on it, who are
  kept); p's shifts in one week, the kept ones included, stay within p's weekly maximum; two of
  p's shifts are at least REST apart;
- the objective, in priority order: fill places; spread the load fairly (minimise the gap between
  the largest and the smallest load of the people who could take any shift, and the largest load);
  put a party member on every shift where possible (以红引绿); prefer people of the point's own
  compound.

Same problem and seed → same roster: one search worker and a deterministic time limit
(`max_deterministic_time`), so the answer does not depend on how busy the machine is; the wall-clock
limit is only a safety net.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REST = dt.timedelta(hours=2)  # at least this between the end of one duty and the start of the next
W_FILL, W_SPREAD, W_MAX, W_MEMBER, W_HOME = 10000, 300, 200, 60, 1


@dataclass(frozen=True)
class ShiftSlot:
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    day: dt.date  # local date
    slot: str  # "0-morning" … "6-evening"
    week: int  # index of the ISO week within the period
    compound_id: int
    open_places: int  # headcount minus the people already on it
    kept: frozenset[int] = frozenset()  # people already on it (kept)
    kept_member: bool = False  # a party member is already on it


@dataclass(frozen=True)
class Candidate:
    id: int
    compound_id: int | None
    is_member: bool
    slots: frozenset[str]  # empty: any time
    max_per_week: int
    away: frozenset[dt.date] = frozenset()
    busy: tuple[tuple[dt.datetime, dt.datetime], ...] = ()  # duty outside what is being filled
    kept_per_week: dict[int, int] = field(default_factory=dict)  # kept duties in this period by week


@dataclass
class Problem:
    shifts: list[ShiftSlot]
    people: list[Candidate]


@dataclass
class Solution:
    pairs: list[tuple[int, int]]  # (shift id, person id), sorted
    status: str
    needed: int
    filled: int
    with_member: int
    loads: dict[int, int]
    seconds: float
    objective: float | None = None
    bound: float | None = None
    gaps: list[dict[str, Any]] = field(default_factory=list)
    # From the call to the first roster found, wall-clock and this process's CPU (benchmark S1).
    first_seconds: float | None = None
    first_cpu_seconds: float | None = None
    # Stopped by the wall-clock safety net before the deterministic limit: then the same seed
    # need not give the same roster (a machine too busy for the limit).
    stopped_by_wall_clock: bool = False

    @property
    def fairness(self) -> dict[str, float]:
        return fairness_of(self.loads)

    def as_json(self) -> dict[str, Any]:
        return {
            "pairs": [list(pair) for pair in self.pairs],
            "status": self.status,
            "needed": self.needed,
            "filled": self.filled,
            "with_member": self.with_member,
            "fairness": self.fairness,
            "seconds": round(self.seconds, 3),
            "objective": self.objective,
            "bound": self.bound,
            "gaps": self.gaps,
        }


def fairness_of(loads: dict[int, int]) -> dict[str, float]:
    """The spread of duties per person (largest minus smallest load), the largest load and the
    standard deviation, over the people who could take at least one shift. Lower is fairer."""
    values = list(loads.values())
    if not values:
        return {"spread": 0, "max": 0, "min": 0, "stdev": 0.0}
    mean = sum(values) / len(values)
    stdev = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return {"spread": max(values) - min(values), "max": max(values), "min": min(values), "stdev": round(stdev, 3)}


def _fits(person: Candidate, shift: ShiftSlot) -> bool:
    if person.id in shift.kept:
        return False
    if person.slots and shift.slot not in person.slots:
        return False
    if shift.day in person.away:
        return False
    return all(not _too_close(shift.starts_at, shift.ends_at, start, end) for start, end in person.busy)


def _too_close(start1: dt.datetime, end1: dt.datetime, start2: dt.datetime, end2: dt.datetime) -> bool:
    return start1 < end2 + REST and start2 < end1 + REST


def eligible_pairs(problem: Problem) -> dict[int, list[int]]:
    """Per person, the shifts (by index) they could take, ignoring the weekly maximum."""
    return {
        p.id: [i for i, s in enumerate(problem.shifts) if s.open_places > 0 and _fits(p, s)] for p in problem.people
    }


def _conflicting(shifts: list[ShiftSlot], indices: list[int]) -> list[list[int]]:
    """Groups of these shifts of which one person can take at most one: for each shift, the later
    ones too close to it that are also too close to each other (a clique), and any other too-close
    later shift as a pair. Far fewer constraints than every pair when several points share hours."""
    ordered = sorted(indices, key=lambda i: (shifts[i].starts_at, shifts[i].id))

    def clash(a: int, b: int) -> bool:
        return _too_close(shifts[a].starts_at, shifts[a].ends_at, shifts[b].starts_at, shifts[b].ends_at)

    groups: list[list[int]] = []
    for n, i in enumerate(ordered):
        window = []
        for j in ordered[n + 1 :]:
            if shifts[j].starts_at >= shifts[i].ends_at + REST:
                break
            if clash(i, j):
                window.append(j)
        group = [i]
        for j in window:
            if all(clash(j, m) for m in group[1:]):
                group.append(j)
        if len(group) > 1 and not (groups and set(group) <= set(groups[-1])):
            groups.append(group)
        groups.extend([i, j] for j in window if j not in group)
    return groups


def _summary(problem: Problem, pairs: list[tuple[int, int]], eligible: dict[int, list[int]]) -> tuple[int, int, dict]:
    by_shift: dict[int, list[int]] = defaultdict(list)
    for shift_id, person_id in pairs:
        by_shift[shift_id].append(person_id)
    members = {p.id for p in problem.people if p.is_member}
    with_member = sum(
        1 for s in problem.shifts if s.kept_member or any(pid in members for pid in by_shift.get(s.id, []))
    )
    kept = defaultdict(int)
    for p in problem.people:
        kept[p.id] = sum(p.kept_per_week.values())
    loads = {p.id: kept[p.id] for p in problem.people if eligible[p.id] or kept[p.id]}
    for _shift_id, person_id in pairs:
        loads[person_id] = loads.get(person_id, 0) + 1
    return len(pairs), with_member, loads


def explain_gaps(problem: Problem, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Why each place left open stayed open: nobody could stand then, everyone who could is at
    their weekly maximum, or everyone who could is on another duty too close to it."""
    taken: dict[int, set[int]] = defaultdict(set)
    for shift_id, person_id in pairs:
        taken[shift_id].add(person_id)
    person_shifts: dict[int, list[ShiftSlot]] = defaultdict(list)
    index = {s.id: s for s in problem.shifts}
    for shift_id, person_id in pairs:
        person_shifts[person_id].append(index[shift_id])
    gaps = []
    for shift in problem.shifts:
        missing = shift.open_places - len(taken[shift.id])
        if missing <= 0:
            continue
        free = [p for p in problem.people if p.id not in taken[shift.id] and _fits(p, shift)]
        if not free:
            reason = "nobody_available"
        else:
            under_max = [
                p
                for p in free
                if p.kept_per_week.get(shift.week, 0) + sum(1 for s in person_shifts[p.id] if s.week == shift.week)
                < p.max_per_week
            ]
            if not under_max:
                reason = "everyone_at_maximum"
            elif all(
                any(_too_close(shift.starts_at, shift.ends_at, s.starts_at, s.ends_at) for s in person_shifts[p.id])
                for p in under_max
            ):
                reason = "everyone_busy"
            else:
                reason = "not_reached"  # the time limit ran out before this place was filled
        gaps.append({"shift": shift.id, "missing": missing, "reason": reason})
    return gaps


def greedy(problem: Problem, *, balanced: bool = False) -> Solution:
    """A fill by hand, the baseline the solver is compared with: shift by shift in time order,
    the first people on the list (by id: the order they joined) who can stand then.

    `balanced=True` takes whoever has the fewest duties so far instead (lowest id on a tie): the
    solver's starting point."""
    started = time.monotonic()
    eligible = eligible_pairs(problem)
    can = {pid: set(indices) for pid, indices in eligible.items()}
    load: dict[int, int] = {p.id: sum(p.kept_per_week.values()) for p in problem.people}
    week_load: dict[tuple[int, int], int] = defaultdict(int)
    for p in problem.people:
        for week, count in p.kept_per_week.items():
            week_load[(p.id, week)] = count
    mine: dict[int, list[ShiftSlot]] = defaultdict(list)
    pairs = []
    order = sorted(range(len(problem.shifts)), key=lambda i: (problem.shifts[i].starts_at, problem.shifts[i].id))
    people = sorted(problem.people, key=lambda p: p.id)
    for i in order:
        shift = problem.shifts[i]
        for _place in range(shift.open_places):
            options = [
                p
                for p in people
                if i in can[p.id]
                and week_load[(p.id, shift.week)] < p.max_per_week
                and all(not _too_close(shift.starts_at, shift.ends_at, s.starts_at, s.ends_at) for s in mine[p.id])
            ]
            if not options:
                break
            chosen = min(options, key=lambda p: (load[p.id], p.id)) if balanced else options[0]
            pairs.append((shift.id, chosen.id))
            load[chosen.id] += 1
            week_load[(chosen.id, shift.week)] += 1
            mine[chosen.id].append(shift)
    pairs.sort()
    filled, with_member, loads = _summary(problem, pairs, eligible)
    return Solution(
        pairs=pairs,
        status="BALANCED_GREEDY" if balanced else "GREEDY",
        needed=sum(s.open_places for s in problem.shifts),
        filled=filled,
        with_member=with_member,
        loads=loads,
        seconds=time.monotonic() - started,
        gaps=explain_gaps(problem, pairs),
    )


def solve(
    problem: Problem,
    *,
    seed: int = 1,
    time_limit: float = 20.0,
    progress: Callable[[int], None] | None = None,
    wall_limit: float | None = None,
) -> Solution:
    """The fairest roster CP-SAT finds within `time_limit` (deterministic seconds); `wall_limit`
    (default ten times `time_limit`) is the wall-clock safety net."""
    from ortools.sat.python import cp_model

    started, started_cpu = time.monotonic(), time.process_time()
    shifts, people = problem.shifts, problem.people
    eligible = eligible_pairs(problem)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    for p in people:
        for i in eligible[p.id]:
            x[(p.id, i)] = model.new_bool_var(f"x_{p.id}_{shifts[i].id}")
    by_shift: dict[int, list[Any]] = defaultdict(list)
    members_by_shift: dict[int, list[Any]] = defaultdict(list)
    person_by_id = {p.id: p for p in people}
    for (pid, i), var in x.items():
        by_shift[i].append(var)
        if person_by_id[pid].is_member:
            members_by_shift[i].append(var)
    baseline = greedy(problem, balanced=True)
    hinted = set(baseline.pairs)
    hinted_member_shifts = {sid for sid, pid in hinted if person_by_id[pid].is_member}
    fill_terms = []
    member_terms: list[Any] = []
    member_hints: list[tuple[Any, bool]] = []
    for i, shift in enumerate(shifts):
        if by_shift[i]:
            model.add(sum(by_shift[i]) <= shift.open_places)
            fill_terms.extend(by_shift[i])
        if not shift.kept_member and members_by_shift[i]:
            has_member = model.new_bool_var(f"m_{shift.id}")
            model.add(sum(members_by_shift[i]) >= 1).only_enforce_if(has_member)
            member_terms.append(has_member)
            member_hints.append((has_member, shift.id in hinted_member_shifts))
    loads = []
    home_terms = []
    for p in people:
        mine = eligible[p.id]
        by_week: dict[int, list[Any]] = defaultdict(list)
        for i in mine:
            by_week[shifts[i].week].append(x[(p.id, i)])
            if p.compound_id is not None and shifts[i].compound_id == p.compound_id:
                home_terms.append(x[(p.id, i)])
        for week, variables in by_week.items():
            room = p.max_per_week - p.kept_per_week.get(week, 0)
            model.add(sum(variables) <= max(room, 0))
        for group in _conflicting(shifts, mine):
            model.add_at_most_one(x[(p.id, i)] for i in group)
        kept = sum(p.kept_per_week.values())
        if mine or kept:
            loads.append(sum(x[(p.id, i)] for i in mine) + kept)
    horizon = len(shifts) + max((sum(p.kept_per_week.values()) for p in people), default=0)
    most = model.new_int_var(0, horizon, "most")
    least = model.new_int_var(0, horizon, "least")
    for load in loads:
        model.add(load <= most)
        model.add(load >= least)
    model.maximize(
        W_FILL * sum(fill_terms)
        + W_MEMBER * sum(member_terms)
        - W_MAX * most
        - W_SPREAD * (most - least)
        + W_HOME * sum(home_terms)
    )
    # Start from the greedy fill (every variable hinted): the first feasible roster is there at
    # once, then improved.
    for (pid, i), var in x.items():
        model.add_hint(var, (shifts[i].id, pid) in hinted)
    for var, value in member_hints:
        model.add_hint(var, value)
    model.add_hint(most, max(baseline.loads.values(), default=0))
    model.add_hint(least, min(baseline.loads.values(), default=0))
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = int(seed)
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = float(time_limit)
    # Wall-clock time only as a safety net (generous, so a busy machine does not change the answer).
    solver.parameters.max_time_in_seconds = float(wall_limit if wall_limit is not None else time_limit * 10)

    class _Progress(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.last = -1
            self.first: float | None = None
            self.first_cpu: float | None = None

        def on_solution_callback(self) -> None:
            if self.first is None:
                self.first, self.first_cpu = time.monotonic() - started, time.process_time() - started_cpu
            if progress is None:
                return
            done = min(99, int(100 * self.deterministic_time / max(time_limit, 0.001)))
            if done > self.last:
                self.last = done
                progress(done)

    watcher = _Progress()
    status = solver.solve(model, watcher)
    name = solver.status_name(status)
    pairs: list[tuple[int, int]] = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        pairs = sorted((shifts[i].id, pid) for (pid, i), var in x.items() if solver.boolean_value(var))
    filled, with_member, load_map = _summary(problem, pairs, eligible)
    return Solution(
        pairs=pairs,
        status=name,
        needed=sum(s.open_places for s in shifts),
        filled=filled,
        with_member=with_member,
        loads=load_map,
        seconds=time.monotonic() - started,
        objective=solver.objective_value if pairs else None,
        bound=solver.best_objective_bound if pairs else None,
        gaps=explain_gaps(problem, pairs),
        first_seconds=watcher.first,
        first_cpu_seconds=watcher.first_cpu,
        stopped_by_wall_clock=status != cp_model.OPTIMAL
        and solver.wall_time >= solver.parameters.max_time_in_seconds * 0.99,
    )
