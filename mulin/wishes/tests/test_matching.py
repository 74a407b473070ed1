"""Suggesting helpers: nearness, skills, availability and load; the top few are told once."""

from __future__ import annotations

import pytest

from mulin.notifications.models import Notification
from mulin.organizations.services import volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, actor, make_person
from mulin.wishes.matching import wish_match_and_notify, wish_suggest_helpers
from mulin.wishes.models import Wish, WishSuggestion
from mulin.wishes.selectors import wish_list_for_helper
from mulin.wishes.tests.factories import category, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def test_nearby_skilled_and_free_helpers_come_first(cast):
    fixer = make_person(home=cast.street.nanyuan_building, member_of=cast.street.nanyuan_branch, with_account=True)
    volunteer_profile_set(actor=SYSTEM, person=fixer, skills=["repair"], availability=["weekend_morning"])
    busy = make_person(home=cast.street.nanyuan_building, member_of=cast.street.nanyuan_branch, with_account=True)
    volunteer_profile_set(actor=SYSTEM, person=busy, skills=["repair"], availability=[])
    make_wish(wisher=cast.neighbour, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=busy)
    wish = make_wish(
        wisher=cast.resident,
        status=S.PUBLISHED,
        moderator=cast.nanyuan_worker,
        category=category("repair"),
        preferred_time="weekend_morning",
    )
    wish.refresh_from_db()

    suggestions = wish_suggest_helpers(wish, limit=10)

    assert suggestions[0].person_id == fixer.pk
    assert suggestions[0].reasons == ("same_compound", "skills", "available")
    ranked = [s.person_id for s in suggestions]
    assert ranked.index(busy.pk) > ranked.index(fixer.pk)
    assert cast.resident.pk not in ranked  # never the wisher
    assert cast.nanyuan_worker.pk not in ranked  # staff do not claim


def test_publishing_notifies_the_top_three_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    told = Notification.objects.filter(kind="wishes.suggested")
    assert told.count() == 3
    assert WishSuggestion.objects.filter(wish=wish, notified_at__isnull=False).count() == 3
    assert wish_match_and_notify(wish_id=wish.pk) == 0
    assert told.count() == 3


def test_a_wish_no_longer_on_the_wall_is_not_matched(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    assert wish_match_and_notify(wish_id=wish.pk) == 0


def test_wishes_near_me_put_my_compound_and_skills_first(cast):
    far = make_wish(wisher=cast.stranger, status=S.PUBLISHED, moderator=cast.cuiyu_worker, category=category("culture"))
    near = make_wish(
        wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker, category=category("culture")
    )
    skilled_far = make_wish(
        wisher=cast.stranger, status=S.PUBLISHED, moderator=cast.cuiyu_worker, category=category("repair")
    )
    make_wish(wisher=cast.resident)  # not on the wall

    volunteer_list = wish_list_for_helper(actor(cast.volunteer))  # lives in 集翠源 (翠玉), skill: repair
    member_list = wish_list_for_helper(actor(cast.member))  # lives in 南八苑 (南苑)

    assert [w.pk for w in volunteer_list] == [skilled_far.pk, far.pk, near.pk]
    assert member_list[0].pk == near.pk
    assert wish_list_for_helper(actor(cast.resident)) == []
