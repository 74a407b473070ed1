"""Audit a hash-pinned requirements file with pip-audit, for .ci/run.

Fails on any known vulnerability. Exits 75 ("not audited": .ci/run shows NOT AUDITED in its summary
instead of ok, without failing) with a loud warning when the vulnerability data could not be had
from the package index: pip-audit could not connect, or it could audit no package at all (an index
or mirror without PyPI's per-release JSON answers "not found" for every package). A partial answer
audits what it can, fails on findings and lists what was skipped.

--disable-pip: requirements/*.txt pin every transitive dependency with hashes, so pip-audit need not
build a throwaway virtualenv to resolve them (that would take minutes and download every wheel again).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

NOT_AUDITED = 75  # .ci/run's NOT_CHECKED
NETWORK_ERRORS = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "NameResolution", "SSLError")


def warn(message: str) -> None:
    bar = "!" * 100
    advice = "No vulnerability check was made; run pip-audit where PyPI's JSON API answers."
    sys.stdout.write(f"{bar}\n!!! WARNING: {message}\n!!! {advice}\n{bar}\n")


def main(requirements: str) -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "audit.json"
        command = [str(pip_audit), "-r", requirements, "--disable-pip", "--progress-spinner", "off"]
        command += ["--format", "json", "--output", str(report_path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        log = result.stdout + result.stderr
        if not report_path.exists():
            if any(error in log for error in NETWORK_ERRORS):
                warn(f"pip-audit could not reach the package index:\n{log.strip().splitlines()[-1]}")
                return NOT_AUDITED
            sys.stdout.write(log)
            sys.stdout.write(f"pip-audit failed (exit {result.returncode}) without a report.\n")
            return 1
        report = json.loads(report_path.read_text())

    dependencies = report["dependencies"]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            sys.stdout.write(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})\n")
    if vulnerable:
        sys.stdout.write(f"{len(vulnerable)} of {len(audited)} audited packages have known vulnerabilities.\n")
        return 1
    if not audited:
        warn(
            f"the package index gave vulnerability data for none of the {len(skipped)} packages "
            f"(first answer: {skipped[0]['skip_reason'] if skipped else 'empty report'})."
        )
        return NOT_AUDITED
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped)
        sys.stdout.write(f"WARNING: {len(skipped)} packages could not be audited: {names}\n")
    sys.stdout.write(f"No known vulnerabilities in {len(audited)} audited packages.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements/base.txt"))
