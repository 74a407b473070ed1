"""Fail when the committed catalogue misses a message of the current code.

It extracts the messages exactly as `makemessages` does (same extractor, same ignore list), but into
a scratch directory: the committed catalogue is only read, never rewritten. It then lists every
message (msgid with its context and plural) that the catalogue lacks. Messages the catalogue holds
but the code no longer uses are reported too; they do no harm and go with the next makemessages.

Update the catalogue with the command printed on failure, then translate what is new.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import makemessages

# Only our own code is translated: config/, mulin/ and templates/ (tests quote msgids, tools and
# vendored or generated trees are not ours). "tests" also skips every app's tests/ package.
IGNORE_PATTERNS = (
    ".venv",
    "frontend/node_modules",
    "staticfiles",
    "tools",
    "var",
    "tests",
    "bench-results",
    "test-results",
    "docs",
    "requirements",
    "locale",
)
LOCALE = "zh_Hans"


def makemessages_command(locale: str = LOCALE) -> str:
    """The command that brings the committed catalogue up to date."""
    ignores = " ".join(f"--ignore={pattern}" for pattern in IGNORE_PATTERNS if pattern != "locale")
    return f".venv/bin/python manage.py makemessages -l {locale} --no-obsolete {ignores}"


def _keys(catalog: Catalog) -> dict[tuple[str | None, str], str | None]:
    """(context, msgid) → msgid_plural (None for a singular message), header left out."""
    keys: dict[tuple[str | None, str], str | None] = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id
        if isinstance(msgid, str):
            keys[(message.context, msgid)] = None
        else:
            keys[(message.context, msgid[0])] = msgid[1]
    return keys


def _describe(key: tuple[str | None, str]) -> str:
    context, msgid = key
    return f"[{context}] {msgid!r}" if context else repr(msgid)


class Command(makemessages.Command):
    help = "Fail if locale/<locale>/LC_MESSAGES/django.po lacks a message of the current code (read-only)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(locale=[LOCALE], ignore_patterns=list(IGNORE_PATTERNS), no_obsolete=True)

    def handle(self, *args: Any, **options: Any) -> None:
        locale = options["locale"][-1]
        committed_path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / f"{options['domain']}.po"
        if not committed_path.exists():
            raise CommandError(f"{committed_path} does not exist. Create it with:\n  {makemessages_command(locale)}")
        options["locale"] = [locale]
        previous_directory = Path.cwd()
        os.chdir(settings.BASE_DIR)  # makemessages reads the files under the current directory
        try:
            with tempfile.TemporaryDirectory(prefix="mulin-messages-") as scratch:
                self._scratch = scratch
                self._extracted: Catalog | None = None
                super().handle(*args, **options)
        finally:
            os.chdir(previous_directory)
        if self._extracted is None:
            raise CommandError("No messages were extracted; is GNU gettext (xgettext) installed?")

        with committed_path.open("rb") as po_file:
            committed = _keys(read_po(po_file))
        extracted = _keys(self._extracted)
        missing = sorted(
            (key for key, plural in extracted.items() if key not in committed or committed[key] != plural),
            key=lambda key: (key[1], key[0] or ""),
        )
        unused = sorted((key for key in committed if key not in extracted), key=lambda key: (key[1], key[0] or ""))

        for key in unused:
            self.stdout.write(f"no longer used: {_describe(key)}")
        if missing:
            lines = "\n".join(f"  {_describe(key)}" for key in missing)
            raise CommandError(
                f"{committed_path} lacks {len(missing)} message(s) of the current code:\n{lines}\n"
                f"Update it with\n  {makemessages_command(locale)}\nthen translate the new entries."
            )
        self.stdout.write(f"{committed_path.name} ({locale}) has all {len(extracted)} messages of the current code.")

    # --- makemessages hooks: extract into the scratch directory, never touch the catalogue ----------

    def find_files(self, root: str) -> list[Any]:
        files = super().find_files(root)
        for translatable in files:
            translatable.locale_dir = self._scratch
        self.locale_paths = [self._scratch]
        return files

    def write_po_file(self, potfile: str, locale: str) -> None:
        # A template's header says "nplurals=INTEGER", which Babel cannot read; any number will do.
        text = Path(potfile).read_text(encoding="utf-8").replace("nplurals=INTEGER; plural=EXPRESSION;", "nplurals=2;")
        self._extracted = read_po(io.StringIO(text))
