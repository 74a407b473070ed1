"""Signing in the way people do: the login form, the token API, an authenticator app."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from mulin.organizations.tests.factories import TEST_PASSWORD

WRONG_PASSWORD = "Wrong-Password-7"
LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"


def web_login(client: Client, phone: str, password: str = TEST_PASSWORD, **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"phone": phone, "password": password}, **extra)


def api_login(client: APIClient, phone: str, password: str = TEST_PASSWORD, **body: Any):  # type: ignore[no-untyped-def]
    extra = {key: body.pop(key) for key in list(body) if key.isupper()}
    return client.post(TOKEN_URL, {"phone": phone, "password": password, **body}, format="json", **extra)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app would show now for `device`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = totp_code(device)
    return f"{(int(right) + 1) % 10**device.digits:0{device.digits}d}"


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
