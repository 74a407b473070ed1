"""Sign-in accounts given out by staff: a new account or a reset password is a one-time code,
and the person chooses their own password at the next sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.accounts.models import User, UserSession
from mulin.accounts.tests.helpers import api_login, is_signed_in, web_login
from mulin.core.models import AuditEvent
from mulin.notifications.sms import MemorySmsBackend
from mulin.organizations.models import Person, Role
from mulin.organizations.tests.factories import TEST_PASSWORD, make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Plum-Blossom-2024"


@pytest.fixture
def world(street):  # type: ignore[no-untyped-def]
    return {
        "street": street,
        "worker": make_person(
            home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, with_account=True
        ),
        "admin": make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street, with_account=True),
        "newcomer": make_person(home=street.nanyuan_building, full_name="李大爷", phone="13900001111"),
        "resident": make_person(home=street.nanyuan_building, phone="13900002222", with_account=True),
        "cuiyu": make_person(home=street.cuiyu_building),
    }


def _web(person: Person) -> Client:
    client = Client()
    sign_in(client, person)
    return client


def _open(world, whom: str = "newcomer") -> str:  # type: ignore[no-untyped-def]
    response = _web(world["worker"]).post(reverse("organizations:account_open", args=[world[whom].pk]))
    assert response.status_code == 200
    return response.context["issued"].code


def test_opening_an_account_shows_the_code_once_and_texts_it(world, django_capture_on_commit_callbacks):
    newcomer = world["newcomer"]

    with django_capture_on_commit_callbacks(execute=True):
        code = _open(world)

    newcomer.refresh_from_db()
    assert len(code) == 8 and code.isdigit()
    assert newcomer.user is not None
    assert (newcomer.user.must_change_password, newcomer.user.check_password(code)) == (True, True)
    assert [(phone, code in text) for phone, text in MemorySmsBackend.outbox] == [("13900001111", True)]
    event = AuditEvent.objects.get(verb="account.created", target_id=str(newcomer.pk))
    assert code not in str(event.data)


def test_signing_in_with_the_code_leads_to_choosing_a_password_and_nothing_else(world):
    code = _open(world)
    client = Client()

    web_login(client, "13900001111", code)
    blocked = client.get(reverse("web:home"))
    chosen = client.post(
        reverse("accounts:password_set"), {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    )
    home = client.get(reverse("web:home"))

    assert blocked.status_code == 302 and blocked["Location"] == reverse("accounts:password_set")
    assert chosen.status_code == 302
    assert home.status_code == 200
    user = User.objects.get(person=world["newcomer"])
    assert (user.must_change_password, user.one_time_code_until) == (False, None)
    assert not web_login(Client(), "13900001111", code).wsgi_request.user.is_authenticated
    assert is_signed_in(client)


def test_a_weak_new_password_is_refused_beside_its_field(world):
    code = _open(world)
    client = Client()
    web_login(client, "13900001111", code)

    response = client.post(reverse("accounts:password_set"), {"new_password": "123", "new_password_again": "123"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]
    assert User.objects.get(person=world["newcomer"]).must_change_password is True


def test_an_expired_code_does_not_sign_in(world):
    code = _open(world)
    User.objects.filter(person=world["newcomer"]).update(one_time_code_until=timezone.now() - dt.timedelta(minutes=1))
    client = Client()

    web_login(client, "13900001111", code)

    assert not is_signed_in(client)


def test_a_person_without_a_phone_gets_no_account(world):
    nophone = make_person(home=world["street"].nanyuan_building, phone="")
    users = User.objects.count()

    response = _web(world["worker"]).post(reverse("organizations:account_open", args=[nophone.pk]))

    assert response.status_code == 302
    assert User.objects.count() == users
    assert MemorySmsBackend.outbox == []


def test_a_second_account_is_not_opened(world):
    resident = world["resident"]
    users = User.objects.count()

    _web(world["worker"]).post(reverse("organizations:account_open", args=[resident.pk]))

    assert User.objects.count() == users
    assert User.objects.get(person=resident).check_password(TEST_PASSWORD)


def test_staff_reset_replaces_the_password_ends_sessions_and_forces_a_change(world):
    resident = world["resident"]
    their_browser = Client()
    web_login(their_browser, "13900002222")
    AuthToken.objects.create(user=resident.user)

    response = _web(world["worker"]).post(reverse("organizations:password_reset", args=[resident.pk]))

    code = response.context["issued"].code
    user = User.objects.get(person=resident)
    assert (user.check_password(TEST_PASSWORD), user.check_password(code), user.must_change_password) == (
        False,
        True,
        True,
    )
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert not AuthToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(verb="account.password_reset", target_id=str(resident.pk)).count() == 1


@pytest.mark.parametrize(("whom", "status"), [("admin", 403), ("worker", 403), ("cuiyu", 404)])
def test_worker_cannot_reset_a_more_powerful_account_their_own_or_another_communitys(world, whom, status):
    target = world[whom]
    passwords = sorted(User.objects.values_list("pk", "password"))

    response = _web(world["worker"]).post(reverse("organizations:password_reset", args=[target.pk]))

    assert response.status_code == status
    assert sorted(User.objects.values_list("pk", "password")) == passwords
    assert MemorySmsBackend.outbox == []


def test_street_admin_may_reset_a_workers_password(world):
    response = _web(world["admin"]).post(reverse("organizations:password_reset", args=[world["worker"].pk]))

    assert response.status_code == 200
    assert User.objects.get(person=world["worker"]).must_change_password is True


def test_api_opens_an_account_and_the_token_endpoint_asks_for_a_password_first(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=world['worker'].user)[1]}")

    opened = client.post(reverse("api:person-account", args=[world["newcomer"].pk]))
    again = client.post(reverse("api:person-account", args=[world["newcomer"].pk]))
    token = api_login(APIClient(), "13900001111", opened.json()["code"])

    assert (opened.status_code, opened.json()["texted"]) == (201, True)
    assert opened["Cache-Control"].startswith("no-store")
    assert (again.status_code, again.json()["code"]) == (409, "account_exists")
    assert (token.status_code, token.json()["code"]) == (401, "password_change_required")
