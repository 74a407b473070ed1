"""Forgot password by a texted code, and signing in with a texted code (验证码登录) for residents,
members and volunteers; staff keep password and second factor."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from mulin.accounts.models import SignInCode, User, UserSession
from mulin.accounts.tests.helpers import is_signed_in, web_login
from mulin.core.models import AuditEvent
from mulin.notifications.sms import MemorySmsBackend
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import TEST_PASSWORD, make_person

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Plum-Blossom-2024"
RESIDENT_PHONE, STAFF_PHONE, UNKNOWN_PHONE = "13900003333", "13900004444", "13900009999"


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
def texts(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the after-commit sends of each request at once; the texts sent so far."""

    class Texts:
        def ask(self, client: Client, url_name: str, phone: str):  # type: ignore[no-untyped-def]
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(reverse(url_name), {"phone": phone})

        def code_for(self, phone: str) -> str:
            text = [text for to, text in MemorySmsBackend.outbox if to == phone][-1]
            match = re.search(r"\d{6}", text)
            assert match is not None
            return match.group(0)

    return Texts()


def _answer(response) -> tuple:  # type: ignore[no-untyped-def]
    return response.status_code, response["Location"], [str(m) for m in response.wsgi_request._messages]


# --- forgot password ----------------------------------------------------------------------------


def test_forgot_password_texts_a_code_that_sets_a_new_password_and_ends_sessions(people, texts):
    resident = people["resident"]
    other_device = Client()
    web_login(other_device, RESIDENT_PHONE)
    client = Client()

    texts.ask(client, "accounts:password_forgot", RESIDENT_PHONE)
    code = texts.code_for(RESIDENT_PHONE)
    response = client.post(
        reverse("accounts:password_forgot_reset"),
        {"code": code, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:login"))
    user = User.objects.get(pk=resident.user_id)
    assert (user.check_password(NEW_PASSWORD), user.check_password(TEST_PASSWORD)) == (True, False)
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert AuditEvent.objects.filter(verb="password.reset_by_sms").count() == 1


def test_an_unknown_number_gets_the_same_answer_and_no_text(people, texts):
    known = texts.ask(Client(), "accounts:password_forgot", RESIDENT_PHONE)
    MemorySmsBackend.outbox.clear()

    unknown = texts.ask(Client(), "accounts:password_forgot", UNKNOWN_PHONE)

    assert _answer(unknown) == _answer(known)
    assert MemorySmsBackend.outbox == []


def test_a_code_dies_after_five_wrong_tries(people, texts):
    client = Client()
    texts.ask(client, "accounts:password_forgot", RESIDENT_PHONE)
    code = texts.code_for(RESIDENT_PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    body = {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}

    for _attempt in range(5):
        client.post(reverse("accounts:password_forgot_reset"), {**body, "code": wrong})
    response = client.post(reverse("accounts:password_forgot_reset"), {**body, "code": code})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert User.objects.get(pk=people["resident"].user_id).check_password(TEST_PASSWORD)


def test_asking_too_often_for_one_number_is_limited_and_sends_nothing_more(people, texts, settings):
    settings.MULIN_SMS_CODES_PER_NUMBER = 2
    answers = [texts.ask(Client(), "accounts:password_forgot", RESIDENT_PHONE).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert len(MemorySmsBackend.outbox) == 2


def test_asking_too_often_from_one_address_is_limited_for_unknown_numbers_too(people, texts, settings):
    settings.MULIN_SMS_CODES_PER_ADDRESS = 2
    client = Client()

    answers = [texts.ask(client, "accounts:password_forgot", f"1390000{n:04d}").status_code for n in range(3)]

    assert answers == [302, 302, 429]


# --- signing in with a code ---------------------------------------------------------------------


def test_a_resident_signs_in_with_a_texted_code_once(people, texts):
    client = Client()

    texts.ask(client, "accounts:login_sms", RESIDENT_PHONE)
    code = texts.code_for(RESIDENT_PHONE)
    response = client.post(reverse("accounts:login_sms_verify"), {"code": code})

    assert response.status_code == 302
    assert is_signed_in(client)
    assert SignInCode.objects.get().used_at is not None
    replay = Client()
    session = replay.session
    session["mulin_code_phone"] = RESIDENT_PHONE
    session.save()
    replay.post(reverse("accounts:login_sms_verify"), {"code": code})
    assert not is_signed_in(replay)


def test_staff_get_no_sign_in_code_and_the_same_answer(people, texts):
    resident_answer = texts.ask(Client(), "accounts:login_sms", RESIDENT_PHONE)
    MemorySmsBackend.outbox.clear()

    staff_answer = texts.ask(Client(), "accounts:login_sms", STAFF_PHONE)

    assert _answer(staff_answer) == _answer(resident_answer)
    assert MemorySmsBackend.outbox == []
    assert not SignInCode.objects.filter(purpose="sign_in").exclude(
        phone_index=SignInCode.objects.order_by("pk").first().phone_index  # type: ignore[union-attr]
    )


def test_a_password_reset_code_does_not_sign_in(people, texts):
    client = Client()
    texts.ask(client, "accounts:password_forgot", RESIDENT_PHONE)
    code = texts.code_for(RESIDENT_PHONE)
    session = client.session
    session["mulin_code_phone"] = RESIDENT_PHONE
    session.save()

    client.post(reverse("accounts:login_sms_verify"), {"code": code})

    assert not is_signed_in(client)
