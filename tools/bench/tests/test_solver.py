"""Benchmark S1's problem and measurement (tools/bench/solver.py), at sizes and limits a test can
afford: the problem has BENCHMARKS.md's shape and is the same for the same seed, and the
measurement records what docs/benchmarks.md reports."""

from __future__ import annotations

from tools.bench.solver import measure, spec_problem


def test_the_spec_problem_has_the_benchmarks_size_and_is_the_same_for_the_same_seed():
    problem = spec_problem()

    weeks = {shift.week for shift in problem.shifts}
    assert (len(problem.people), len(problem.shifts), len(weeks)) == (100, 240, 4)  # ~60 shifts a week
    assert sum(shift.open_places for shift in problem.shifts) < 2 * 240  # some places kept
    assert spec_problem() == problem
    assert spec_problem(seed=1) != problem


def test_the_measurement_records_times_fairness_and_the_same_seed_check():
    problem = spec_problem(people=30, weeks=1)

    result = measure(problem, seed=3, time_limit=0.5, repeat_limit=0.2)

    assert result["first_feasible_s"] is not None and result["first_feasible_cpu_s"] is not None
    assert result["filled"] >= result["greedy"]["filled"]
    assert result["fairness"]["spread"] <= result["greedy"]["fairness"]["spread"]
    assert result["same_seed_same_roster"] is True
    assert set(result["checks"]) >= {"first_feasible_within_5_s", "fairer_than_greedy", "same_seed_same_roster"}
