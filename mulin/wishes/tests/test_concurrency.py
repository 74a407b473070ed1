"""Two people act on the same wish at the same moment, with real transactions on PostgreSQL."""

from __future__ import annotations

import pytest

from mulin.core.exceptions import StateConflict
from mulin.core.tests.threads import run_at_once
from mulin.organizations.tests.factories import actor
from mulin.points.models import LedgerEntry
from mulin.wishes.models import Wish, WishEvent, WishRollup
from mulin.wishes.services import wish_claim, wish_confirm
from mulin.wishes.tests.factories import make_wish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = Wish.Status


def test_two_members_claim_at_once_exactly_one_succeeds_the_other_gets_409(cast, api_client):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
    first, second = actor(cast.member), actor(cast.member2)

    results = run_at_once(
        [
            lambda: wish_claim(actor=first, wish=Wish.objects.get(pk=wish.pk)),
            lambda: wish_claim(actor=second, wish=Wish.objects.get(pk=wish.pk)),
        ]
    )

    winners = [r for r in results if isinstance(r, Wish)]
    losers = [r for r in results if isinstance(r, StateConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].status == 409
    wish.refresh_from_db()
    assert wish.claimant_id in {cast.member.pk, cast.member2.pk}
    assert WishEvent.objects.filter(wish=wish, verb="claimed").count() == 1
    assert WishRollup.objects.get(metric="claimed").count == 1


def test_two_claims_through_the_api_give_one_200_and_one_409(cast):
    from rest_framework.test import APIClient

    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    def claim(person):  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_authenticate(person.user)
        return client.post(f"/api/v1/wishes/{wish.pk}/claim/").status_code

    results = run_at_once([lambda: claim(cast.member), lambda: claim(cast.volunteer)])

    assert sorted(results) == [200, 409]


def test_a_double_confirmation_credits_the_claimant_once(cast):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    wisher = actor(cast.resident)

    results = run_at_once(
        [lambda: wish_confirm(actor=wisher, wish=Wish.objects.get(pk=wish.pk), rating=5) for _ in range(3)]
    )

    assert sum(isinstance(r, Wish) for r in results) == 1
    assert LedgerEntry.objects.filter(person=cast.member, account="service").count() == 1
