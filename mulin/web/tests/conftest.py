"""Fixtures for the web shell's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _static_files_looked_up_per_request(settings):  # type: ignore[no-untyped-def]
    # Every test client loads the middleware, and WhiteNoise then indexes all static files
    # (admin, Swagger UI, ECharts …) up front; these tests create hundreds of clients. With
    # autorefresh it looks a file up when asked for it, which is all a test needs.
    settings.WHITENOISE_AUTOREFRESH = True
