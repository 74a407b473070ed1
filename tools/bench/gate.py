"""The CI gate: compare a benchmark result with the checked-in budgets (tools/bench/budgets.json).

    python -m tools.bench.gate --result bench-results/latest-S.json [--budgets tools/bench/budgets.json]

Fails (exit 1) when, in any run of the result:
- a scenario's profiled query count (the median request's) exceeds its budget (exact: no margin);
  `same_queries_as` also requires a count equal to another scenario's (page 1,000 = page 1);
- a ratio to F1 is worse than its target by more than the file's noise margin: p95 at 50 % of
  F1's saturation above target × (1 + margin), throughput below target × (1 − margin);
  `p95_vs` compares with another scenario's p95 the same way (page 1,000 ≤ 1.2 × page 1);
- any request failed (a non-2xx/3xx answer, a refused or timed-out connection) where the
  budget says `max_errors` (0 by default).
A scenario may carry `known_miss` ({metric: why, and the plan}): that target is then reported but
does not fail the gate, and its `ceiling` guards it against getting worse still. A p95 is judged
only when each fixed-rate run has at least `min_samples` answers (a p95 of thirty requests is
noise). Absolute milliseconds are reported only: they depend on the machine, the ratios less.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_BUDGETS = Path(__file__).resolve().parent / "budgets.json"


def load_budgets(path: Path = DEFAULT_BUDGETS) -> dict[str, Any]:
    return json.loads(path.read_text())


def _budget_for(value: Any, backend: str) -> Any:
    return value.get(backend, value.get("default")) if isinstance(value, dict) else value


def evaluate(result: dict[str, Any], budgets: dict[str, Any]) -> dict[str, Any]:
    margin = float(budgets["noise_margin"])
    lines: list[str] = []
    failures: list[str] = []

    def check(ok: bool, message: str, *, enforced: bool = True) -> None:
        status = "ok  " if ok else ("FAIL" if enforced else "miss")
        lines.append(f"{status} {message}")
        if not ok and enforced:
            failures.append(message)

    for backend, run in result.get("runs", {}).items():
        if "error" in run:
            check(False, f"{backend}: the run failed: {run['error']}")
            continue
        scenarios = run.get("scenarios", {})
        for scenario, budget in budgets["scenarios"].items():
            entry = scenarios.get(scenario)
            if entry is None:
                continue
            name = f"{backend} {scenario}"
            profile = entry.get("profile")
            max_queries = _budget_for(budget.get("max_queries"), backend)
            if profile is not None and max_queries is not None:
                check(profile["queries"] <= max_queries, f"{name}: {profile['queries']} queries (budget {max_queries})")
            other = budget.get("same_queries_as")
            if profile is not None and other and scenarios.get(other, {}).get("profile"):
                theirs = scenarios[other]["profile"]["queries"]
                check(profile["queries"] == theirs, f"{name}: {profile['queries']} queries = {other}'s {theirs}")
            ratios = entry.get("ratios")
            misses = budget.get("known_miss", {})
            ceiling = budget.get("ceiling", {})
            samples = min((o.get("completed", 0) for o in entry.get("open", {}).values()), default=0)
            enough = samples >= budgets.get("min_samples", 0)
            if ratios:
                target = budget.get("p95_ratio")
                if target is not None and ratios.get("p95_at_50") is not None:
                    limit = target * (1 + margin)
                    message = f"{name}: p95 {ratios['p95_at_50']}× F1 (target ≤ {target}×, fails above {limit:.2f}×)"
                    if not enough:
                        lines.append(f"skip {message}: {samples} samples, too few for a p95")
                    else:
                        check(ratios["p95_at_50"] <= limit, message, enforced="p95_ratio" not in misses)
                target = budget.get("throughput_ratio")
                if target is not None and ratios.get("throughput") is not None:
                    limit = target * (1 - margin)
                    check(
                        ratios["throughput"] >= limit,
                        f"{name}: throughput {ratios['throughput']}× F1 (target ≥ {target}×, fails below {limit:.3f}×)",
                        enforced="throughput_ratio" not in misses,
                    )
                vs = budget.get("p95_vs")
                if vs and ratios.get(f"p95_vs_{vs[0]}") is not None:
                    limit = vs[1] * (1 + margin)
                    value = ratios[f"p95_vs_{vs[0]}"]
                    message = f"{name}: p95 {value}× {vs[0]}'s (target ≤ {vs[1]}×, fails above {limit:.2f}×)"
                    if not enough:
                        lines.append(f"skip {message}: {samples} samples, too few for a p95")
                    else:
                        check(value <= limit, message, enforced="p95_vs" not in misses)
                if "p95_ratio" in ceiling and ratios.get("p95_at_50") is not None and enough:
                    check(
                        ratios["p95_at_50"] <= ceiling["p95_ratio"],
                        f"{name}: p95 {ratios['p95_at_50']}× F1 within the known miss's ceiling "
                        f"{ceiling['p95_ratio']}×",
                    )
                if "throughput_ratio" in ceiling and ratios.get("throughput") is not None:
                    check(
                        ratios["throughput"] >= ceiling["throughput_ratio"],
                        f"{name}: throughput {ratios['throughput']}× F1 within the known miss's floor "
                        f"{ceiling['throughput_ratio']}×",
                    )
                for metric, reason in misses.items():
                    lines.append(f"     {name}: known miss ({metric}) — {reason}")
            if "saturation" in entry:
                errors = entry["saturation"]["errors"] + sum(o["error_count"] for o in entry["open"].values())
                allowed = budget.get("max_errors", 0)
                check(errors <= allowed, f"{name}: {errors} failed requests (allowed {allowed})")
    if not lines:
        failures.append("nothing to check: the result has no run of a budgeted scenario")
    return {"passed": not failures, "failures": failures, "lines": lines}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    args = parser.parse_args(argv)
    report = evaluate(json.loads(args.result.read_text()), load_budgets(args.budgets))
    for line in report["lines"]:
        print(line)
    print(
        "gate: " + ("passed" if report["passed"] else "FAILED"), file=sys.stderr if not report["passed"] else sys.stdout
    )
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
