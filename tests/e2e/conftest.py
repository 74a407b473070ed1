"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Without a usable Chromium these tests are skipped with the reason, unless MULIN_E2E_REQUIRED=1
(CI sets it), in which case they fail: a CI run that silently skipped the browser would prove nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = os.environ.get("MULIN_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flag Chromium keeps calling out to Google, which a closed
# network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
REQUIRED = os.environ.get("MULIN_E2E_REQUIRED", "") == "1"
TIMEOUT_MS = 15_000


def _unavailable(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(f"{reason} — MULIN_E2E_REQUIRED=1, so the browser tests must run.", pytrace=False)
    pytest.skip(f"{reason} (set MULIN_E2E_REQUIRED=1 to make this a failure)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module.

    Module scope, not session scope: while Playwright's sync API is alive its event loop counts as
    running in the main thread, so Django's async-safety guard must be switched off
    (DJANGO_ALLOW_ASYNC_UNSAFE). Keeping the browser per module limits that to the browser tests.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright is not installed ({exc})")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_mode(transactional_db, settings):  # type: ignore[no-untyped-def]
    """Demo mode on, with an empty database the live server's thread can use (for pages that need no
    data, such as the login page)."""
    settings.MULIN_DEMO = True


@pytest.fixture
def demo_street(demo_mode, daguan):  # type: ignore[no-untyped-def]
    """The Daguan demo street, committed so that the live server's thread sees it (restored from the
    snapshot the root conftest builds once per test process; each test gets it as built, so a journey
    that changes a demo account's password does not break the next); demo accounts sign in without a
    second factor. transactional_db empties the tables afterwards."""
    return daguan


@pytest.fixture
def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts (own cookies), on a phone by default.

    A server error, a Content-Security-Policy violation or an uncaught script error on any page
    fails the test: the CSP forbids inline script and style, and a violation is otherwise silent.
    """
    contexts = []
    problems: list[str] = []

    def open_page(*, locale: str = "zh-CN", **options):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, locale=locale, **{**PHONE, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))

        def on_console(message) -> None:  # type: ignore[no-untyped-def]
            if message.type == "error" and "Content Security Policy" in message.text:
                problems.append(f"CSP violation on {page.url}: {message.text}")

        page.on("console", on_console)
        page.on(
            "response",
            lambda response: (
                problems.append(f"HTTP {response.status} from {response.url}") if response.status >= 500 else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page):  # type: ignore[no-untyped-def]
    return new_page()


@pytest.fixture
def results_dir(request) -> Path:  # type: ignore[no-untyped-def]
    """test-results/e2e/ (gitignored): screenshots for a person to look at."""
    path = Path(request.config.rootpath) / "test-results" / "e2e"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def sign_in():  # type: ignore[no-untyped-def]
    """sign_in(page, phone, password=DEMO_PASSWORD): fill in the login form and submit it; fails at once
    if the page it ends on is an error page (rather than timing out on a missing element later)."""
    from mulin.demo.daguan import DEMO_PASSWORD

    def sign_in(page, phone: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
        page.goto("/accounts/login/")
        page.fill("input[name=phone]", phone)
        page.fill("input[name=password]", password)
        with page.expect_navigation() as navigation:
            page.click("[data-testid=login-submit]")
        response = navigation.value
        assert response is not None and response.ok, (
            f"signing in as {phone} ended on HTTP {response and response.status} at {page.url}"
        )

    return sign_in


@pytest.fixture
def sign_out():  # type: ignore[no-untyped-def]
    """sign_out(page): open the menu and press "Sign out"; ends on the login page."""

    def sign_out(page) -> None:  # type: ignore[no-untyped-def]
        page.click("details.menu > summary")
        page.click("[data-testid=logout]")
        page.wait_for_url(re.compile(r"/accounts/login/"))

    return sign_out
