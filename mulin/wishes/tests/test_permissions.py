"""One matrix per predicate: every kind of person × the cases that matter."""

from __future__ import annotations

import pytest
from django.http import Http404

from mulin.organizations.scoping import Actor
from mulin.organizations.tests.factories import actor
from mulin.wishes.actions import wish_available_actions
from mulin.wishes.models import Wish
from mulin.wishes.permissions import (
    access_wish_by_id,
    can_claim_wish,
    can_confirm_wish,
    can_enter_wish_for,
    can_fulfil_wish,
    can_manage_categories,
    can_moderate_wish,
    can_post_wish,
    can_release_wish,
    can_view_wish_contact,
    can_view_wish_private,
    can_withdraw_wish,
)
from mulin.wishes.services import wish_submit
from mulin.wishes.tests.factories import category, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status
EVERYONE = [
    "resident",
    "neighbour",
    "stranger",
    "member",
    "member2",
    "volunteer",
    "partner",
    "branch_secretary",
    "nanyuan_worker",
    "nanyuan_secretary",
    "cuiyu_worker",
    "street_admin",
]


def _who(cast, predicate, wish) -> set[str]:  # type: ignore[no-untyped-def]
    return {name for name in EVERYONE if predicate(actor(getattr(cast, name)), wish) is True}


def test_can_moderate_wish(cast):
    wish = make_wish(wisher=cast.resident)

    assert _who(cast, can_moderate_wish, wish) == {"nanyuan_worker", "nanyuan_secretary", "street_admin"}


def test_can_claim_wish(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
    own = make_wish(wisher=cast.member, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    assert _who(cast, can_claim_wish, wish) == {"member", "member2", "volunteer", "partner", "branch_secretary"}
    assert "member" not in _who(cast, can_claim_wish, own)
    assert can_claim_wish(Actor.anonymous(), wish) is False


def test_an_inactive_person_cannot_claim(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
    member = actor(cast.member)
    member.person.is_active = False

    assert can_claim_wish(member, wish) is False


def test_can_release_wish(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert _who(cast, can_release_wish, wish) == {"member", "nanyuan_worker", "nanyuan_secretary", "street_admin"}


def test_can_fulfil_wish(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert _who(cast, can_fulfil_wish, wish) == {"member"}


def test_can_confirm_wish(cast):
    online = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    offline = wish_submit(actor=actor(cast.nanyuan_worker), wisher=cast.neighbour, title="代买药", category=category())

    assert _who(cast, can_confirm_wish, online) == {"resident"}
    assert _who(cast, can_confirm_wish, offline) == {"neighbour", "nanyuan_worker", "nanyuan_secretary", "street_admin"}


def test_can_withdraw_wish(cast):
    own = make_wish(wisher=cast.resident)
    offline = wish_submit(actor=actor(cast.nanyuan_worker), wisher=cast.neighbour, title="代买药", category=category())

    assert _who(cast, can_withdraw_wish, own) == {"resident"}
    assert _who(cast, can_withdraw_wish, offline) == {
        "neighbour",
        "nanyuan_worker",
        "nanyuan_secretary",
        "street_admin",
    }


def test_can_view_wish_contact(cast):
    claimed = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    published = make_wish(wisher=cast.neighbour, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    assert _who(cast, can_view_wish_contact, claimed) == {
        "member",
        "nanyuan_worker",
        "nanyuan_secretary",
        "street_admin",
    }
    assert _who(cast, can_view_wish_contact, published) == {"nanyuan_worker", "nanyuan_secretary", "street_admin"}


def test_can_view_wish_private(cast):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert _who(cast, can_view_wish_private, wish) == {
        "resident",
        "member",
        "nanyuan_worker",
        "nanyuan_secretary",
        "street_admin",
    }


def test_can_post_wish_and_enter_for(cast):
    assert {name for name in EVERYONE if can_post_wish(actor(getattr(cast, name)))} == set(EVERYONE)
    assert {name for name in EVERYONE if can_enter_wish_for(actor(getattr(cast, name)), cast.neighbour)} == {
        "nanyuan_worker",
        "nanyuan_secretary",
        "street_admin",
    }
    assert can_post_wish(Actor.anonymous()) is False


def test_can_manage_categories(cast):
    assert {name for name in EVERYONE if can_manage_categories(actor(getattr(cast, name)))} == {"street_admin"}


def test_who_sees_a_wish_awaiting_verification(cast):
    wish = make_wish(wisher=cast.resident)
    seen = set()
    for name in EVERYONE:
        try:
            access_wish_by_id(actor(getattr(cast, name)), wish.pk)
            seen.add(name)
        except Http404:
            pass

    assert seen == {"resident", "nanyuan_worker", "nanyuan_secretary", "street_admin"}


def test_a_published_wish_is_on_the_whole_streets_wall(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    for name in EVERYONE:
        assert access_wish_by_id(actor(getattr(cast, name)), wish.pk) == wish
    with pytest.raises(Http404):
        access_wish_by_id(Actor.anonymous(), wish.pk)


def test_available_actions_follow_state_and_predicates(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert wish_available_actions(actor(cast.member), wish) == ["release", "fulfil"]
    assert wish_available_actions(actor(cast.resident), wish) == ["withdraw"]
    assert wish_available_actions(actor(cast.nanyuan_worker), wish) == ["release"]
    assert wish_available_actions(actor(cast.stranger), wish) == []
