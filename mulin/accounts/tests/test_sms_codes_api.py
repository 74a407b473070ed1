"""The codes texted to a registered number, through the API (/api/v1/auth/…): the pages' answers
and limits (test_sms_codes.py) for a client that is not a browser."""

from __future__ import annotations

import re

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.accounts.models import SignInCode, User
from mulin.accounts.tests.helpers import api_login
from mulin.notifications.sms import MemorySmsBackend
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import TEST_PASSWORD, make_person

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Plum-Blossom-2024"
RESIDENT_PHONE, STAFF_PHONE, UNKNOWN_PHONE = "13900003333", "13900004444", "13900009999"
FORGOT, RESET = "/api/v1/auth/password/forgot/", "/api/v1/auth/password/forgot/reset/"
SMS_CODE, SMS_TOKEN = "/api/v1/auth/sms-code/", "/api/v1/auth/sms-code/token/"


@pytest.fixture
def people(street):  # type: ignore[no-untyped-def]
    return {
        "resident": make_person(home=street.nanyuan_building, phone=RESIDENT_PHONE, with_account=True),
        "worker": make_person(
            home=street.nanyuan_building,
            phone=STAFF_PHONE,
            role=Role.COMMUNITY_WORKER,
            at=street.nanyuan,
            with_account=True,
        ),
    }


@pytest.fixture
def ask(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Ask for a code as a fresh client, running the after-commit text at once."""

    def ask(url: str, phone: str, **extra: str):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return APIClient().post(url, {"phone": phone}, format="json", **extra)

    return ask


def code_for(phone: str) -> str:
    text = [text for to, text in MemorySmsBackend.outbox if to == phone][-1]
    match = re.search(r"\d{6}", text)
    assert match is not None
    return match.group(0)


# --- forgot password ----------------------------------------------------------------------------


def test_forgot_password_by_api_sets_a_new_password_and_ends_every_token(people, ask):
    old_token = api_login(APIClient(), RESIDENT_PHONE).json()["token"]

    answer = ask(FORGOT, RESIDENT_PHONE)
    response = APIClient().post(
        RESET,
        {
            "phone": RESIDENT_PHONE,
            "code": code_for(RESIDENT_PHONE),
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        format="json",
    )

    assert answer.status_code == 202
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=people["resident"].user_id)
    assert (user.check_password(NEW_PASSWORD), user.check_password(TEST_PASSWORD)) == (True, False)
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {old_token}").status_code == 401
    assert api_login(APIClient(), RESIDENT_PHONE, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize("url", [FORGOT, SMS_CODE])
def test_an_unknown_number_gets_the_same_answer_and_no_text(people, ask, url):
    known = ask(url, RESIDENT_PHONE)
    MemorySmsBackend.outbox.clear()

    unknown = ask(url, UNKNOWN_PHONE)

    assert (
        (unknown.status_code, unknown.json())
        == (known.status_code, known.json())
        == (
            202,
            {"detail": "If this number is registered, a text message with a code is on its way."},
        )
    )
    assert MemorySmsBackend.outbox == []


def test_a_wrong_code_changes_no_password_and_says_so_by_field(people, ask):
    ask(FORGOT, RESIDENT_PHONE)
    wrong = f"{(int(code_for(RESIDENT_PHONE)) + 1) % 10**6:06d}"

    response = APIClient().post(
        RESET,
        {"phone": RESIDENT_PHONE, "code": wrong, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["This code is not valid. Ask for a new one."]}
    assert User.objects.get(pk=people["resident"].user_id).check_password(TEST_PASSWORD)


def test_an_unknown_number_and_a_wrong_code_get_one_answer(people, ask):
    ask(FORGOT, RESIDENT_PHONE)
    body = {"code": "000000", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}

    known = APIClient().post(RESET, {**body, "phone": RESIDENT_PHONE}, format="json")
    unknown = APIClient().post(RESET, {**body, "phone": UNKNOWN_PHONE}, format="json")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_asking_too_often_for_one_number_is_limited_and_sends_nothing_more(people, ask, settings):
    settings.MULIN_SMS_CODES_PER_NUMBER = 2

    answers = [ask(FORGOT, RESIDENT_PHONE) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert len(MemorySmsBackend.outbox) == 2


def test_asking_too_often_from_one_address_is_limited_for_unknown_numbers_too(people, ask, settings):
    settings.MULIN_SMS_CODES_PER_ADDRESS = 2

    answers = [ask(SMS_CODE, f"1390000{n:04d}", REMOTE_ADDR="10.0.0.77").status_code for n in range(3)]

    assert answers == [202, 202, 429]
    assert ask(SMS_CODE, RESIDENT_PHONE, REMOTE_ADDR="10.0.0.78").status_code == 202  # another network


# --- signing in with a code ---------------------------------------------------------------------


def test_a_resident_gets_a_token_for_a_texted_code_once(people, ask):
    ask(SMS_CODE, RESIDENT_PHONE)
    body = {"phone": RESIDENT_PHONE, "code": code_for(RESIDENT_PHONE)}

    response = APIClient().post(SMS_TOKEN, body, format="json")
    replay = APIClient().post(SMS_TOKEN, body, format="json")

    assert response.status_code == 200, response.content
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.status_code == 200
    assert (replay.status_code, replay.json()["code"]) == (401, "invalid_code")
    assert AuthToken.objects.filter(user_id=people["resident"].user_id).count() == 1


def test_staff_get_no_sign_in_code_and_the_same_answer(people, ask):
    resident = ask(SMS_CODE, RESIDENT_PHONE)
    MemorySmsBackend.outbox.clear()

    staff = ask(SMS_CODE, STAFF_PHONE)

    assert (staff.status_code, staff.json()) == (resident.status_code, resident.json())
    assert MemorySmsBackend.outbox == []
    worker_index = SignInCode.objects.exclude(phone_index=SignInCode.objects.get().phone_index)
    assert not worker_index.exists()


def test_a_password_reset_code_gives_no_token(people, ask):
    ask(FORGOT, RESIDENT_PHONE)

    response = APIClient().post(SMS_TOKEN, {"phone": RESIDENT_PHONE, "code": code_for(RESIDENT_PHONE)}, format="json")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_an_account_that_must_choose_a_password_gets_no_token(people, ask):
    User.objects.filter(pk=people["resident"].user_id).update(must_change_password=True)
    ask(SMS_CODE, RESIDENT_PHONE)

    response = APIClient().post(SMS_TOKEN, {"phone": RESIDENT_PHONE, "code": code_for(RESIDENT_PHONE)}, format="json")

    assert (response.status_code, response.json()["code"]) == (401, "password_change_required")
    assert not AuthToken.objects.exists()
