"""The per-address sign-in rate limit (mulin/accounts/ratelimit.py) and Redis loss without a real
server: the limit fails closed with 503 on sign-in only, every other page keeps working on the
fail-soft cache (mulin/core/cache.py). ASVS 5.0 2.4.1, 6.3.1 (4.0.3 11.1.4); GB/T 22239 8.1.4.1 b).
The same with a real Redis stopped under gunicorn: tests/faults/test_faults.py."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from mulin.organizations.tests.factories import TEST_PASSWORD, make_person

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens here once the probe is closed


@pytest.fixture
def limit(settings):  # type: ignore[no-untyped-def]
    # Below axes' five failures per address, so that the rate limit answers before the lockout does.
    settings.MULIN_LOGIN_RATE_PER_MINUTE = 3
    return 3


@pytest.fixture
def redis_down(settings):  # type: ignore[no-untyped-def]
    """Production's cache configuration, with Redis not listening."""
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    settings.CACHES = {
        "default": {"BACKEND": "mulin.core.cache.FailSoftRedisCache", "LOCATION": location, "OPTIONS": options},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": options,
        },
    }


@pytest.fixture
def resident(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, with_account=True)


def _login(client, phone: str, password: str = "wrong-password-1", **extra):  # type: ignore[no-untyped-def]  # noqa: S107
    return client.post(reverse("accounts:login"), {"phone": phone, "password": password}, **extra)


def test_attempts_up_to_the_limit_pass_and_the_next_gets_429(client, english, limit, street):
    statuses = [_login(client, f"1390000{n:04d}").status_code for n in range(limit + 1)]

    assert statuses[:limit] == [200] * limit  # the form again, with the usual error
    assert statuses[limit] == 429
    assert "Too many sign-in attempts" in _login(client, "13900009999").content.decode()


def test_the_limit_applies_to_right_passwords_too(client, limit, resident):
    for n in range(limit):
        _login(client, f"1390000{n:04d}")

    response = _login(client, resident.phone, TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_address(client, limit, street):
    for n in range(limit):
        _login(client, f"1390000{n:04d}")

    assert _login(client, "13900001111", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert _login(client, "13900001111").status_code == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, limit, street):
    for n in range(limit):
        _login(client, f"1390000{n:04d}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert _login(client, "13900001111", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_api_token_requests_count_and_answer_429_as_json(api_client, limit, street):
    for n in range(limit):
        api_client.post("/api/v1/auth/token/", {"phone": f"1390000{n:04d}", "password": "x"}, format="json")

    response = api_client.post("/api/v1/auth/token/", {"phone": "13900001111", "password": "x"}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_the_login_page_itself_is_not_counted(client, limit):
    for _ in range(limit + 5):
        assert client.get(reverse("accounts:login")).status_code == 200


# --- Redis down ----------------------------------------------------------------------------------


def test_with_redis_down_sign_in_fails_closed_with_503_and_a_clear_message(client, english, redis_down, resident):
    response = _login(client, resident.phone, TEST_PASSWORD)

    assert response.status_code == 503
    assert "Sign-in is temporarily unavailable" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_redis_down_the_token_endpoint_fails_closed_with_503_json(api_client, redis_down, resident):
    response = api_client.post(
        "/api/v1/auth/token/", {"phone": resident.phone, "password": TEST_PASSWORD}, format="json"
    )

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def test_with_redis_down_signed_in_people_keep_working(client, redis_down, resident, reference_data):
    client.force_login(resident.user)

    for name in ("web:home", "web:profile", "wishes:wall", "wishes:mine", "points:mine", "organizations:tree"):
        assert client.get(reverse(name)).status_code == 200, name
    posted = client.post(reverse("wishes:create"), {"title": "Redis 停了也能许愿", "category": _repair()})
    assert posted.status_code == 302
    assert client.get(reverse("accounts:login")).status_code == 302  # the login page answers too


def test_with_redis_down_the_api_keeps_working_for_token_holders(api_client, redis_down, resident, reference_data):
    from knox.models import AuthToken

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=resident.user)[1]}")

    assert api_client.get("/api/v1/wishes/").status_code == 200
    assert (
        api_client.post("/api/v1/wishes/", {"title": "接口许愿", "category": "repair"}, format="json").status_code
        == 201
    )


def _repair() -> int:
    from mulin.wishes.models import WishCategory

    return WishCategory.objects.get(code="repair").pk
