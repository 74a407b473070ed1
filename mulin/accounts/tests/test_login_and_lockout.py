"""Signing in by mobile number, the uniform refusal, the 5-failure / 30-minute lockout per account,
and the much higher per-address limit that pauses a network without locking anyone (web and API)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from mulin.accounts.tests.helpers import WRONG_PASSWORD, api_login, is_signed_in, web_login
from mulin.core.models import AuditEvent
from mulin.organizations.services import account_set_active
from mulin.organizations.tests.factories import SYSTEM, TEST_PASSWORD, make_person

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


@pytest.fixture
def resident(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.nanyuan_building, with_account=True)


def _typed_variants(phone: str) -> list[str]:
    return [
        phone,
        phone.translate(FULL_WIDTH),
        f"+86 {phone}",
        f"+86{phone}".translate(FULL_WIDTH),
        f"0086-{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f" {phone} ",
    ]


# --- signing in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", range(6))
def test_web_login_accepts_the_phone_however_typed(client, resident, variant):
    response = web_login(client, _typed_variants(resident.phone)[variant])

    assert response.status_code == 302
    assert response.url == "/"
    assert int(client.session["_auth_user_id"]) == resident.user_id


@pytest.mark.parametrize("variant", range(6))
def test_api_token_accepts_the_phone_however_typed(api_client, resident, variant):
    response = api_login(api_client, _typed_variants(resident.phone)[variant])

    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200


def test_login_redirects_to_a_safe_next_url_only(client, resident):
    response = client.post("/accounts/login/?next=/org/", {"phone": resident.phone, "password": TEST_PASSWORD})
    assert response.url == "/org/"

    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.logout()
        response = client.post("/accounts/login/", {"phone": resident.phone, "password": TEST_PASSWORD, "next": evil})
        assert response.url == "/"


def _web_error(response) -> str:  # type: ignore[no-untyped-def]
    return response.context["form"].non_field_errors()[0]


def test_unknown_number_and_wrong_password_get_the_same_message(client, resident, street):
    inactive = make_person(home=street.nanyuan_building, with_account=True)
    account_set_active(actor=SYSTEM, user=inactive.user, active=False)

    wrong_password = web_login(client, resident.phone, WRONG_PASSWORD)
    unknown = web_login(client, "13999999999")
    disabled = web_login(client, inactive.phone)
    not_a_number = web_login(client, "hello")

    assert {r.status_code for r in (wrong_password, unknown, disabled, not_a_number)} == {200}
    assert _web_error(wrong_password) == _web_error(unknown) == _web_error(disabled) == _web_error(not_a_number)
    assert not is_signed_in(client)


def test_api_gives_the_same_answer_for_unknown_number_and_wrong_password(api_client, resident):
    wrong_password = api_login(api_client, resident.phone, WRONG_PASSWORD)
    unknown = api_login(api_client, "13999999999")

    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()
    assert wrong_password.json()["code"] == "invalid_credentials"
    assert wrong_password["WWW-Authenticate"].startswith("Bearer")


def test_api_token_request_with_missing_fields_is_400(api_client):
    response = api_client.post("/api/v1/auth/token/", {"phone": "13800138000"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_failed_and_successful_logins_are_audited_without_the_number(client, resident):
    web_login(client, resident.phone, WRONG_PASSWORD)
    web_login(client, resident.phone)

    failed = AuditEvent.objects.get(verb="login.failed")
    succeeded = AuditEvent.objects.get(verb="login.succeeded")
    assert failed.outcome == "fail"
    assert (failed.target_type, failed.target_id) == ("organizations.person", str(resident.pk))  # the account aimed at
    assert failed.data == {"locked": False, "known_account": True}
    assert succeeded.actor_user_id == resident.user_id
    for event in (failed, succeeded):
        assert resident.phone not in str(event.data)
        assert resident.phone[-4:] not in str(event.data)


# --- lockout ------------------------------------------------------------------------------------


def _fail_web(client, phone: str, times: int = 5, **extra):  # type: ignore[no-untyped-def]
    return [web_login(client, phone, WRONG_PASSWORD, **extra) for _ in range(times)]


def _fail_api(api_client, phone: str, times: int = 5, **extra):  # type: ignore[no-untyped-def]
    return [api_login(api_client, phone, WRONG_PASSWORD, **extra) for _ in range(times)]


def test_four_failures_do_not_lock(client, resident):
    _fail_web(client, resident.phone, times=4)

    assert web_login(client, resident.phone).status_code == 302
    assert is_signed_in(client)


def test_five_web_failures_lock_the_account_and_the_right_password_is_refused(client, resident):
    responses = _fail_web(client, resident.phone)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    sixth = web_login(client, resident.phone)
    assert sixth.status_code == 429
    assert "30" in sixth.content.decode()
    assert not is_signed_in(client)


def test_five_api_failures_lock_the_account_and_the_right_password_is_refused(api_client, resident):
    responses = _fail_api(api_client, resident.phone)

    assert [r.status_code for r in responses] == [401, 401, 401, 401, 429]
    sixth = api_login(api_client, resident.phone)
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "locked"
    assert "token" not in sixth.json()


def test_web_failures_lock_the_api_too(client, api_client, resident):
    _fail_web(client, resident.phone)

    assert api_login(api_client, resident.phone).status_code == 429


def test_account_lock_holds_from_every_address(client, resident):
    for n in range(5):
        web_login(client, resident.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.0.{n + 1}")

    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.9.9").status_code == 429


def test_account_lock_counts_however_the_number_is_typed(client, resident):
    for variant in _typed_variants(resident.phone)[:5]:
        web_login(client, variant, WRONG_PASSWORD, REMOTE_ADDR=f"10.1.0.{len(variant)}")

    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.9.9").status_code == 429


def test_five_failures_for_unknown_numbers_from_one_address_do_not_stop_a_right_password(client, resident):
    for n in range(5):
        web_login(client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66")

    response = web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_five_api_failures_for_unknown_numbers_from_one_address_do_not_stop_a_right_password(
    client, api_client, resident
):
    responses = [api_login(api_client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66") for n in range(5)]

    assert [r.status_code for r in responses] == [401] * 5
    assert api_login(api_client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 200
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 302
    assert is_signed_in(client)


def test_other_accounts_failures_from_one_address_do_not_lock_a_right_password(client, api_client, street, resident):
    others = [make_person(home=street.nanyuan_building, with_account=True) for _ in range(6)]
    for other in others:
        web_login(client, other.phone, WRONG_PASSWORD, REMOTE_ADDR="10.0.0.66")

    assert api_login(api_client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 200
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 302


@pytest.fixture
def network_limit(settings):  # type: ignore[no-untyped-def]
    settings.MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 6
    return 6


def test_the_address_limit_pauses_its_network_with_its_own_message(client, api_client, resident, network_limit):
    for n in range(network_limit):
        web_login(client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66")

    web = web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66")
    api = api_login(api_client, resident.phone, REMOTE_ADDR="10.0.0.66")

    assert web.status_code == 429
    assert "network" in web.context["locked_message"]
    assert "30 minutes" not in web.content.decode()
    assert not is_signed_in(client)
    assert api.status_code == 429
    assert api.json()["code"] == "network_limited"
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.67").status_code == 302


def test_the_address_limit_counts_failures_of_the_last_hour_only(client, resident, network_limit):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(network_limit):
            web_login(client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66")
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 302


def test_forwarded_for_header_does_not_change_the_address(client, resident, network_limit):
    for n in range(network_limit):
        web_login(client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")

    response = web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert response.status_code == 429


def test_success_resets_the_account_failures(client, resident):
    _fail_web(client, resident.phone, times=4, REMOTE_ADDR="10.0.0.1")
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()

    _fail_web(client, resident.phone, times=4, REMOTE_ADDR="10.0.0.3")

    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.4").status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()


def test_lockout_ends_after_30_minutes(client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_web(client, resident.phone)
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert web_login(client, resident.phone).status_code == 429
    # The refused attempt at minute 29 counts as a failure and restarts the 30 minutes.
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert web_login(client, resident.phone).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        assert web_login(client, resident.phone).status_code == 302
        assert is_signed_in(client)


def test_lockout_without_further_attempts_ends_after_30_minutes(api_client, resident):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_api(api_client, resident.phone)
    with time_machine.travel(start + dt.timedelta(minutes=30, seconds=1), tick=False):
        assert api_login(api_client, resident.phone).status_code == 200


def test_stored_lockout_records_hold_no_phone_number(client, api_client, resident):
    _fail_web(client, resident.phone, times=3)
    _fail_api(api_client, f"+86 {resident.phone}", times=2)
    web_login(client, "13999999999")
    _fail_web(client, resident.phone, times=1)  # during the lockout

    assert AccessAttempt.objects.exists()
    assert AccessFailureLog.objects.exists()
    stored = [
        str(row)
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
        for row in model.objects.values_list()  # every column
    ]
    for text in stored:
        assert resident.phone not in text
        assert resident.phone[3:] not in text
        assert "13999999999" not in text
        assert TEST_PASSWORD not in text
        assert WRONG_PASSWORD not in text


def test_lockout_is_audited(client, resident):
    _fail_web(client, resident.phone)

    events = AuditEvent.objects.filter(verb="login.failed").order_by("id")
    assert [event.data["locked"] for event in events] == [False, False, False, False, True]


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, street, resident, network_limit):
    victims = [make_person(home=street.nanyuan_building, with_account=True) for _ in range(network_limit)]
    for victim in victims[:-1]:
        web_login(client, victim.phone, WRONG_PASSWORD, REMOTE_ADDR="10.0.0.66")
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 302  # the attacker's own
    client.logout()

    web_login(client, victims[-1].phone, WRONG_PASSWORD, REMOTE_ADDR="10.0.0.66")

    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 429
