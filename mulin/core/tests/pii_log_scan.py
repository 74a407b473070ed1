"""A pytest plugin: a test fails when anything it logged carries a mobile or ID number in clear.

SECURITY.md: no personal data in logs (ASVS 5.0 16.2.5 / 4.0.3 7.1.1; PIPL Art. 51). Production
masks phone and ID numbers in a logging filter on every handler (mulin.core.logging). This plugin
adds one more handler to the root logger that renders each record the way the configured
handlers would (their filters, then a plain formatter with the traceback) and scans the text.
A hit fails the test at the end of its call phase and names the logger, never the number.

Registered from the root conftest.py. A test that must log a raw number on purpose carries
``@pytest.mark.allow_pii_in_logs``. Cost: one regex pass per log record at INFO or above.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator

import pytest

# Word boundaries include letters, so hex ids (request ids, hashes) do not look like numbers.
_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{9}[0-9Xx](?![0-9A-Za-z])")


class PersonalDataScanner(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.hits: list[str] = []
        self._lock_hits = threading.Lock()
        self._formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")

    def _production_filters(self) -> list[logging.Filterer]:
        return [h for h in logging.getLogger().handlers if h is not self and not _is_pytest_handler(h)]

    def emit(self, record: logging.LogRecord) -> None:
        copy = logging.makeLogRecord(record.__dict__)
        for handler in self._production_filters():
            for log_filter in handler.filters:
                if callable(getattr(log_filter, "filter", None)):
                    log_filter.filter(copy)  # type: ignore[union-attr]
        try:
            text = self._formatter.format(copy)
        except Exception:  # a broken format string is the handler's problem, not ours
            return
        kinds = [
            kind for kind, pattern in (("mobile number", _PHONE), ("ID number", _ID_NUMBER)) if pattern.search(text)
        ]
        if kinds:
            with self._lock_hits:
                self.hits.append(f"{record.levelname} {record.name}: a {' and an '.join(kinds)} in clear")


def _is_pytest_handler(handler: logging.Handler) -> bool:
    return type(handler).__module__.startswith("_pytest")


SCANNER = PersonalDataScanner()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_pii_in_logs: the test logs a phone or ID number in clear on purpose (no log scan)"
    )


def _install() -> None:
    root = logging.getLogger()
    if SCANNER not in root.handlers:
        root.addHandler(SCANNER)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _install()  # after Django has configured logging (dictConfig replaces the root's handlers)
    SCANNER.hits.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    hits = list(SCANNER.hits)
    SCANNER.hits.clear()
    if hits and item.get_closest_marker("allow_pii_in_logs") is None:
        pytest.fail(
            "Personal data reached the logs unmasked (mulin.core.logging must mask it):\n  " + "\n  ".join(hits[:10]),
            pytrace=False,
        )
    return result
