"""TOKEN_LIMIT_PER_USER holds: a sign-in beyond it ends the oldest tokens (issue 9, item 11)."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.accounts.services import api_token_issue, api_token_limit
from mulin.accounts.tests.helpers import api_login
from mulin.core.models import AuditEvent
from mulin.core.tests.threads import run_at_once
from mulin.organizations.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.nanyuan_building, with_account=True)


def _works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/me/").status_code == 200


def test_the_limit_is_ten(settings):  # type: ignore[no-untyped-def]
    assert settings.REST_KNOX["TOKEN_LIMIT_PER_USER"] == 10
    assert api_token_limit() == 10


def test_twelve_sign_ins_leave_ten_valid_tokens_the_newest(resident):  # type: ignore[no-untyped-def]
    # Given ten valid tokens, issued one after another
    start = timezone.now()
    tokens = []
    for minute in range(11):
        with time_machine.travel(start + timezone.timedelta(minutes=minute), tick=False):
            tokens.append(api_token_issue(resident.user)["token"])
    # When the twelfth sign-in goes through the API
    twelfth = api_login(APIClient(), resident.phone)

    # Then it succeeds, ten tokens are valid, and the two oldest no longer work
    assert twelfth.status_code == 200
    assert AuthToken.objects.filter(user=resident.user).count() == 10
    assert not _works(tokens[0])
    assert not _works(tokens[1])
    assert _works(tokens[2])
    assert _works(twelfth.json()["token"])
    ended = AuditEvent.objects.filter(verb="api_token.ended", actor_user_id=resident.user.pk)
    assert [event.data for event in ended] == [{"count": 1}, {"count": 1}]


def test_expired_tokens_do_not_count_and_are_removed(resident):  # type: ignore[no-untyped-def]
    # Given ten tokens that have expired
    with time_machine.travel(timezone.now() - timezone.timedelta(days=2), tick=False):
        for _ in range(10):
            api_token_issue(resident.user)
    # When the resident signs in
    api_token_issue(resident.user)
    # Then only the new token is left and nothing valid was "ended"
    assert AuthToken.objects.filter(user=resident.user).count() == 1
    assert not AuditEvent.objects.filter(verb="api_token.ended").exists()


def test_a_lower_limit_is_honoured(resident, settings):  # type: ignore[no-untyped-def]
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    first, second, third = (api_token_issue(resident.user)["token"] for _ in range(3))
    assert AuthToken.objects.filter(user=resident.user).count() == 2
    assert [_works(first), _works(second), _works(third)] == [False, True, True]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_sign_ins_never_leaves_more_than_the_limit(street):  # type: ignore[no-untyped-def]
    # Given an account with nine valid tokens
    person = make_person(home=street.nanyuan_building, with_account=True)
    for _ in range(9):
        api_token_issue(person.user)
    # When six sign-ins arrive at the same moment
    results = run_at_once([lambda: api_token_issue(person.user) for _ in range(6)])
    # Then all succeed and exactly ten tokens are valid
    assert all(isinstance(result, dict) for result in results), results
    assert AuthToken.objects.filter(user=person.user).count() == 10
