"""Races that only a real database with real transactions shows (PostgreSQL, threads released
together): duplicate submissions, a burst of claims and confirmations, and concurrent edits
without lost updates. ASVS 5.0 2.3.3 / 2.3.4 (L2), 4.0.3 11.1.6; SECURITY.md "integrity".

Double claims and one person registered twice at once are in mulin/wishes/tests/test_concurrency.py
and mulin/organizations/tests/test_concurrency.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.core.concurrency import version_token
from mulin.core.exceptions import StateConflict
from mulin.core.tests.threads import run_at_once
from mulin.organizations.models import Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.services import person_update
from mulin.organizations.tests.factories import make_person
from mulin.points.models import Account, LedgerEntry, PointRule
from mulin.points.selectors import points_balance
from mulin.points.services import rule_update
from mulin.web.tests.cast import Cast, build_cast, sign_in
from mulin.wishes.models import Wish, WishCategory, WishEvent, WishRollup
from mulin.wishes.services import wish_claim, wish_confirm, wish_fulfil, wish_publish, wish_submit
from mulin.wishes.tests.factories import jpeg_upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street(transactional_db):  # type: ignore[no-untyped-def]
    """Built for each test: these tests commit, so they cannot use the module's shared street."""
    from mulin.organizations.tests.factories import build_street

    return build_street()


@pytest.fixture
def cast(street, reference_data) -> Cast:  # type: ignore[no-untyped-def]
    """Built for each test: these tests commit, so they cannot share the module's cast."""
    return build_cast(street)


S = Wish.Status
N = 8


def _api(person: Person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=person.user)[1]}")
    return client


# --- duplicate submissions ---------------------------------------------------------------------


def test_the_same_api_wish_sent_eight_times_at_once_with_one_key_is_one_wish(cast):
    resident = cast.people["resident_a"]
    clients = [_api(resident) for _ in range(N)]
    body = {"title": "八次重试的心愿", "category": "repair"}
    key = "retry-burst-0123456789abcdef"

    def post(client: APIClient) -> Callable[[], Any]:
        return lambda: client.post("/api/v1/wishes/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    responses = run_at_once([post(client) for client in clients])

    assert [r.status_code for r in responses] == [201] * N, responses
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == N - 1
    assert Wish.objects.filter(title="八次重试的心愿").count() == 1
    assert WishEvent.objects.filter(wish__title="八次重试的心愿").count() == 1
    assert WishRollup.objects.get(metric="posted").count == 1


def test_a_double_clicked_registration_form_registers_one_person(cast):
    worker = cast.people["worker_cuiyu"]
    clients = []
    for _ in range(N):
        client = Client()
        sign_in(client, worker)
        clients.append(client)
    form = {
        "full_name": "双击登记",
        "home_unit": cast.street.cuiyu_building.pk,
        "phone": "13700001111",
        "idempotency_key": "double-click-0123456789abcd",
    }

    def post(client: Client) -> Callable[[], Any]:
        return lambda: client.post(reverse("organizations:person_create"), form)

    responses = run_at_once([post(client) for client in clients])

    person = Person.objects.get(full_name="双击登记")
    assert [r.status_code for r in responses] == [302] * N
    assert {r["Location"] for r in responses} == {reverse("organizations:person", args=[person.pk])}


def test_the_same_web_wish_form_sent_twice_at_once_is_one_wish(cast):
    resident = cast.people["resident_a"]
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(resident.user)
        clients.append(client)
    form = {
        "title": "同时提交的心愿",
        "category": WishCategory.objects.get(code="repair").pk,
        "idempotency_key": "same-form-twice-0123456789",
    }

    responses = run_at_once([lambda c=c: c.post(reverse("wishes:create"), form) for c in clients])

    assert [r.status_code for r in responses] == [302, 302]
    assert Wish.objects.filter(title="同时提交的心愿").count() == 1


# --- bursts -----------------------------------------------------------------------------------------


def _published(wisher: Person, moderator: Person, title: str) -> Wish:
    wish = wish_submit(actor=actor_for_person(wisher), title=title, category=WishCategory.objects.get(code="repair"))
    return wish_publish(actor=actor_for_person(moderator), wish=wish)


def test_sixteen_helpers_rush_one_wish_exactly_one_claims_it(cast):
    street = cast.street
    wish = _published(cast.cuiyu_plain, cast.people["worker_cuiyu"], "抢着认领")
    helpers = [make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch) for _ in range(16)]

    results = run_at_once(
        [lambda h=h: wish_claim(actor=actor_for_person(h), wish=Wish.objects.get(pk=wish.pk)) for h in helpers]
    )

    assert sum(isinstance(r, Wish) for r in results) == 1, results
    assert sum(isinstance(r, StateConflict) for r in results) == 15
    assert WishEvent.objects.filter(wish=wish, verb="claimed").count() == 1
    assert WishRollup.objects.get(metric="claimed").count == 1


def test_a_burst_of_claims_on_different_wishes_all_succeed_and_every_counter_adds_up(cast):
    street = cast.street
    moderator = cast.people["worker_cuiyu"]
    wishes = [_published(cast.cuiyu_plain, moderator, f"各认各的{i}") for i in range(N)]
    helpers = [make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch) for _ in range(N)]

    results = run_at_once(
        [
            lambda h=h, w=w: wish_claim(actor=actor_for_person(h), wish=Wish.objects.get(pk=w.pk))
            for h, w in zip(helpers, wishes, strict=True)
        ]
    )

    assert all(isinstance(r, Wish) for r in results), results
    assert Wish.objects.filter(status=S.CLAIMED).count() == N
    assert WishRollup.objects.get(metric="claimed").count == N  # no lost increment


def test_a_burst_of_confirmations_credits_one_helper_for_every_wish(cast):
    street = cast.street
    helper = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch)
    wishers = [make_person(home=street.cuiyu_building) for _ in range(N)]
    wishes = []
    for i, wisher in enumerate(wishers):
        wish = _published(wisher, cast.people["worker_cuiyu"], f"同时确认{i}")
        wish_claim(actor=actor_for_person(helper), wish=wish)
        wish_fulfil(actor=actor_for_person(helper), wish=wish, note="好了", photos=[jpeg_upload()], hours="1")
        wishes.append(wish)

    results = run_at_once(
        [
            lambda p=p, w=w: wish_confirm(actor=actor_for_person(p), wish=Wish.objects.get(pk=w.pk), rating=5)
            for p, w in zip(wishers, wishes, strict=True)
        ]
    )

    assert all(isinstance(r, Wish) for r in results), results
    service_rules = PointRule.objects.filter(event="wishes.closed", account=Account.SERVICE, is_active=True)
    per_wish = sum((rule.points for rule in service_rules), Decimal(0))
    credits = LedgerEntry.objects.filter(person=helper, account=Account.SERVICE, kind=LedgerEntry.Kind.CREDIT)
    assert credits.count() == N * service_rules.count()
    assert points_balance(helper).points == per_wish * N
    assert WishRollup.objects.get(metric="closed").count == N


# --- concurrent edits ---------------------------------------------------------------------------------


def test_two_administrators_saving_one_rule_at_once_lose_no_update(cast):
    admin = actor_for_person(cast.people["street_admin"])
    rule = PointRule.objects.get(code="wish-fulfilled")
    version = rule.updated_at

    def save(points: str) -> Callable[[], Any]:
        return lambda: rule_update(
            actor=admin, rule=PointRule.objects.get(pk=rule.pk), expected_version=version, points=Decimal(points)
        )

    results = run_at_once([save("11"), save("22")])

    winners = [r for r in results if isinstance(r, PointRule)]
    conflicts = [r for r in results if isinstance(r, StateConflict)]
    assert (len(winners), len(conflicts)) == (1, 1), results
    assert conflicts[0].code == "edit_conflict"
    rule.refresh_from_db()
    assert rule.points == winners[0].points  # the stored value is the winner's, and the loser was told


def test_two_workers_editing_one_person_at_once_lose_no_update(cast):
    person = cast.cuiyu_plain
    worker = actor_for_person(cast.people["worker_cuiyu"])
    version = Person.objects.get(pk=person.pk).updated_at

    def edit(name: str) -> Callable[[], Any]:
        return lambda: person_update(
            actor=worker, person=Person.objects.get(pk=person.pk), expected_version=version, full_name=name
        )

    results = run_at_once([edit("甲改的名字"), edit("乙改的名字")])

    winners = [r for r in results if isinstance(r, Person)]
    assert len(winners) == 1, results
    assert sum(isinstance(r, StateConflict) for r in results) == 1
    person.refresh_from_db()
    assert person.full_name == winners[0].full_name


def test_rule_form_pages_posted_together_save_one_and_answer_409_to_the_other(cast):
    rule = PointRule.objects.get(code="wish-fulfilled")
    clients = []
    for _ in range(2):
        client = Client()
        sign_in(client, cast.people["street_admin"])
        clients.append(client)
    prefix = f"rule{rule.pk}"

    def post(client: Client, points: str) -> Callable[[], Any]:
        data = {
            f"{prefix}-points": points,
            f"{prefix}-hours": "0",
            f"{prefix}-max_hours": "8",
            f"{prefix}-is_active": "on",
            f"{prefix}-version": version_token(rule),
        }
        return lambda: client.post(reverse("points:rule_update", args=[rule.pk]), data)

    responses = run_at_once([post(clients[0], "31"), post(clients[1], "32")])

    assert sorted(r.status_code for r in responses) == [302, 409]
