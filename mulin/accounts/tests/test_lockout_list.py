"""The security administrator's list of lockouts in force."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from mulin.accounts.selectors import lockout_list_active
from mulin.accounts.tests.helpers import WRONG_PASSWORD, web_login
from mulin.organizations.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_lists_an_account_locked_from_several_addresses(client, street):
    person = make_person(home=street.nanyuan_building, with_account=True)
    for n in range(5):
        web_login(client, person.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.0.{n}")

    listed = list(lockout_list_active())

    assert len(listed) == 5
    assert {attempt.username for attempt in listed} == {person.phone_index}


def test_lists_an_address_locked_across_several_accounts(client, street):
    for _ in range(5):
        person = make_person(home=street.nanyuan_building, with_account=True)
        web_login(client, person.phone, WRONG_PASSWORD, REMOTE_ADDR="10.0.0.66")

    listed = list(lockout_list_active())

    assert len(listed) == 5
    assert {attempt.ip_address for attempt in listed} == {"10.0.0.66"}


def test_does_not_list_failures_below_the_limit_or_expired_lockouts(client, street):
    below = make_person(home=street.nanyuan_building, with_account=True)
    expired = make_person(home=street.nanyuan_building, with_account=True)
    for n in range(4):
        web_login(client, below.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.1.{n}")
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=31)):
        for n in range(5):
            web_login(client, expired.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.2.{n}")

    assert list(lockout_list_active()) == []
