"""The CI gate catches what it is for: a query-count regression (an N+1 in the wish wall) and
ratios worse than their targets beyond the noise margin."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from tools.bench import gate
from tools.bench.generate import generate
from tools.bench.prepare import prepare
from tools.bench.profile import profile_in_process

GATED = ["F1", "F3", "W1", "W1-deep", "W2", "W3"]


@pytest.fixture
def bench_data(db, settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tools.bench.urls"  # the floors, as under config.settings.bench
    manifest = generate("XS", seed=7, end=dt.date(2026, 11, 1), progress=False)
    return manifest, prepare(manifest)


def _result(vendor: str, scenarios: dict) -> dict:
    return {"runs": {vendor: {"scenarios": scenarios}}}


def test_current_code_meets_the_query_budgets(bench_data):  # type: ignore[no-untyped-def]
    from django.db import connection

    manifest, data = bench_data
    report = gate.evaluate(_result(connection.vendor, profile_in_process(GATED, data, manifest)), gate.load_budgets())

    assert report["passed"], "\n".join(report["lines"])


def test_an_n_plus_one_in_the_wall_fails_the_gate(bench_data, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    from django.db import connection

    from mulin.wishes import views

    manifest, data = bench_data
    original = views.wish_list_visible_to
    # The regression: the wall's selector loses its select_related, so every card loads its
    # category, place and community on its own (25 cards → dozens of queries).
    monkeypatch.setattr(views, "wish_list_visible_to", lambda *a, **k: original(*a, **k).select_related(None))
    result = _result(connection.vendor, profile_in_process(["W1", "W1-deep"], data, manifest))
    report = gate.evaluate(result, gate.load_budgets())

    assert not report["passed"]
    assert any(f"{connection.vendor} W1:" in failure for failure in report["failures"]), report["failures"]
    budget = gate.load_budgets()["scenarios"]["W1"]["max_queries"]
    budget = gate._budget_for(budget, connection.vendor)
    assert result["runs"][connection.vendor]["scenarios"]["W1"]["profile"]["queries"] > budget
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result))
    assert gate.main(["--result", str(path)]) == 1


LOAD_RESULT = {
    "runs": {
        "postgresql": {
            "scenarios": {
                name: {
                    "saturation": {"rps": rps, "errors": 0},
                    "open": {"50": {"error_count": 0}, "80": {"error_count": 0}},
                    "ratios": {"throughput": ratio, "p95_at_50": p95},
                }
                for name, rps, ratio, p95 in [("F1", 400, 1.0, 1.0), ("W2", 150, 0.375, 3.0)]
            }
        }
    }
}
BUDGETS = {"noise_margin": 0.5, "scenarios": {"W2": {"p95_ratio": 5, "throughput_ratio": 0.3}}}


def test_ratios_within_the_noise_margin_pass_and_beyond_it_fail():
    assert gate.evaluate(LOAD_RESULT, BUDGETS)["passed"]

    slower = copy.deepcopy(LOAD_RESULT)
    slower["runs"]["postgresql"]["scenarios"]["W2"]["ratios"]["p95_at_50"] = 7.4  # ≤ 5 × 1.5
    assert gate.evaluate(slower, BUDGETS)["passed"]
    slower["runs"]["postgresql"]["scenarios"]["W2"]["ratios"]["p95_at_50"] = 7.6
    assert not gate.evaluate(slower, BUDGETS)["passed"]

    fewer = copy.deepcopy(LOAD_RESULT)
    fewer["runs"]["postgresql"]["scenarios"]["W2"]["ratios"]["throughput"] = 0.14  # < 0.3 × 0.5
    assert not gate.evaluate(fewer, BUDGETS)["passed"]


def test_a_known_miss_is_reported_but_guarded_by_its_ceiling():
    budgets = copy.deepcopy(BUDGETS)
    budgets["scenarios"]["W2"].update(
        known_miss={"throughput_ratio": "reason and plan"}, ceiling={"throughput_ratio": 0.1}
    )
    result = copy.deepcopy(LOAD_RESULT)
    result["runs"]["postgresql"]["scenarios"]["W2"]["ratios"]["throughput"] = 0.12

    report = gate.evaluate(result, budgets)
    assert report["passed"]
    assert any(line.startswith("miss") for line in report["lines"])

    result["runs"]["postgresql"]["scenarios"]["W2"]["ratios"]["throughput"] = 0.08
    assert not gate.evaluate(result, budgets)["passed"]


def test_failed_requests_fail_the_gate():
    result = copy.deepcopy(LOAD_RESULT)
    result["runs"]["postgresql"]["scenarios"]["W2"]["open"]["80"]["error_count"] = 3

    report = gate.evaluate(result, BUDGETS)
    assert not report["passed"]
    assert any("3 failed requests" in failure for failure in report["failures"])
