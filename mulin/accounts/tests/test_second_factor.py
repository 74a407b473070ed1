"""TOTP for staff and administrators: enrolment, the code step, its 5-minute window, demo
accounts, the API and the Django admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mulin.accounts import services
from mulin.accounts.models import User
from mulin.accounts.tests.helpers import api_login, is_signed_in, totp_code, web_login, wrong_code
from mulin.core.models import AuditEvent
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import make_person

pytestmark = pytest.mark.django_db

ENROL = "/accounts/login/enrol/"
VERIFY = "/accounts/login/verify/"
ADMIN = "/system/django-admin/"


@pytest.fixture
def worker(street):  # type: ignore[no-untyped-def]
    """Staff without an authenticator yet."""
    return make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)


def _confirmed_device(person) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=person.user, name="default", confirmed=True)


@pytest.fixture
def enrolled_worker(worker):  # type: ignore[no-untyped-def]
    _confirmed_device(worker)
    return worker


def _later(seconds: int = 31):  # type: ignore[no-untyped-def]
    """A moment when the authenticator shows a new code and throttling has passed."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def _second_factor_passed(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- who needs it -------------------------------------------------------------------------------


def test_staff_roles_need_a_second_factor_and_residents_do_not(street, worker):
    resident = make_person(home=street.nanyuan_building, with_account=True)

    assert User.objects.get(pk=worker.user_id).needs_second_factor
    assert not User.objects.get(pk=resident.user_id).needs_second_factor
    assert web_login(Client(), resident.phone).url == "/"


# --- enrolment ----------------------------------------------------------------------------------


def test_staff_without_a_device_are_sent_to_enrolment_with_a_qr_code(client, worker):
    response = web_login(client, worker.phone)

    assert response.status_code == 302
    assert response.url == ENROL
    assert not is_signed_in(client)
    page = client.get(ENROL)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'src="data:image/svg+xml' in content
    assert 'data-testid="totp-secret"' in content
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_correct_code_from_the_authenticator_completes_enrolment_and_signs_in(client, worker):
    web_login(client, worker.phone)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)

    response = client.post(ENROL, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response.url == "/"
    assert is_signed_in(client)
    assert _second_factor_passed(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(verb="mfa.enrolled", actor_user_id=worker.user_id).count() == 1
    assert AuditEvent.objects.get(verb="login.succeeded").data == {"second_factor": True}


def test_wrong_code_does_not_complete_enrolment(client, worker):
    web_login(client, worker.phone)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)

    response = client.post(ENROL, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not is_signed_in(client)
    device.refresh_from_db()
    assert not device.confirmed


def test_reloading_enrolment_keeps_the_same_secret(client, worker):
    web_login(client, worker.phone)
    first = client.get(ENROL).context["secret"]

    assert client.get(ENROL).context["secret"] == first
    assert TOTPDevice.objects.filter(user=worker.user).count() == 1


def test_enrolment_cannot_replace_a_confirmed_device_with_the_password_alone(client, enrolled_worker):
    original = TOTPDevice.objects.get(user=enrolled_worker.user)
    response = web_login(client, enrolled_worker.phone)
    assert response.url == VERIFY

    assert client.get(ENROL).url == VERIFY
    attacker_device = TOTPDevice.objects.create(user=enrolled_worker.user, name="attacker", confirmed=False)
    response = client.post(ENROL, {"code": totp_code(attacker_device)})

    assert response.url == VERIFY
    assert not is_signed_in(client)
    assert not services.totp_confirm(attacker_device, totp_code(attacker_device))
    assert TOTPDevice.objects.get(pk=original.pk).confirmed
    attacker_device.refresh_from_db()
    assert not attacker_device.confirmed


def test_enrolment_page_needs_the_password_step_first(client, worker):
    assert client.get(ENROL).url == "/accounts/login/"
    assert not TOTPDevice.objects.exists()


# --- the code step ------------------------------------------------------------------------------


def test_enrolled_staff_are_asked_for_a_code_and_a_correct_one_signs_in(client, enrolled_worker):
    response = web_login(client, enrolled_worker.phone)
    assert response.url == VERIFY
    assert not is_signed_in(client)
    assert client.get("/me/").status_code == 302  # the password step alone is not a session

    device = TOTPDevice.objects.get(user=enrolled_worker.user)
    response = client.post(VERIFY, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response.url == "/"
    assert is_signed_in(client)
    assert _second_factor_passed(client)


def test_wrong_code_does_not_sign_in(client, enrolled_worker):
    web_login(client, enrolled_worker.phone)
    device = TOTPDevice.objects.get(user=enrolled_worker.user)

    for code in (wrong_code(device), "abcdef", "12345", ""):
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
    assert not is_signed_in(client)


def test_correct_code_after_a_wrong_one_signs_in_once_throttling_passes(client, enrolled_worker):
    web_login(client, enrolled_worker.phone)
    device = TOTPDevice.objects.get(user=enrolled_worker.user)
    client.post(VERIFY, {"code": wrong_code(device)})

    with _later(seconds=5):
        response = client.post(VERIFY, {"code": totp_code(device)})

    assert response.url == "/"
    assert is_signed_in(client)


def test_a_code_works_only_once(enrolled_worker):
    device = TOTPDevice.objects.get(user=enrolled_worker.user)
    code = totp_code(device)
    first, second = Client(), Client()
    web_login(first, enrolled_worker.phone)
    web_login(second, enrolled_worker.phone)

    assert first.post(VERIFY, {"code": code}).url == "/"
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert not is_signed_in(second)


def test_code_step_expires_after_5_minutes(client, enrolled_worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, enrolled_worker.phone)
    with time_machine.travel(start + dt.timedelta(minutes=4, seconds=50), tick=False):
        assert client.get(VERIFY).status_code == 200

    with time_machine.travel(start + dt.timedelta(minutes=5, seconds=5), tick=False):
        device = TOTPDevice.objects.get(user=enrolled_worker.user)
        response = client.post(VERIFY, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not is_signed_in(client)


def test_enrolment_step_expires_after_5_minutes(client, worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        web_login(client, worker.phone)
        client.get(ENROL)
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        device = TOTPDevice.objects.get(user=worker.user)
        response = client.post(ENROL, {"code": totp_code(device)})

    assert response.url == "/accounts/login/"
    assert not is_signed_in(client)


def test_code_step_keeps_a_safe_next_url(client, enrolled_worker):
    client.post("/accounts/login/", {"phone": enrolled_worker.phone, "password": "Correct-Horse-9", "next": "/org/"})
    device = TOTPDevice.objects.get(user=enrolled_worker.user)

    assert client.post(VERIFY, {"code": totp_code(device)}).url == "/org/"


# --- demo accounts ------------------------------------------------------------------------------


@pytest.fixture
def demo_worker(worker):  # type: ignore[no-untyped-def]
    User.objects.filter(pk=worker.user_id).update(is_demo=True)
    return worker


def test_demo_account_needs_the_second_factor_outside_demo_mode(settings, client, demo_worker):
    settings.MULIN_DEMO = False

    assert web_login(client, demo_worker.phone).url == ENROL
    assert not is_signed_in(client)
    assert api_login(client, demo_worker.phone).status_code == 401


def test_demo_account_skips_the_second_factor_in_demo_mode(settings, client, api_client, demo_worker):
    settings.MULIN_DEMO = True

    assert web_login(client, demo_worker.phone).url == "/"
    assert is_signed_in(client)
    assert api_login(api_client, demo_worker.phone).status_code == 200


def test_real_staff_need_the_second_factor_even_in_demo_mode(settings, client, worker):
    settings.MULIN_DEMO = True

    assert web_login(client, worker.phone).url == ENROL


def test_demo_mode_is_announced(settings, client):
    settings.MULIN_DEMO = True

    assert 'class="demo-banner"' in client.get("/accounts/login/").content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_refuses_staff_token_without_a_code(api_client, enrolled_worker):
    response = api_login(api_client, enrolled_worker.phone)

    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"


def test_api_refuses_staff_token_with_a_wrong_code(api_client, enrolled_worker):
    device = TOTPDevice.objects.get(user=enrolled_worker.user)

    response = api_login(api_client, enrolled_worker.phone, otp=wrong_code(device))

    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"


def test_api_gives_staff_a_token_with_a_valid_code(api_client, enrolled_worker):
    device = TOTPDevice.objects.get(user=enrolled_worker.user)

    response = api_login(api_client, enrolled_worker.phone, otp=totp_code(device))

    assert response.status_code == 200
    assert response.json()["token"]


def test_api_asks_staff_without_a_device_to_enrol_on_the_web(api_client, worker):
    response = api_login(api_client, worker.phone, otp="123456")

    assert response.status_code == 401
    assert response.json()["code"] == "otp_setup_required"
    assert not TOTPDevice.objects.exists()


# --- Django admin -------------------------------------------------------------------------------


@pytest.fixture
def system_admin(street):  # type: ignore[no-untyped-def]
    person = make_person(home=street.nanyuan_building, role=Role.SYSTEM_ADMIN, at=street.street, with_account=True)
    _confirmed_device(person)
    return person


def _full_login(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    web_login(client, person.phone)
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    assert client.post(VERIFY, {"code": totp_code(device)}).url == "/"


def test_admin_opens_for_a_system_admin_after_the_second_factor(client, system_admin):
    _full_login(client, system_admin)

    response = client.get(ADMIN)

    assert response.status_code == 200


def test_admin_stays_closed_to_a_system_admin_without_the_second_factor(client, system_admin):
    client.force_login(system_admin.user)

    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[0][1] == 302
    assert not response.request["PATH_INFO"].startswith(ADMIN)


@pytest.mark.parametrize("role", [Role.STREET_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_admin_stays_closed_to_other_administrators(client, street, role):
    person = make_person(home=street.nanyuan_building, role=role, at=street.street, with_account=True)
    _confirmed_device(person)
    _full_login(client, person)

    assert client.get(ADMIN).status_code == 302
    assert client.get(f"{ADMIN}accounts/user/").status_code == 302


def test_admin_stays_closed_to_residents_and_anonymous(client, street):
    resident = make_person(home=street.nanyuan_building, with_account=True)

    assert client.get(ADMIN).status_code == 302
    web_login(client, resident.phone)
    assert client.get(ADMIN).status_code == 302


def test_admin_login_page_sends_people_to_the_real_sign_in(client):
    response = client.get(f"{ADMIN}login/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- a password-only session that later needs a second factor ------------------------------------


def test_password_only_session_ends_when_the_account_later_needs_a_second_factor(street, client):
    # given a resident signed in with the password alone
    resident = make_person(home=street.cuiyu_building, with_account=True)
    web_login(client, resident.phone)
    assert is_signed_in(client)
    # when the account becomes staff without the role service's session purge (e.g. a direct change)
    User.objects.filter(pk=resident.user_id).update(needs_second_factor=True)

    response = client.get("/")

    # then the next request signs them out and asks them to sign in again
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not is_signed_in(client)


def test_password_only_session_continues_while_no_second_factor_is_needed(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    web_login(client, resident.phone)

    assert client.get("/").status_code == 200
    assert is_signed_in(client)
