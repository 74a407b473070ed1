"""The fault tests' stack: own PostgreSQL and Redis on free loopback ports, a migrated database
with a small street, an enrolled community worker, a resident; stopped at the end of the session.

Run with MULIN_FAULT_TESTS=1 (the CI step does); otherwise these tests are skipped, since they
need initdb, redis-server and a minute. With MULIN_FAULT_TESTS=1, missing tools fail them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.servers import PG_BIN, App, Postgres, Redis

ENABLED = os.environ.get("MULIN_FAULT_TESTS") == "1"
DATABASE = "mulin_faults"
PASSWORD = "Correct-Horse-9"
RESIDENT_PHONE = "13900000101"
WORKER_PHONE = "13900000102"
WORKER_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, as django-otp stores it

SEED = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import build_street, make_person

street = build_street()
make_person(home=street.cuiyu_building, with_account=True, phone="{RESIDENT_PHONE}", full_name="故障测试居民")
worker = make_person(
    home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True,
    phone="{WORKER_PHONE}", full_name="故障测试社工",
)
TOTPDevice.objects.create(user=worker.user, name="default", confirmed=True, key="{WORKER_TOTP_KEY}")
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="fault tests start real servers; run them with MULIN_FAULT_TESTS=1")
    for item in items:
        if "faults" in item.keywords and not ENABLED:
            item.add_marker(skip)


@dataclass
class Stack:
    folder: Path
    postgres: Postgres
    redis: Redis
    app: App

    def sql(self, statement: str) -> list[tuple]:
        return self.postgres.sql(DATABASE, statement)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    missing = [tool for tool in ("redis-server",) if not shutil.which(tool)]
    missing += [str(PG_BIN / tool) for tool in ("initdb", "pg_ctl", "postgres") if not (PG_BIN / tool).exists()]
    if missing:
        pytest.fail(f"fault tests need {', '.join(missing)} (apt-get install postgresql redis-server)")
    folder = Path(tempfile.mkdtemp(prefix="mulin-faults-"))
    folder.chmod(0o711)  # the postgres user (initdb refuses root) must reach its data folder inside
    postgres = Postgres(folder / "pg")
    redis = Redis(folder / "redis")
    try:
        postgres.init()
        postgres.start()
        postgres.sql("postgres", f"CREATE DATABASE {DATABASE}")
        redis.start()
        app = App(folder / "app", postgres.url(DATABASE), redis.url)
        migrated = app.manage("migrate", "--no-input", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        seeded = app.python(SEED)
        assert seeded.returncode == 0, seeded.stderr
        yield Stack(folder, postgres, redis, app)
    finally:
        redis.stop()
        postgres.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
