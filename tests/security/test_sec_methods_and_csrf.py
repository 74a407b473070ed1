"""Holes around the permission matrix (mulin/web/tests/test_permission_matrix.py):

- every route, with every HTTP method it has no matrix row for, by every one of the fourteen
  identities (the disabled account's old session and token included), is refused — 405, or the
  sign-in answer (302 / 401) before anything else — and the database does not change;
- every unsafe web request without its CSRF token is refused (403) and changes nothing, as is
  every unsafe API request made with a session cookie instead of a bearer token.

ASVS 5.0 8.2.1, 8.3.1, 3.5.1–3.5.3 (4.0.3 4.1.1, 4.2.2, 13.2.3); security reference §4 C7, §10.1.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast, sign_in
from mulin.web.tests.test_permission_matrix import ROUTES, Route, _target, _world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

METHODS = ("get", "post", "put", "patch", "delete")
SIGNED_OUT = (ANONYMOUS, DISABLED)


def _routes_by_name() -> dict[str, list[Route]]:
    by_name: dict[str, list[Route]] = defaultdict(list)
    for route in ROUTES:
        by_name[route.name].append(route)
    return by_name


def _undeclared(routes: list[Route]) -> list[str]:
    declared = {route.method.lower() for route in routes}
    # A GET row covers HEAD (Django's require_safe / require_GET answer it alike).
    return [method for method in METHODS if method not in declared]


def _acceptable(route: Route, role: str, status: int) -> bool:
    if status == 405:
        return True
    if role in SIGNED_OUT:
        # Refused before the method is looked at: the sign-in redirect, or 401 from the API.
        return status in ({401, 403} if route.api else {302})
    # DRF checks the caller's permission before the method: a 403 refuses as well.
    return route.api and status == 403


def _url(cast: Cast, route: Route) -> str:
    return reverse(route.name, kwargs={**route.kwargs, **_target(cast, route, "street_admin", "same")})


ROUTE_NAMES = sorted(_routes_by_name())


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_methods_without_a_matrix_row_are_refused_for_every_identity_and_change_nothing(cast, name):
    routes = _routes_by_name()[name]
    route = routes[0]
    methods = _undeclared(routes)
    if not methods:
        pytest.skip("every method has a row")
    url = _url(cast, route)
    problems = []
    before = _world()
    for role in ROLES:
        client = cast.api(role) if route.api else cast.web(role)
        for method in methods:
            status = getattr(client, method)(url).status_code
            if not _acceptable(route, role, status):
                problems.append(f"{method.upper()} as {role}: {status}")
    after = _world()
    if after != before:
        changed = sorted(key for key in before if before[key] != after[key])
        problems.append(f"the database changed: {changed}")
    assert not problems, f"{name}\n" + "\n".join(problems)


def test_the_disabled_accounts_old_session_and_token_are_refused_everywhere(cast):
    """The matrix's disabled identity signed in and held a token before the account was disabled;
    both must be dead on every route (spot check of the matrix's assumption)."""
    web = cast.web(DISABLED).get(reverse("web:home"))
    api = cast.api(DISABLED).get("/api/v1/me/")

    assert (web.status_code, api.status_code) == (302, 401)
    assert "/accounts/login/" in web["Location"]


# --- CSRF ------------------------------------------------------------------------------------------


# Open to anyone and reading no credential (sign-in, codes by text message): nothing for a forged
# request to borrow.
_NO_CREDENTIAL = frozenset(
    {"api:token", "api:password-forgot", "api:password-forgot-reset", "api:sms-code", "api:sms-token"}
)


def _write_rows(api: bool) -> list[Route]:
    return [
        route for route in ROUTES if route.method != "GET" and route.api == api and route.name not in _NO_CREDENTIAL
    ]


def _csrf_client(cast: Cast, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    person = cast.person(role)
    if person is not None and role != DISABLED:
        sign_in(client, person)
    return client


@pytest.mark.parametrize("route", _write_rows(api=False), ids=lambda r: f"{r.method} {r.name}")
def test_web_writes_without_a_csrf_token_are_refused_and_change_nothing(cast, route):
    role = "street_admin" if route.expect["street_admin"] not in (403,) else "resident_a"
    client = _csrf_client(cast, role)
    url = reverse(route.name, kwargs={**route.kwargs, **_target(cast, route, role, "same")})
    data = route.data(cast, role) if route.data else {}
    before = _world()

    response = getattr(client, route.method.lower())(url, data)

    assert response.status_code == 403, f"{route.name}: {response.status_code}"
    assert _world() == before


@pytest.mark.parametrize("route", _write_rows(api=True), ids=lambda r: f"{r.method} {r.name}")
def test_api_writes_with_a_session_cookie_and_no_csrf_token_are_refused(cast, route):
    role = "street_admin"
    client = _csrf_client(cast, role)
    url = reverse(route.name, kwargs={**route.kwargs, **_target(cast, route, role, "same")})
    data: Any = route.data(cast, role) if route.data else {}
    before = _world()

    if route.format == "multipart":
        response = getattr(client, route.method.lower())(url, data)
    else:
        response = getattr(client, route.method.lower())(url, data, content_type="application/json")

    # 401: the endpoint takes bearer tokens only, so the cookie is not even a credential there.
    assert response.status_code in {401, 403}, f"{route.name}: {response.status_code}"
    if route.name.startswith("open311:"):
        # Open311 clients prove themselves with an api_key only; a session cookie counts for nothing.
        assert "api_key" in response.content.decode()
    elif response.status_code == 403:
        assert "CSRF" in response.content.decode()
    assert _world() == before
