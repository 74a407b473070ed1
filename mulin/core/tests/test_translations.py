"""The zh-hans catalogue: every message translated, nothing fuzzy, placeholders and markup kept,
one plural form; and `check_translations`, which finds messages of the code the catalogue lacks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# %(name)s / %(name)d / %(name).1f and positional %s, %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]")
BRACE_FIELD = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _catalogue() -> Catalog:
    with CATALOGUE.open("rb") as po_file:
        return read_po(po_file)


def _messages() -> list[Message]:
    return [message for message in _catalogue() if message.id]


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def _strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string or ())


def _label(message: Message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{_ids(message)[0]!r} ({where})"


def test_the_catalogue_is_simplified_chinese_with_one_plural_form():
    catalogue = _catalogue()

    assert str(catalogue.locale) == "zh_Hans"
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    assert not catalogue.fuzzy, "the header is marked fuzzy: gettext tools would skip the whole file"
    assert len(_messages()) > 500


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [_label(m) for m in _messages() if not all(s.strip() for s in _strings(m))]
    fuzzy = [_label(m) for m in _messages() if m.fuzzy]

    assert not untranslated, f"{len(untranslated)} untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check the translation, then drop the flag):\n" + "\n".join(fuzzy)


def test_plural_messages_have_exactly_one_form():
    wrong = [_label(m) for m in _messages() if isinstance(m.id, (tuple, list)) and len(_strings(m)) != 1]

    assert not wrong, "Chinese has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_translations_keep_every_placeholder_and_tag():
    problems = []
    for message in _messages():
        ids = _ids(message)
        for pattern in (PLACEHOLDER, BRACE_FIELD, TAG):
            # The plural msgid names every placeholder the translation may use (the singular may
            # spell the count out); Chinese has one form, so it must match the plural's set.
            wanted = sorted(pattern.findall(ids[-1]))
            for string in _strings(message):
                if sorted(pattern.findall(string)) != wanted:
                    problems.append(f"{_label(message)}: {wanted} != {sorted(pattern.findall(string))}")

    assert not problems, "\n".join(problems)


def test_translations_do_not_end_in_ascii_punctuation_where_chinese_has_its_own():
    # A Chinese sentence ends in 。 and not in "." ("e.g. 1幢 or 1." style file names are exempt).
    stray = [
        _label(m)
        for m in _messages()
        for s in _strings(m)
        if _ids(m)[0].endswith(".") and re.search(r"[\u4e00-\u9fff][.,;:!?]$", s)
    ]

    assert not stray, "\n".join(stray)


def test_the_compiled_catalogue_is_present_and_current():
    # Pages and API answers are Chinese only through the .mo (gitignored; `make` builds it).
    compiled = CATALOGUE.with_suffix(".mo")

    assert compiled.exists(), f"{compiled} is missing: run `make translations`"
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, f"{compiled} is stale: run `make translations`"


# --- check_translations ---------------------------------------------------------------------------


needs_xgettext = pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")


@needs_xgettext
def test_check_translations_names_a_message_the_catalogue_lacks_and_changes_nothing(tmp_path, settings):
    catalogue = _catalogue()
    dropped = next(m for m in catalogue if m.id == "Wish wall")
    del catalogue[dropped.id]
    copy = tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    with copy.open("wb") as po_file:
        write_po(po_file, catalogue)
    settings.LOCALE_PATHS = [tmp_path]
    before = copy.read_bytes()

    with pytest.raises(CommandError) as refused:
        call_command("check_translations", verbosity=0)

    assert "'Wish wall'" in str(refused.value)
    assert "makemessages -l zh_Hans --no-obsolete" in str(refused.value)
    assert copy.read_bytes() == before, "the check must only read the catalogue"
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.glob("**/*")) == [
        "zh_Hans",
        "zh_Hans/LC_MESSAGES",
        "zh_Hans/LC_MESSAGES/django.po",
    ]
