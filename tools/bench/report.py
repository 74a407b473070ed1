"""Render a result JSON as the Markdown tables of docs/benchmarks.md.

python -m tools.bench.report bench-results/latest-M.json [--budgets tools/bench/budgets.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tools.bench.gate import DEFAULT_BUDGETS, _budget_for, load_budgets
from tools.bench.scenarios import SCENARIO_IDS, SCENARIOS

TITLES = {s.id: s.title for s in SCENARIOS}


def _f(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("✅" if ok else "❌")


def render(result: dict[str, Any], budgets: dict[str, Any]) -> str:
    out = []
    hardware = result.get("hardware", {})
    versions = result.get("versions", {})
    out.append(
        f"Run of {result.get('started_at', '?')} at commit `{result.get('git', {}).get('sha', '?')[:12]}`"
        f"{' (working tree modified)' if result.get('git', {}).get('dirty') else ''}: {hardware.get('cores')} × "
        f"{hardware.get('cpu')}, {hardware.get('memory')}; load average at start "
        f"{', '.join(f'{x:.1f}' for x in hardware.get('load_average_at_start', []))}. "
        f"Python {versions.get('python')}, Django {versions.get('django')}, gunicorn {versions.get('gunicorn')}, "
        f"PostgreSQL {versions.get('postgresql')}, "
        f"SQLite {versions.get('sqlite')}, {versions.get('wrk')}."
    )
    out.append("")
    for backend, run in result["runs"].items():
        if "error" in run:
            out.append(f"**{backend}** — the run failed: {run['error']}")
            out.append("")
            continue
        dataset = result.get("datasets", {}).get(backend, {})
        out.append(
            f"**{backend}** — dataset {dataset.get('rows', 0):,} rows, generated in {dataset.get('seconds')} s; "
            f"{run['workers']} gunicorn sync workers; saturation with {run['connections']} connections; latency at "
            f"50 % of F1's saturation rate (capped at 50 % of the scenario's own); deep page = page "
            f"{run['data']['deep_page']} of {run['data']['public_wishes']:,} public wishes."
        )
        out.append("")
        out.append(
            "| scenario | req/s | × F1 (target) | rate | p50 ms | p95 ms | p99 ms | p95 × F1 (target) | p95 @80 % ms "
            "| errors | queries (target) | DB ms | Python ms | M/S scaling |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for scenario in SCENARIO_IDS:
            entry = run["scenarios"].get(scenario)
            if entry is None:
                continue
            budget = budgets["scenarios"].get(scenario, {})
            ratios = entry.get("ratios", {})
            o50 = entry["open"]["50"]
            o80 = entry["open"].get("80")
            profile = entry.get("profile", {})
            thr_target = budget.get("throughput_ratio")
            p95_target = budget.get("p95_ratio")
            q_target = budget.get("target_queries")
            thr_ok = None if thr_target is None else ratios.get("throughput", 0) >= thr_target
            p95_ok = None if p95_target is None else (ratios.get("p95_at_50") or 0) <= p95_target
            if scenario == "W1-deep" and ratios.get("p95_vs_W1") is not None:
                vs_w1 = ratios["p95_vs_W1"]
                p95_cell = f"{_f(ratios.get('p95_at_50'), 2)} ({_f(vs_w1, 2)} × W1, ≤ 1.2 {_verdict(vs_w1 <= 1.2)})"
            else:
                p95_cell = f"{_f(ratios.get('p95_at_50'), 2)}" + (
                    f" (≤ {p95_target} {_verdict(p95_ok)})" if p95_target is not None else ""
                )
            queries = profile.get("queries", profile.get("queries_max"))
            q_cell = f"{queries if queries is not None else '–'}" + (
                f" (≤ {q_target} {_verdict(queries is not None and queries <= q_target)})" if q_target else ""
            )
            errors = entry["saturation"]["errors"] + sum(o["error_count"] for o in entry["open"].values())
            scaling = entry.get("scaling_vs_S", {})
            out.append(
                f"| {scenario} | {entry['saturation']['rps']:.1f} | {_f(ratios.get('throughput'), 2)}"
                + (f" (≥ {thr_target} {_verdict(thr_ok)})" if thr_target is not None else "")
                + f" | {o50['offered_rate']:.0f} | {_f(o50['latency_ms']['p50'])} | {_f(o50['latency_ms']['p95'])} "
                f"| {_f(o50['latency_ms']['p99'])} | {p95_cell} | {_f(o80['latency_ms']['p95']) if o80 else '–'} "
                f"| {errors} | {q_cell} | {_f(profile.get('db_ms'))} | {_f(profile.get('python_ms'))} "
                f"| {_f(scaling.get('throughput'), 2)} |"
            )
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("result", type=Path)
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    args = parser.parse_args(argv)
    print(render(json.loads(args.result.read_text()), load_budgets(args.budgets)))
    return 0


__all__ = ["_budget_for", "main", "render"]

if __name__ == "__main__":
    raise SystemExit(main())
