"""Query counts of the busy pages and endpoints stay flat as data grows (no N+1).

Each case is measured with 5 and with 60 rows of what the page lists; the count must be the
same at both sizes and within the page's budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, PartyMembership, Person, Role
from mulin.organizations.services import orgunit_create, party_membership_set, role_grant, volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, Street, make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db

SIZES = (5, 60)


@dataclass
class World:
    street: Street
    viewer: Person
    subject: Person  # the person whose detail page is shown
    people: int = 0
    units: int = 0
    notifications: int = 0
    roles: int = 0

    def grow(self, size: int, kinds: frozenset[str]) -> None:
        """Bring each kind of row the page lists up to `size`."""
        s = self.street
        while "people" in kinds and self.people < size:
            person = make_person(home=s.cuiyu_building if self.people % 2 else s.cuiyu_compound)
            if self.people % 3 == 0:
                party_membership_set(
                    actor=SYSTEM,
                    person=person,
                    branch=s.cuiyu_branch,
                    status=PartyMembership.Status.FULL,
                    joined_on=None,
                )
            if self.people % 4 == 0:
                volunteer_profile_set(actor=SYSTEM, person=person, skills=["it"], availability=[])
            self.people += 1
        while "units" in kinds and self.units < size:
            orgunit_create(actor=SYSTEM, parent=s.cuiyu, kind=OrgUnit.Kind.TEAM, name=f"队{self.units}")
            self.units += 1
        while "notifications" in kinds and self.notifications < size:
            notification_send(
                kind="street.announcement", recipients=[self.viewer, self.subject], params={"subject": "s", "text": "t"}
            )
            self.notifications += 1
        while "roles" in kinds and self.roles < size:
            self.grow(size, frozenset({"units"}))  # roles are held at teams
            team = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).order_by("pk")[self.roles]
            role_grant(actor=SYSTEM, person=self.subject, role=Role.VOLUNTEER, unit=team)
            role_grant(actor=SYSTEM, person=self.viewer, role=Role.VOLUNTEER, unit=team)
            self.roles += 1


@pytest.fixture
def world(street) -> World:  # type: ignore[no-untyped-def]
    viewer = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    role_grant(actor=SYSTEM, person=viewer, role=Role.SECURITY_ADMIN, unit=street.street)  # lockout item
    subject = make_person(home=street.cuiyu_building, member_of=street.cuiyu_branch)
    volunteer_profile_set(actor=SYSTEM, person=subject, skills=["it", "repair"], availability=["weekday_morning"])
    return World(street=street, viewer=viewer, subject=subject)


def _web(path: Callable[[World], str]) -> Callable[[World, object, APIClient], int]:
    def get(world: World, client, api) -> int:  # type: ignore[no-untyped-def]
        return client.get(path(world)).status_code

    return get


def _api(path: Callable[[World], str]) -> Callable[[World, object, APIClient], int]:
    def get(world: World, client, api) -> int:  # type: ignore[no-untyped-def]
        return api.get(path(world)).status_code

    return get


# page → (request, query budget at any size). A signed-in page costs 3 queries for the session
# and account, 1 for the second-factor device, 3 for the actor (person, roles, enclosing
# communities), 1 for the bell's unread count and 3 to save the sliding session; API calls
# cost 2 for the token and account and 3 for the actor.
PEOPLE, UNITS, NOTIFICATIONS, ROLES = (frozenset({k}) for k in ("people", "units", "notifications", "roles"))
CASES = {
    "web home": (_web(lambda w: reverse("web:home")), 15, PEOPLE | NOTIFICATIONS | ROLES),
    "web profile": (_web(lambda w: reverse("web:profile")), 12, ROLES),
    "web people list": (_web(lambda w: reverse("organizations:people")), 13, PEOPLE | UNITS),
    "web person detail": (_web(lambda w: reverse("organizations:person", args=[w.subject.pk])), 13, ROLES),
    "web org tree": (_web(lambda w: reverse("organizations:tree")), 11, UNITS),
    "web inbox": (_web(lambda w: reverse("notifications:inbox")), 12, NOTIFICATIONS),
    "api me": (_api(lambda w: "/api/v1/me/"), 6, ROLES),
    "api people": (_api(lambda w: "/api/v1/people/"), 6, PEOPLE),
    "api person": (_api(lambda w: f"/api/v1/people/{w.subject.pk}/"), 6, ROLES),
    "api org units": (_api(lambda w: "/api/v1/org-units/"), 6, UNITS),
    "api notifications": (_api(lambda w: "/api/v1/notifications/"), 6, NOTIFICATIONS),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_query_count_does_not_grow_with_the_data(world, client, django_assert_max_num_queries, case):
    request, budget, kinds = CASES[case]
    sign_in(client, world.viewer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=world.viewer.user)[1]}")
    counts = []
    for size in SIZES:
        world.grow(size, kinds)
        assert request(world, client, api) == 200  # warm up: session and token bookkeeping
        with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
            assert request(world, client, api) == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], f"{case}: {counts[0]} queries with {SIZES[0]} rows, {counts[1]} with {SIZES[1]}"
