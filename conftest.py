"""Shared fixtures: the actor for a person, API and web clients signed in as someone."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from mulin.organizations.scoping import actor_for_person

# A test fails if it logged a phone or ID number in clear (SECURITY.md: no personal data in logs).
pytest_plugins = ["mulin.core.tests.pii_log_scan"]


@pytest.fixture(autouse=True)
def _clean_registries(settings):  # type: ignore[no-untyped-def]
    from mulin.notifications.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    # Ids are reused between tests, so values cached under them (the wall's reach, the street's
    # name) must not leak from one test's tree into the next.
    cache.clear()
    yield


@pytest.fixture
def actor_of():  # type: ignore[no-untyped-def]
    return actor_for_person


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    """For tests that quote English text: Chinese is the default language and the zh-hans catalogue
    is compiled in CI. Code the test runs and the `client`'s requests speak English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    on_postgres = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def street(db):  # type: ignore[no-untyped-def]
    from mulin.organizations.tests.factories import build_street

    return build_street()
