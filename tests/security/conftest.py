"""Fixtures of the security suite: the permission matrix's fourteen identities (mulin/web/tests/cast.py)
on the small test street, with the wish categories and points rules in place and uploads kept in a
temporary folder."""

from __future__ import annotations

import pytest

from mulin.web.tests.cast import Cast, for_one_test


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """Categories and points rules come from data migrations; tests with transaction=True empty the
    tables afterwards, so put them back."""
    from mulin.points.defaults import ensure_default_rules
    from mulin.points.models import PointRule
    from mulin.wishes.defaults import ensure_default_categories
    from mulin.wishes.models import WishCategory

    ensure_default_categories(WishCategory)
    ensure_default_rules(PointRule)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MULIN_WISH_MAX_OPEN_CLAIMS = 1000


@pytest.fixture
def street(module_cast, db):  # type: ignore[no-untyped-def]
    """The module cast's street: a second street built beside it would clash with it (one district
    of that name). Transactional modules (concurrency, backup drill) build their own."""
    return for_one_test(module_cast).street


@pytest.fixture
def cast(module_cast, db, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    """Built once per module (conftest.py); each test gets a copy and its changes roll back.
    Tests with transaction=True cannot share it: test_sec_concurrency.py builds its own."""
    return for_one_test(module_cast)
