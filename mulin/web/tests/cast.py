"""The people of the permission matrix and the crawl tests: one account per role, signed in the
way the real sign-in would leave them (staff past the second factor), plus people to look at."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.organizations.models import OrgUnit, Person, Role
from mulin.organizations.services import account_set_active, volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, Street, make_person

ANONYMOUS = "anonymous"
DISABLED = "disabled"

# Every identity of the matrix, in the order the tables list them.
ROLES = (
    ANONYMOUS,
    "resident_a",  # lives in 翠玉
    "resident_b",  # lives in 南苑
    "party_member",  # 南苑 branch
    "volunteer",  # 翠玉
    "branch_secretary",  # 南苑社区第一支部
    "worker_cuiyu",
    "worker_nanyuan",
    "partner_contact",  # 九洲大药房, lives in 翠玉
    "street_admin",
    "system_admin",
    "security_admin",
    "audit_admin",
    DISABLED,  # was a 翠玉 community worker; the account has been disabled
)


@dataclass
class Cast:
    street: Street
    people: dict[str, Person]
    home_community: dict[str, OrgUnit]
    # People without accounts, one in each community, to look at.
    cuiyu_plain: Person
    nanyuan_plain: Person
    # The disabled account's session and token, from before it was disabled.
    disabled_web: Client = field(default_factory=Client)
    disabled_token: str = ""
    _web: dict[str, Client] = field(default_factory=dict)
    _api: dict[str, APIClient] = field(default_factory=dict)

    def person(self, role: str) -> Person | None:
        return self.people.get(role)

    def other_community(self, role: str) -> OrgUnit:
        return self.street.nanyuan if self.home_community[role] == self.street.cuiyu else self.street.cuiyu

    def plain_in(self, community: OrgUnit) -> Person:
        return self.cuiyu_plain if community == self.street.cuiyu else self.nanyuan_plain

    def web(self, role: str) -> Client:
        """A browser session for `role` (anonymous: none)."""
        if role == DISABLED:
            return self.disabled_web
        if role not in self._web:
            client = Client()
            person = self.people.get(role)
            if person is not None:
                sign_in(client, person)
            self._web[role] = client
        return self._web[role]

    def api(self, role: str) -> APIClient:
        """An API client with a fresh bearer token for `role` (anonymous and disabled: none valid).

        Clients are reused: each new one loads the middleware again, and WhiteNoise then indexes
        every static file, which costs more than the request itself.
        """
        client = self._api.setdefault(role, APIClient())
        person = self.people.get(role)
        if role == DISABLED:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.disabled_token}")
        elif person is not None:
            _instance, token = AuthToken.objects.create(user=person.user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client


def sign_in(client: Client, person: Person) -> None:
    """Log in as the web sign-in would: staff accounts have passed their TOTP code."""
    assert person.user is not None
    client.force_login(person.user)
    if person.user.needs_second_factor:
        device = TOTPDevice.objects.create(user=person.user, name="default", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def build_cast(street: Street) -> Cast:
    s = street
    people = {
        "resident_a": make_person(home=s.cuiyu_building, with_account=True),
        "resident_b": make_person(home=s.nanyuan_building, with_account=True),
        "party_member": make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True),
        "volunteer": make_person(home=s.cuiyu_building, with_account=True),
        "branch_secretary": make_person(
            home=s.nanyuan_building,
            member_of=s.nanyuan_branch,
            role=Role.BRANCH_SECRETARY,
            at=s.nanyuan_branch,
            with_account=True,
        ),
        "worker_cuiyu": make_person(home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True),
        "worker_nanyuan": make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_WORKER, at=s.nanyuan, with_account=True
        ),
        "partner_contact": make_person(
            home=s.cuiyu_building, role=Role.PARTNER_CONTACT, at=s.partner, with_account=True
        ),
        "street_admin": make_person(home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True),
        "system_admin": make_person(home=s.cuiyu_building, role=Role.SYSTEM_ADMIN, at=s.street, with_account=True),
        "security_admin": make_person(
            home=s.nanyuan_building, role=Role.SECURITY_ADMIN, at=s.street, with_account=True
        ),
        "audit_admin": make_person(home=s.cuiyu_building, role=Role.AUDIT_ADMIN, at=s.street, with_account=True),
        DISABLED: make_person(home=s.cuiyu_building, role=Role.COMMUNITY_WORKER, at=s.cuiyu, with_account=True),
    }
    volunteer_profile_set(actor=SYSTEM, person=people["volunteer"], skills=["repair"], availability=[])
    home_community = {
        role: (s.cuiyu if person.home_unit.path.startswith(s.cuiyu.path) else s.nanyuan)
        for role, person in people.items()
    }
    home_community[ANONYMOUS] = s.cuiyu
    cast = Cast(
        street=s,
        people=people,
        home_community=home_community,
        cuiyu_plain=make_person(home=s.cuiyu_building, full_name="翠玉居民"),
        nanyuan_plain=make_person(home=s.nanyuan_building, full_name="南苑居民"),
    )
    # The disabled account had a session and a token, both ended when it was disabled.
    disabled = people[DISABLED]
    sign_in(cast.disabled_web, disabled)
    cast.disabled_token = AuthToken.objects.create(user=disabled.user)[1]
    account_set_active(actor=SYSTEM, user=disabled.user, active=False)
    return cast


def presign(cast: Cast) -> Cast:
    """Sign every identity in once, so that copies of the cast (`for_one_test`) share the sessions."""
    for role in ROLES:
        cast.web(role)
    return cast


def for_one_test(cast: Cast) -> Cast:
    """A test's own copy of a cast built once for its module (`module_cast` in conftest.py).

    The rows are shared and each test's changes to them are rolled back, but Python objects are
    not: a test that refreshes a person or logs a client out would leak into the next one. So the
    model instances are copied, and each web client is a new one holding the module's session
    cookie (the session row is restored by the rollback). API clients keep no state between calls.
    """
    memo: dict[int, object] = {}
    return replace(
        cast,
        street=copy.deepcopy(cast.street, memo),
        people=copy.deepcopy(cast.people, memo),
        home_community=copy.deepcopy(cast.home_community, memo),
        cuiyu_plain=copy.deepcopy(cast.cuiyu_plain, memo),
        nanyuan_plain=copy.deepcopy(cast.nanyuan_plain, memo),
        disabled_web=_same_session(cast.disabled_web),
        _web={role: _same_session(client) for role, client in cast._web.items()},
        _api=cast._api,
    )


def _same_session(client: Client) -> Client:
    fresh = Client()
    fresh.cookies = copy.deepcopy(client.cookies)
    return fresh
