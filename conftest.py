"""Shared fixtures: the actor for a person, API and web clients signed in as someone."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation
from rest_framework.test import APIClient

from mulin.organizations.scoping import actor_for_person

# A test fails if it logged a phone or ID number in clear (SECURITY.md: no personal data in logs).
pytest_plugins = ["mulin.core.tests.pii_log_scan"]


@pytest.fixture(autouse=True)
def _clean_registries(settings):  # type: ignore[no-untyped-def]
    from mulin.notifications.sms import MemorySmsBackend

    # Each test starts in the test settings' language: a test that activated another one and did
    # not switch back would otherwise leak it to whatever test its xdist worker runs next.
    translation.activate(settings.LANGUAGE_CODE)

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


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One transaction around a test module, rolled back at its end: data built once for the
    module stays for each test, which runs in a savepoint inside it (pytest-django's `db`) and
    is rolled back to it. For data that costs more to build than the tests that read it (the cast
    of the permission matrix); not for tests with transaction=True, which commit and flush."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_cast(module_transaction):  # type: ignore[no-untyped-def]
    """The permission matrix's cast, built once per test module (use `cast`, which copies it)."""
    from mulin.organizations.tests.factories import build_street
    from mulin.points.defaults import ensure_default_rules
    from mulin.points.models import PointRule
    from mulin.web.tests.cast import build_cast, presign
    from mulin.wishes.defaults import ensure_default_categories
    from mulin.wishes.models import WishCategory

    # Tests with transaction=True empty the tables that data migrations fill: put them back.
    ensure_default_categories(WishCategory)
    ensure_default_rules(PointRule)
    return presign(build_cast(build_street()))


@pytest.fixture(scope="session")
def _daguan_snapshot(django_db_setup, django_db_blocker, request):  # type: ignore[no-untyped-def]
    """The demo street built once per test run (about a minute) and kept as a table snapshot.

    Under xdist the first worker that needs it builds it and leaves it in a file for the others
    (keyed by the run and the database), which wait for it rather than build their own copy."""
    import fcntl
    import pickle
    import tempfile
    from pathlib import Path

    from mulin.core.tests.db_snapshot import snapshot_of
    from mulin.demo.seed import build_daguan

    run = request.getfixturevalue("testrun_uid") if request.config.pluginmanager.has_plugin("xdist") else None
    if run is None or not hasattr(request.config, "workerinput"):
        with django_db_blocker.unblock():
            return snapshot_of(build_daguan)
    path = Path(tempfile.gettempdir()) / f"mulin-daguan-{run}-{connection.vendor}.pickle"
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return pickle.loads(path.read_bytes())  # noqa: S301 — written by this same test run
        with django_db_blocker.unblock():
            snapshot = snapshot_of(build_daguan)
        path.write_bytes(pickle.dumps(snapshot))

    def remove() -> None:
        with open(f"{path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            path.unlink(missing_ok=True)  # a worker that needs it later builds it again

    request.config.add_cleanup(remove)
    return snapshot


@pytest.fixture
def daguan(request, _daguan_snapshot):  # type: ignore[no-untyped-def]
    """The Daguan demo street, as `build_daguan()` leaves it, restored in a second from the snapshot.

    Works with `db` (restored inside the test's transaction, rolled back with it) and with
    `transactional_db` (committed, so a live server sees it; flushed afterwards). Asks for `db`
    unless the test already has `transactional_db`."""
    from mulin.organizations.models import OrgUnit

    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        request.getfixturevalue("db")
    _daguan_snapshot.restore()
    cache.clear()
    return {unit.name: unit for unit in OrgUnit.objects.order_by("path")}
