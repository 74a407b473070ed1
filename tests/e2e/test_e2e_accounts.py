"""Signing in and out in a phone browser, as every demo account of the README."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from mulin.demo.daguan import DEMO_ACCOUNTS
from mulin.organizations.models import Role

pytestmark = pytest.mark.e2e
HOME = re.compile(r"^http://[^/]+/$")


def test_each_demo_account_signs_in_sees_its_role_on_the_home_page_and_signs_out(
    demo_street, page, sign_in, sign_out, subtests
):  # type: ignore[no-untyped-def]
    for phone, name, role, unit_name, _compound, _extra in DEMO_ACCOUNTS:
        with subtests.test(phone=phone, role=role):
            sign_in(page, phone)
            assert HOME.match(page.url), f"{phone} should land on the home page, is at {page.url}"
            assert page.locator("html").get_attribute("lang") == "zh-hans"
            assert name in page.inner_text("[data-testid=greeting]")
            with translation.override("zh-hans"):
                role_label = str(Role(role).label)
            roles = page.inner_text("[data-testid=roles]")
            assert role_label in roles, f"{phone}: role {role_label!r} not shown in {roles!r}"
            assert unit_name in roles
            if page.locator(".demo-banner").count() == 0:
                pytest.fail("demo mode must say so on every page (demo accounts skip the second factor)")

            sign_out(page)
            page.goto("/")
            assert "/accounts/login/" in page.url, "after signing out the home page must ask to sign in again"


def test_wrong_password_shows_the_error_and_does_not_sign_in(demo_street, page, sign_in):  # type: ignore[no-untyped-def]
    sign_in(page, "13800000005", "Wrong@Password1")

    assert "/accounts/login/" in page.url
    assert page.locator("[data-testid=login-error]").is_visible()
    assert page.locator("[data-testid=greeting]").count() == 0
    page.goto("/")
    assert "/accounts/login/" in page.url
