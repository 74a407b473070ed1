"""Session lifetime (new id at login, logout, 30-minute idle, 12-hour absolute), password
change and deactivation ending every other session and token."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.accounts.models import User, UserSession
from mulin.accounts.tests.helpers import api_login, is_signed_in, web_login
from mulin.core.models import AuditEvent
from mulin.organizations.services import account_set_active
from mulin.organizations.tests.factories import SYSTEM, TEST_PASSWORD, make_person

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Secret-42"
HOME = "/"
PROFILE = "/me/"


@pytest.fixture
def resident(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.nanyuan_building, with_account=True)


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- session id, logout -------------------------------------------------------------------------


def test_login_issues_a_new_session_id(client, resident):
    session = client.session  # an anonymous session exists before sign-in
    session["probe"] = 1
    session.save()
    before = session.session_key

    web_login(client, resident.phone)

    assert client.session.session_key != before
    assert not UserSession.objects.filter(session_key=before).exists()
    assert UserSession.objects.get(session_key=client.session.session_key).user_id == resident.user_id


def test_logout_ends_the_session_and_clears_site_data(client, resident):
    web_login(client, resident.phone)
    key = client.session.session_key

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)
    assert client.get(HOME).status_code == 302


def test_logout_needs_post(client, resident):
    web_login(client, resident.phone)

    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)


def test_logout_without_csrf_token_is_refused(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident.user)

    assert client.post("/accounts/logout/").status_code == 403
    assert is_signed_in(client)


def test_pages_need_a_session(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


# --- idle and absolute limits -------------------------------------------------------------------


def test_session_settings_are_database_backed_and_short():
    assert settings.SESSION_ENGINE == "mulin.accounts.sessions"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Sliding expiry comes from SessionLifetimeMiddleware, which re-saves at most once a minute.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_ends_after_30_idle_minutes(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, resident.phone)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, resident.phone)
    for minutes in (20, 40, 60):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(PROFILE).status_code == 200


def test_requests_within_a_minute_do_not_rewrite_the_session(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, resident.phone)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        client.get(PROFILE)  # slides the expiry
    with (
        time_machine.travel(start + dt.timedelta(minutes=5, seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(PROFILE).status_code == 200

    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "usersession" in q["sql"]]


def test_session_ends_12_hours_after_login_however_active(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, resident.phone)
    moment = start
    while moment < start + dt.timedelta(hours=11, minutes=40):
        moment += dt.timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get(PROFILE).status_code == 200, moment - start

    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(PROFILE)
        login_page = client.get(response.url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not is_signed_in(client)
    assert len(list(login_page.context["messages"])) == 1  # says why


def test_absolute_limit_also_covers_sessions_started_elsewhere(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(resident.user)  # not through the login form
        assert client.get(PROFILE).status_code == 200
    moment = start
    while moment < start + dt.timedelta(hours=12):
        moment += dt.timedelta(minutes=25)
        with time_machine.travel(moment, tick=False):
            client.get(PROFILE)

    assert not is_signed_in(client)


def test_absolute_limit_on_the_api_answers_401_not_a_redirect(resident):
    client = APIClient()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, resident.phone)
        assert client.get("/api/v1/me/").status_code == 200
    moment = start
    while moment < start + dt.timedelta(hours=11, minutes=50):
        moment += dt.timedelta(minutes=25)
        with time_machine.travel(moment, tick=False):
            client.get("/api/v1/me/")

    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get("/api/v1/me/")
    assert response.status_code in {401, 403}
    assert response["Content-Type"].startswith("application/json")


# --- password change ----------------------------------------------------------------------------


def _change(client, current: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/password/",
        {"current_password": current, "new_password": new, "new_password_again": again or new},
    )


def test_password_change_needs_the_current_password(client, resident):
    web_login(client, resident.phone)

    response = _change(client, "Not-The-Password-1", NEW_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors["current_password"]
    resident.user.refresh_from_db()
    assert resident.user.check_password(TEST_PASSWORD)
    assert AuditEvent.objects.filter(verb="password.change_refused", actor_user_id=resident.user_id).count() == 1
    assert not AuditEvent.objects.filter(verb="password.changed").exists()


@pytest.mark.parametrize(
    "new_password",
    [
        "Short-1a",  # under 12 characters
        "alllowercaseletters",  # one class
        "lowercase1234567",  # two classes
        "Password1234",  # on the common-password list
        "Daguan-Street-2026",  # local word
        "Mulin-Platform-99",  # local word
        "123456789012345",  # numeric
        TEST_PASSWORD,  # unchanged
    ],
)
def test_password_change_applies_the_policy(client, resident, new_password):
    web_login(client, resident.phone)

    response = _change(client, TEST_PASSWORD, new_password)

    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]
    resident.user.refresh_from_db()
    assert resident.user.check_password(TEST_PASSWORD)


def test_password_change_with_mismatched_repeat_changes_nothing(client, resident):
    web_login(client, resident.phone)

    response = _change(client, TEST_PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "x")

    assert response.status_code == 200
    resident.user.refresh_from_db()
    assert resident.user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("password", ["Long-Enough-1" + "x" * 51, "Ab1!" * 32])
def test_long_passwords_are_accepted_without_truncation(resident, password):
    validate_password(password, resident.user)


def test_password_change_ends_other_sessions_and_tokens_and_keeps_this_one(client, resident):
    other_browser = Client()
    web_login(other_browser, resident.phone, REMOTE_ADDR="10.0.0.2")
    token = api_login(APIClient(), resident.phone).json()["token"]
    web_login(client, resident.phone)

    response = _change(client, TEST_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200
    assert other_browser.get(PROFILE).status_code == 302
    assert _bearer(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=resident.user).exists()
    assert list(UserSession.objects.filter(user_id=resident.user_id).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    user = User.objects.get(pk=resident.user_id)
    assert user.check_password(NEW_PASSWORD)
    assert user.password_changed_at is not None
    assert AuditEvent.objects.filter(verb="password.changed", actor_user_id=user.pk).count() == 1


def test_new_password_signs_in_and_old_one_does_not(client, resident):
    web_login(client, resident.phone)
    _change(client, TEST_PASSWORD, NEW_PASSWORD)
    client.post("/accounts/logout/")

    assert web_login(client, resident.phone).status_code == 200
    assert web_login(client, resident.phone, NEW_PASSWORD).status_code == 302


# --- deactivation -------------------------------------------------------------------------------


def test_deactivating_an_account_ends_its_sessions_and_tokens(client, resident):
    web_login(client, resident.phone)
    token = api_login(APIClient(), resident.phone).json()["token"]

    account_set_active(actor=SYSTEM, user=resident.user, active=False)

    assert not UserSession.objects.filter(user_id=resident.user_id).exists()
    assert client.get(PROFILE).status_code == 302
    assert _bearer(token).get("/api/v1/me/").status_code == 401
    assert web_login(Client(), resident.phone).status_code == 200  # refused, same message as a wrong password


def test_deactivation_through_the_admin_is_not_possible(resident):
    from django.contrib import admin

    from mulin.accounts.admin import UserAdmin

    model_admin = UserAdmin(User, admin.site)
    assert not model_admin.has_change_permission(None, resident.user)
    assert not model_admin.has_delete_permission(None, resident.user)
    assert not model_admin.has_add_permission(None)
    assert "password" not in model_admin.fields
