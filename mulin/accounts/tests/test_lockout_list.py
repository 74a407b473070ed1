"""The security administrator's list of lockouts in force and of paused networks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mulin.accounts.selectors import lockout_list_active, network_limits_active
from mulin.accounts.tests.helpers import WRONG_PASSWORD, web_login
from mulin.core.models import AuditEvent
from mulin.organizations.models import Role
from mulin.organizations.services import network_limit_lift
from mulin.organizations.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


def test_lists_an_account_locked_from_several_addresses(client, street):
    person = make_person(home=street.nanyuan_building, with_account=True)
    for n in range(5):
        web_login(client, person.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.0.{n}")

    listed = list(lockout_list_active())

    assert len(listed) == 5
    assert {attempt.username for attempt in listed} == {person.phone_index}


def test_failures_of_several_accounts_from_one_address_lock_no_account(client, street):
    for _ in range(5):
        person = make_person(home=street.nanyuan_building, with_account=True)
        web_login(client, person.phone, WRONG_PASSWORD, REMOTE_ADDR="10.0.0.66")

    assert list(lockout_list_active()) == []
    assert network_limits_active() == []


def test_lists_a_paused_network_and_the_lift_opens_it(client, street, settings):
    settings.MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 3
    admin = make_person(home=street.nanyuan_building, role=Role.SECURITY_ADMIN, at=street.street)
    resident = make_person(home=street.nanyuan_building, with_account=True)
    for n in range(3):
        web_login(client, f"1399999999{n}", REMOTE_ADDR="10.0.0.66")
    web_login(client, "13999999990", REMOTE_ADDR="10.0.0.67")

    listed = network_limits_active()

    assert [(row.address, row.failures) for row in listed] == [("10.0.0.66", 3)]
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 429

    network_limit_lift(actor=actor(admin), address="10.0.0.66")

    assert network_limits_active() == []
    assert web_login(client, resident.phone, REMOTE_ADDR="10.0.0.66").status_code == 302
    event = AuditEvent.objects.get(verb="login.network_limit_lifted")
    assert (event.actor_person_id, event.data) == (admin.pk, {"address": "10.0.0.66"})


def test_only_the_security_admin_lifts_a_network_pause_and_only_a_valid_address(street):
    for role in (Role.STREET_ADMIN, Role.SYSTEM_ADMIN):
        someone = make_person(home=street.nanyuan_building, role=role, at=street.street)
        with pytest.raises(PermissionDenied):
            network_limit_lift(actor=actor(someone), address="10.0.0.66")
    admin = make_person(home=street.nanyuan_building, role=Role.SECURITY_ADMIN, at=street.street)
    with pytest.raises(ValidationError):
        network_limit_lift(actor=actor(admin), address="not an address")

    assert not AuditEvent.objects.filter(verb="login.network_limit_lifted").exists()


def test_does_not_list_failures_below_the_limit_or_expired_lockouts(client, street):
    below = make_person(home=street.nanyuan_building, with_account=True)
    expired = make_person(home=street.nanyuan_building, with_account=True)
    for n in range(4):
        web_login(client, below.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.1.{n}")
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=31)):
        for n in range(5):
            web_login(client, expired.phone, WRONG_PASSWORD, REMOTE_ADDR=f"10.0.2.{n}")

    assert list(lockout_list_active()) == []
