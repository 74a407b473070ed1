"""A scan of our code for constructs that bypass Django's protections. Every hit needs a reviewed
entry with a written reason in docs/security-allowlist.toml; a new hit fails, and so does an entry
whose line has gone (the list stays true).

Rules (security reference §5 V2/V3, §4 C3/C7, §10.8 item 4): mark_safe and SafeString; format_html
fed a pre-formatted string; raw SQL (.raw, .extra, RawSQL, cursor.execute/executemany, COPY);
csrf_exempt; ModelForm/serializer `fields = "__all__"` and `exclude =`; `**request.data/POST/GET`
into a call; `|safe` and `{% autoescape off %}` in templates; eval/exec, pickle, yaml.load,
shell=True, verify=False. ASVS 5.0 1.2.1, 1.2.4, 3.5.1, 8.2.3, 15.3.3.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = ROOT / "docs" / "security-allowlist.toml"
SCANNED = ("mulin", "config", "tools", "templates")
SKIPPED_PARTS = {"tests", "migrations", "node_modules", "__pycache__"}

PYTHON_RULES = {
    "mark-safe": re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(|\bSafeText\s*\("),
    "format-html": re.compile(r"\bformat_html\s*\("),
    "raw-sql": re.compile(
        r"\.raw\s*\(|\.extra\s*\(|\bRawSQL\s*\(|\bcursor\.execute(many)?\s*\(|\.copy\s*\(\s*f?[\"']COPY"
    ),
    "csrf-exempt": re.compile(r"\bcsrf_exempt\b"),
    "all-fields": re.compile(r"\bfields\s*=\s*[\"']__all__[\"']"),
    "exclude-fields": re.compile(r"^\s+exclude\s*=\s*[\[\(]"),
    "request-kwargs": re.compile(r"\*\*\s*request\.(data|POST|GET|query_params|FILES)\b"),
    "eval-exec": re.compile(r"(?<![\w.])(eval|exec)\s*\("),
    "unsafe-deserialise": re.compile(r"\bpickle\.loads?\s*\(|\byaml\.load\s*\((?![^)]*SafeLoader)"),
    "shell-or-no-verify": re.compile(r"shell\s*=\s*True|verify\s*=\s*False"),
}
TEMPLATE_RULES = {
    "safe-filter": re.compile(r"\|\s*safe\b"),
    "autoescape-off": re.compile(r"{%\s*autoescape\s+off\s*%}"),
}


@dataclass(frozen=True)
class Hit:
    path: str
    rule: str
    line: str
    number: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule, self.line)


def _files() -> list[Path]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            # makemessages (and check_translations, run by another test at the same time) writes a
            # template's work copy `x.html.py` beside it for a moment: not source, and maybe gone.
            if path.name.endswith((".html.py", ".txt.py")):
                continue
            if path.suffix in {".py", ".html", ".txt"} and not SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                found.append(path)
    return found


def scan(files: list[Path] | None = None) -> list[Hit]:
    hits = []
    for path in files if files is not None else _files():
        rules = PYTHON_RULES if path.suffix == ".py" else TEMPLATE_RULES
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for rule, pattern in rules.items():
                if pattern.search(text):
                    hits.append(Hit(str(path.relative_to(ROOT)), rule, text.strip(), number))
    return hits


def allowlist() -> dict[tuple[str, str, str], str]:
    entries = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8"))["allow"]
    return {(entry["path"], entry["rule"], entry["line"]): entry.get("why", "") for entry in entries}


def test_every_hit_has_a_reviewed_allowlist_entry():
    allowed = allowlist()

    new = [f"{hit.path}:{hit.number} [{hit.rule}] {hit.line}" for hit in scan() if hit.key not in allowed]

    assert not new, (
        "New security-relevant constructs; fix them, or add an entry with a written reason to "
        "docs/security-allowlist.toml:\n  " + "\n  ".join(new)
    )


def test_every_allowlist_entry_still_matches_a_line_and_has_a_reason():
    found = {hit.key for hit in scan()}
    entries = allowlist()

    stale = [f"{path} [{rule}] {line}" for (path, rule, line) in entries if (path, rule, line) not in found]
    unexplained = [key for key, why in entries.items() if len(why.split()) < 8]

    assert not stale, "Allowlist entries whose line is gone (remove them):\n  " + "\n  ".join(stale)
    assert not unexplained, f"Allowlist entries without a real reason: {unexplained}"


def test_the_scan_catches_each_rule(tmp_path):
    """The rules are not blind: one offending line per rule is found."""
    samples = {
        "mark-safe": "html = mark_safe(user_text)",
        "format-html": 'return format_html(f"<b>{name}</b>")',
        "raw-sql": 'Person.objects.raw(f"SELECT * FROM p WHERE name = {q}")',
        "csrf-exempt": "@csrf_exempt",
        "all-fields": '        fields = "__all__"',
        "exclude-fields": '        exclude = ["user"]',
        "request-kwargs": "Person.objects.filter(**request.GET)",
        "eval-exec": "eval(request.POST['expr'])",
        "unsafe-deserialise": "pickle.loads(blob)",
        "shell-or-no-verify": "subprocess.run(cmd, shell=True)",
    }
    module = tmp_path / "sample.py"
    module.write_text("\n".join(samples.values()) + "\n")
    template = tmp_path / "sample.html"
    template.write_text("{{ value|safe }}\n{% autoescape off %}{{ x }}{% endautoescape %}\n")

    def rules_in(path: Path) -> set[str]:
        hits = []
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            for rule, pattern in (PYTHON_RULES if path.suffix == ".py" else TEMPLATE_RULES).items():
                if pattern.search(text):
                    hits.append(Hit(path.name, rule, text.strip(), number))
        return {hit.rule for hit in hits}

    assert rules_in(module) == set(samples)
    assert rules_in(template) == set(TEMPLATE_RULES)


def test_the_scan_covers_the_code_and_the_templates():
    files = {str(path.relative_to(ROOT)) for path in _files()}

    assert "mulin/organizations/views.py" in files
    assert "templates/base.html" in files
    assert any(name.startswith("mulin/wishes/templates/") for name in files)
    assert not any("/tests/" in name for name in files)
