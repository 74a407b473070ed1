"""Security headers on every kind of page, and production settings that pass
`check --deploy --fail-level WARNING` and refuse to start without their secrets."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from mulin.accounts.tests.helpers import api_login, web_login
from mulin.core.tests.keyrings import fresh_keyring
from mulin.organizations.tests.factories import make_person

BASE_DIR = Path(settings.BASE_DIR)


def _csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = _csp(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_login_page_has_the_security_headers_and_is_not_cached(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_authenticated_pages_have_the_security_headers_and_are_not_stored(client, street):
    resident = make_person(home=street.nanyuan_building, with_account=True)
    web_login(client, resident.phone)

    for url in ("/", "/me/", "/accounts/password/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_authenticated_api_answers_are_not_stored(street):
    resident = make_person(home=street.nanyuan_building, with_account=True)
    token = api_login(APIClient(), resident.phone).json()["token"]

    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_sign_in_pages_carry_no_inline_script_or_style(client, street):
    from mulin.organizations.models import Role

    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    pages = [client.get("/accounts/login/")]
    web_login(client, worker.phone)
    pages.append(client.get("/accounts/login/enrol/"))

    for response in pages:
        html = response.content.decode()
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
        assert re.search(r"<style\b", html) is None
        assert re.search(r"\sstyle=", html) is None
        assert re.search(r"\son[a-z]+=", html) is None


# --- production settings ------------------------------------------------------------------------


@pytest.fixture
def production_env(tmp_path):  # type: ignore[no-untyped-def]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MULIN_", "DATABASE_URL", "REDIS_URL", "PYTEST", "COV_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        MULIN_FIELD_KEYS_FILE=fresh_keyring(tmp_path / "field_keys.json"),
        DJANGO_ALLOWED_HOSTS="mulin.example.gov.cn",
        MULIN_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check(production_env):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_deploy_check_flags_a_keyring_others_can_read(production_env):
    Path(production_env["MULIN_FIELD_KEYS_FILE"]).chmod(0o644)

    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "mulin.W001" in result.stdout + result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_with_an_unreadable_keyring(production_env, tmp_path):
    production_env["MULIN_FIELD_KEYS_FILE"] = str(tmp_path / "missing.json")

    result = _manage(production_env, "check")

    assert result.returncode != 0
    assert "mulin.E001" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "MULIN_FIELD_KEYS_FILE", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(production_env, missing):
    production_env[missing] = ""

    result = _manage(production_env, "check")

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr
