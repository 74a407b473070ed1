"""The shell as a person sees it: language switch, large text, and a screenshot of the home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

CHINESE_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _chinese_catalogue_compiled() -> bool:
    """Whether the Chinese page text can differ from the English msgids (the catalogue is optional
    until it is written). A catalogue that exists but is not compiled is a setup error."""
    if not CHINESE_CATALOGUE.exists():
        return False
    compiled = CHINESE_CATALOGUE.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CHINESE_CATALOGUE.stat().st_mtime:
        pytest.fail(f"{compiled} is missing or older than the .po: run `make translations`")
    return True


def _html_lang(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("html").get_attribute("lang")


def test_switching_to_english_and_back_changes_the_page_language(demo_street, page, sign_in):  # type: ignore[no-untyped-def]
    sign_in(page, "13800000005")
    assert _html_lang(page) == "zh-hans"
    chinese_text = page.inner_text("main")

    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert _html_lang(page) == "en"
    english_text = page.inner_text("main")
    assert "Needs your attention" in english_text  # msgids are English
    assert "/accounts/login/" not in page.url, "switching the language must not sign the person out"

    page.click("[data-testid=lang-zh-hans]")
    page.wait_for_load_state()
    assert _html_lang(page) == "zh-hans"
    assert page.inner_text("main") == chinese_text
    if _chinese_catalogue_compiled():
        assert english_text != chinese_text, "the Chinese catalogue exists but the page text did not change"


def test_the_language_choice_applies_before_sign_in_too(demo_mode, page):  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()

    assert _html_lang(page) == "en"
    assert page.locator("[data-testid=login-submit]").inner_text().strip() == "Sign in"


def test_large_text_mode_enlarges_the_text_and_can_be_switched_off(demo_mode, page):  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")

    def html_font_px() -> float:
        return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))

    def heading_font_px() -> float:
        return float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize)"))

    normal_root, normal_heading = html_font_px(), heading_font_px()
    assert "text-large" not in (page.locator("html").get_attribute("class") or "")

    page.click("[data-testid=text-size]")
    page.wait_for_load_state()
    assert "text-large" in (page.locator("html").get_attribute("class") or "")
    assert html_font_px() > normal_root
    assert heading_font_px() > normal_heading

    page.goto("/accounts/login/")
    assert "text-large" in (page.locator("html").get_attribute("class") or ""), "the choice must be remembered"

    page.click("[data-testid=text-size]")
    page.wait_for_load_state()
    assert "text-large" not in (page.locator("html").get_attribute("class") or "")
    assert html_font_px() == normal_root


@pytest.mark.parametrize("phone", ["13800000001", "13800000005"])
def test_home_page_on_a_phone_is_saved_as_a_screenshot(demo_street, new_page, sign_in, results_dir, phone):  # type: ignore[no-untyped-def]
    """For a person to look at: Chinese must render (CJK font installed) and nothing may overflow."""
    page = new_page(device_scale_factor=2)
    sign_in(page, phone)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page is {overflow}px wider than a 390px phone screen"
    page.screenshot(path=str(results_dir / f"home-phone-{phone}.png"), full_page=True)
    page.click("details.menu > summary")
    page.screenshot(path=str(results_dir / f"home-phone-{phone}-menu.png"), full_page=True)
