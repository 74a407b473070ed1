"""Every audit code has a label in the reader's language: the audit page never shows a bare code
like "patrols.logged" (core/audit_labels.py; each app registers its codes in `audit_verbs.py`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from mulin.core import audit_labels
from mulin.core.models import AuditEvent

MULIN = Path(audit_labels.__file__).resolve().parent.parent

# The per-app helpers that put their app's prefix before the verb they are given ("logged" →
# "patrols.logged"); a call with a literal verb is found in the source below.
HELPER_PREFIXES = {
    "activities": "activities",
    "health": "health",
    "patrols": "patrols",
    "rosters": "rosters",
    "roundtable": "roundtable",
    "stations": "stations",
    "wishes": "wishes",
    "workorders": "workorders",
}
HELPERS = {"audit", "_audit", "_series_audit"}

# Codes the source forms at run time (f-strings, conditionals, constants), which the scan cannot read.
COMPUTED_VERBS = {
    # accounts/sms_codes.py: f"sms_code.sent_{purpose}" for each SmsCode.Purpose
    "sms_code.sent_password_reset",
    "sms_code.sent_sign_in",
    # accounts/ratelimit.py NETWORK_LIMIT_LIFTED
    "login.network_limit_lifted",
    # organizations: "account.enabled" if active else "account.disabled", the same for people
    "account.enabled",
    "account.disabled",
    "person.reactivated",
    "person.deactivated",
    # rosters/services/requests.py: f"{request.kind}_requested" etc. for each DutyRequest.Kind
    *(
        f"rosters.{kind}_{step}"
        for kind in ("leave", "swap")
        for step in ("requested", "approved", "declined", "withdrawn")
    ),
}


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def verbs_in_source() -> set[str]:
    """The literal codes passed to `audit_record(verb=...)` and to the apps' prefixing helpers."""
    verbs: set[str] = set()
    for path in MULIN.rglob("*.py"):
        if "tests" in path.relative_to(MULIN).parts or path.name.endswith((".html.py", ".txt.py")):
            continue  # (x.html.py: makemessages' passing work copy of a template, not source)
        app = path.relative_to(MULIN).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "audit_record":
                verb = _literal(next((kw.value for kw in node.keywords if kw.arg == "verb"), None))
                if verb is not None:
                    verbs.add(verb)
            elif node.func.id in HELPERS and app in HELPER_PREFIXES and node.args:
                verb = _literal(node.args[0])
                if verb is not None:
                    verbs.add(f"{HELPER_PREFIXES[app]}.{verb}")
    return verbs


def _untranslated(verbs: set[str]) -> dict[str, str]:
    """Codes without a label, or whose label reads the same in Chinese and English."""
    missing: dict[str, str] = {}
    for verb in sorted(verbs):
        with translation.override("zh-hans"):
            zh = audit_labels.verb_label(verb)
        with translation.override("en"):
            en = audit_labels.verb_label(verb)
        if zh == verb or en == verb:
            missing[verb] = "no label"
        elif zh == en:
            missing[verb] = f"not translated: {en!r}"
    return missing


def test_the_source_scan_finds_the_codes_of_every_app_that_audits() -> None:
    verbs = verbs_in_source()

    assert {"patrols.logged", "stations.booking_approved", "activities.calendar_reset"} <= verbs
    assert {"roundtable.voted", "rosters.autofill_applied", "person.duplicate_reported"} <= verbs
    assert {verb.partition(".")[0] for verb in verbs} >= set(HELPER_PREFIXES)


def test_every_code_the_code_can_write_has_a_translated_label() -> None:
    assert _untranslated(verbs_in_source() | COMPUTED_VERBS) == {}


@pytest.mark.django_db
def test_every_code_in_the_demo_streets_audit_log_has_a_translated_label(daguan) -> None:  # type: ignore[no-untyped-def]
    verbs = set(AuditEvent.objects.values_list("verb", flat=True).distinct())

    assert len(verbs) > 10
    assert _untranslated(verbs) == {}
