"""A third-party client generated from /api/v1/schema/ with openapi-python-client works (issue 9,
acceptance): it signs in (a community worker, with the authenticator code staff need) and lists
wishes, people and notifications from a live server, parsing every answer with the generated
models — so a value the schema does not allow (a blank choice, a wrong type) fails here.

Offline: the generator reads the schema from a file and runs no post-hooks; proxies point
nowhere, so any attempt to reach the network would fail the test.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from mulin.accounts.tests.helpers import totp_code
from mulin.notifications.services import notification_send
from mulin.organizations.models import Role
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import TEST_PASSWORD, make_person
from mulin.wishes.defaults import ensure_default_categories
from mulin.wishes.models import WishCategory
from mulin.wishes.services import wish_submit

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = """\
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def generate_client(tmp_path: Path) -> str:
    """Generate the client package into tmp_path and return its (unique) import name."""
    schema = APIClient().get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(json.dumps(schema.json()))
    (tmp_path / "config.yaml").write_text(CONFIG)
    name = f"mulin_client_{uuid.uuid4().hex[:8]}"
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--output-path",
            str(tmp_path / name),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **OFFLINE},
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # Every operation became a function: the generator skips what it cannot read, and says so.
    assert "Warning" not in run.stdout, run.stdout
    return name


def test_a_generated_client_signs_in_and_lists_wishes_people_and_notifications(street, live_server, tmp_path):
    # Given a community worker with an authenticator, a wish in their community and a notification
    # (reference data again: an earlier transactional test may have emptied the tables)
    ensure_default_categories(WishCategory)
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, with_account=True)
    device = TOTPDevice.objects.create(user=worker.user, name="default", confirmed=True)
    resident = make_person(home=street.nanyuan_building, with_account=True)
    wish_submit(actor=actor_for_person(resident), title="楼道灯坏了", category=WishCategory.objects.get(code="repair"))
    notification_send(kind="street.announcement", recipients=[worker], params={"subject": "停水通知", "text": "周六"})
    name = generate_client(tmp_path)

    # When the generated client signs in and lists
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(name)
        auth = importlib.import_module(f"{name}.api.auth.auth_token_create")
        wishes = importlib.import_module(f"{name}.api.wishes.wishes_list")
        people = importlib.import_module(f"{name}.api.people.people_list")
        notifications = importlib.import_module(f"{name}.api.notifications.notifications_list")
        models = importlib.import_module(f"{name}.models")

        anonymous = package.Client(base_url=live_server.url, raise_on_unexpected_status=True)
        body = models.TokenRequestRequest(phone=worker.phone, password=TEST_PASSWORD, otp=totp_code(device))
        token = auth.sync(client=anonymous, body=body)
        assert isinstance(token, models.TokenResponse), token
        signed_in = package.AuthenticatedClient(
            base_url=live_server.url, token=token.token, raise_on_unexpected_status=True
        )
        wish_page = wishes.sync(client=signed_in)
        people_page = people.sync(client=signed_in)
        notification_page = notifications.sync(client=signed_in)
        refused = wishes.sync_detailed(client=package.AuthenticatedClient(base_url=live_server.url, token="wrong"))
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]

    # Then every answer parsed into the generated models, with what the worker may see
    assert [wish.title for wish in wish_page.results] == ["楼道灯坏了"]
    assert {person.id for person in people_page.results} >= {worker.pk, resident.pk}
    # (the worker is also told of the new wish: moderators are notified)
    assert "停水通知" in [note.title for note in notification_page.results]
    # and a refusal is a declared status with the error body, not an unexpected one
    assert refused.status_code == 401
    assert refused.parsed.code == "authentication_failed"
