"""Read pytest's JUnit reports for .ci/run.

--require-browser A.xml B.xml  fail unless every report holds browser tests (tests/e2e) and none of
                               them was skipped, failed or errored
--totals A.xml B.xml           print one plain closing line: "CI: N passed, N failed, N skipped"
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from defusedxml import ElementTree

BROWSER_TESTS = "tests.e2e."


def outcomes(report: Path) -> list[tuple[str, str]]:
    """(classname, outcome) for every test case in a pytest JUnit report."""
    cases = []
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            outcome = "failed"
        elif "skipped" in kinds:
            outcome = "skipped"
        else:
            outcome = "passed"
        cases.append((case.get("classname", ""), outcome))
    return cases


def require_browser(reports: list[Path]) -> int:
    status = 0
    for report in reports:
        if not report.exists():
            sys.stdout.write(f"{report.name}: missing — the suite did not finish\n")
            status = 1
            continue
        counts = Counter(outcome for name, outcome in outcomes(report) if name.startswith(BROWSER_TESTS))
        line = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "none"
        sys.stdout.write(f"{report.name}: browser tests {line}\n")
        if counts["passed"] == 0 or counts["failed"] or counts["skipped"]:
            status = 1
    return status


def totals(reports: list[Path]) -> int:
    counts: Counter[str] = Counter()
    for report in reports:
        if report.exists():
            counts.update(outcome for _name, outcome in outcomes(report))
    sys.stdout.write(f"CI: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--require-browser", action="store_true")
    mode.add_argument("--totals", action="store_true")
    parser.add_argument("reports", nargs="+", type=Path)
    args = parser.parse_args()
    return require_browser(args.reports) if args.require_browser else totals(args.reports)


if __name__ == "__main__":
    sys.exit(main())
