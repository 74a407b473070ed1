"""Every lifecycle service: what it changes, what it tells whom, and — when refused — that nothing
changed at all (status, timeline, notifications, audit, rollup, ledger)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.points.models import LedgerEntry
from mulin.wishes.models import Wish, WishEvent, WishPhoto, WishRollup
from mulin.wishes.services import (
    wish_claim,
    wish_confirm,
    wish_contact_reveal,
    wish_fulfil,
    wish_publish,
    wish_reject,
    wish_release,
    wish_submit,
    wish_withdraw,
)
from mulin.wishes.stats import wish_rollup_reconcile
from mulin.wishes.tests.factories import category, jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def _snapshot(wish: Wish) -> tuple:
    wish.refresh_from_db()
    return (
        wish.status,
        wish.claimant_id,
        WishEvent.objects.filter(wish=wish).count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
        list(WishRollup.objects.order_by("id").values_list("metric", "count")),
        LedgerEntry.objects.count(),
        WishPhoto.objects.count(),
    )


def _assert_refused(wish: Wish, call, error, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(wish)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error):
        call()
    assert _snapshot(wish) == before


# --- submit ------------------------------------------------------------------------------------


def test_resident_posts_a_wish_masked_at_their_compound(cast):
    wish = wish_submit(actor=actor(cast.resident), title="  帮忙修水龙头 ", category=category(), description="厨房")

    assert wish.status == S.SUBMITTED
    assert wish.title == "帮忙修水龙头"
    assert wish.community == cast.street.nanyuan
    assert wish.place == cast.street.nanyuan_compound
    assert wish.scope_path == cast.street.nanyuan_compound.path
    assert wish.public_name == "王**"
    assert wish.entered_by is None
    assert wish.estimated_hours == Decimal("1.5")  # the category's usual hours
    assert list(wish.events.values_list("verb", flat=True)) == ["submitted"]
    assert AuditEvent.objects.filter(verb="wishes.submitted", target_id=str(wish.pk)).count() == 1
    assert WishRollup.objects.get(metric="posted").count == 1


def test_wisher_may_choose_to_show_the_full_name(cast):
    wish = wish_submit(actor=actor(cast.resident), title="借轮椅", category=category(), shows_full_name=True)

    assert wish.public_name == "王秀英"


def test_staff_enter_a_wish_for_an_offline_resident(cast):
    wish = wish_submit(actor=actor(cast.nanyuan_worker), wisher=cast.neighbour, title="代买药品", category=category())

    assert wish.wisher == cast.neighbour
    assert wish.entered_by == cast.nanyuan_worker
    assert list(wish.events.values_list("verb", "actor_role")) == [("entered", "staff")]


def test_cuiyu_worker_entering_for_nanyuan_resident_writes_nothing(cast):
    with pytest.raises(PermissionDenied):
        wish_submit(actor=actor(cast.cuiyu_worker), wisher=cast.neighbour, title="代买药品", category=category())

    assert Wish.objects.count() == 0
    assert AuditEvent.objects.filter(verb__startswith="wishes.").count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 61}, "title"),
        ({"description": "长" * 10_000}, "description"),
        ({"estimated_hours": "-1"}, "estimated_hours"),
        ({"estimated_value": "abc"}, "estimated_value"),
        ({"preferred_time": "midnight"}, "preferred_time"),
    ],
)
def test_bad_input_is_refused_and_writes_no_row(cast, fields, field):
    data = {"title": "修水龙头", "category": category(), **fields}

    with pytest.raises(ValidationError) as refused:
        wish_submit(actor=actor(cast.resident), **data)

    assert field in refused.value.message_dict
    assert Wish.objects.count() == 0
    assert WishRollup.objects.count() == 0


def test_retired_category_is_refused(cast):
    retired = category("culture")
    retired.is_active = False
    retired.save()

    with pytest.raises(ValidationError):
        wish_submit(actor=actor(cast.resident), title="学书法", category=retired)

    assert Wish.objects.count() == 0


# --- publish / reject ---------------------------------------------------------------------------


def test_publish_puts_the_wish_on_the_wall_and_tells_the_wisher(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident)

    with django_capture_on_commit_callbacks(execute=True):
        wish_publish(actor=actor(cast.nanyuan_worker), wish=wish)

    wish.refresh_from_db()
    assert wish.status == S.PUBLISHED
    assert wish.published_at is not None
    assert wish.listed_at == wish.published_at
    assert Notification.objects.filter(recipient=cast.resident, kind="wishes.published").count() == 1
    assert AuditEvent.objects.filter(verb="wishes.published").count() == 1


def test_cuiyu_worker_cannot_publish_a_nanyuan_wish(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident)

    _assert_refused(
        wish,
        lambda: wish_publish(actor=actor(cast.cuiyu_worker), wish=wish),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


def test_publishing_twice_is_a_conflict_and_changes_nothing(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    _assert_refused(
        wish,
        lambda: wish_publish(actor=actor(cast.nanyuan_secretary), wish=wish),
        StateConflict,
        django_capture_on_commit_callbacks,
    )


def test_reject_needs_a_reason_and_keeps_it_for_the_wisher(cast):
    wish = make_wish(wisher=cast.resident)

    with pytest.raises(ValidationError):
        wish_reject(actor=actor(cast.nanyuan_worker), wish=wish, reason="  ")
    wish_reject(actor=actor(cast.nanyuan_worker), wish=wish, reason="已由物业处理")

    wish.refresh_from_db()
    assert wish.status == S.REJECTED
    assert wish.rejection_reason == "已由物业处理"
    assert Notification.objects.filter(recipient=cast.resident, kind="wishes.rejected").count() == 1


def test_resident_cannot_reject(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident)

    _assert_refused(
        wish,
        lambda: wish_reject(actor=actor(cast.neighbour), wish=wish, reason="不行"),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


# --- claim / release ----------------------------------------------------------------------------


def test_claim_records_the_honour_and_tells_the_wisher(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    with django_capture_on_commit_callbacks(execute=True):
        wish_claim(actor=actor(cast.member), wish=wish)

    wish.refresh_from_db()
    assert wish.status == S.CLAIMED
    assert wish.claimant == cast.member
    assert wish.claimant_name == "汪孙聚"
    assert wish.claimant_unit == cast.street.nanyuan_branch
    assert wish.first_claimed_at == wish.claimed_at
    assert Notification.objects.filter(recipient=cast.resident, kind="wishes.claimed").count() == 1
    assert WishRollup.objects.get(metric="claimed").count == 1


def test_partner_contact_claims_in_the_name_of_the_partner_unit(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    wish_claim(actor=actor(cast.partner), wish=wish)

    wish.refresh_from_db()
    assert wish.claimant_unit == cast.street.partner


def test_member_of_another_community_claims_across_the_street(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    wish_claim(actor=actor(cast.member2), wish=wish)

    wish.refresh_from_db()
    assert wish.claimant == cast.member2


def test_second_claim_fails_and_keeps_first_claimant(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_claim(actor=actor(cast.volunteer), wish=wish),
        StateConflict,
        django_capture_on_commit_callbacks,
    )
    assert Wish.objects.get(pk=wish.pk).claimant == cast.member


@pytest.mark.parametrize("who", ["resident", "neighbour", "nanyuan_worker"])
def test_people_who_may_not_claim_change_nothing(cast, who, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    _assert_refused(
        wish,
        lambda: wish_claim(actor=actor(getattr(cast, who)), wish=wish),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


def test_a_helper_may_hold_only_so_many_open_claims(cast, settings):
    settings.MULIN_WISH_MAX_OPEN_CLAIMS = 1
    make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    second = make_wish(wisher=cast.neighbour, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    with pytest.raises(StateConflict):
        wish_claim(actor=actor(cast.member), wish=second)

    second.refresh_from_db()
    assert second.status == S.PUBLISHED


def test_release_puts_it_back_on_the_wall_and_a_new_claim_counts_once(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    wish_release(actor=actor(cast.member), wish=wish, reason="临时出差")
    wish.refresh_from_db()
    assert wish.status == S.PUBLISHED
    assert wish.claimant is None
    assert wish.claimant_name == ""
    wish_claim(actor=actor(cast.member2), wish=wish)

    assert WishRollup.objects.get(metric="claimed").count == 1
    assert wish_rollup_reconcile().agrees is True


def test_staff_may_release_and_the_claimant_is_told(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with django_capture_on_commit_callbacks(execute=True):
        wish_release(actor=actor(cast.nanyuan_secretary), wish=wish)

    assert Notification.objects.filter(recipient=cast.member, kind="wishes.released").count() == 1


def test_another_helper_cannot_release_someone_elses_claim(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_release(actor=actor(cast.member2), wish=wish),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


# --- fulfil / confirm ---------------------------------------------------------------------------


def test_fulfil_stores_note_hours_and_cleaned_photos(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with django_capture_on_commit_callbacks(execute=True):
        wish_fulfil(actor=actor(cast.member), wish=wish, note="换了阀芯", photos=[jpeg_upload()], hours="2")

    wish.refresh_from_db()
    assert wish.status == S.FULFILLED
    assert wish.fulfilment_note == "换了阀芯"
    assert wish.fulfilment_hours == Decimal("2.0")
    photo = WishPhoto.objects.get(wish=wish)
    assert photo.content_type == "image/jpeg"
    assert photo.file_name.endswith(f"{photo.uuid.hex}.jpg")
    assert Notification.objects.filter(recipient=cast.resident, kind="wishes.fulfilled").count() == 1


@pytest.mark.parametrize(
    ("note", "photos"),
    [("", "one"), ("做好了", "none"), ("做好了", "four")],
)
def test_fulfil_without_note_or_with_wrong_photo_count_changes_nothing(
    cast, note, photos, django_capture_on_commit_callbacks
):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)
    files = {"one": [jpeg_upload()], "none": [], "four": [jpeg_upload() for _ in range(4)]}[photos]

    _assert_refused(
        wish,
        lambda: wish_fulfil(actor=actor(cast.member), wish=wish, note=note, photos=files),
        ValidationError,
        django_capture_on_commit_callbacks,
    )


def test_only_the_claimant_may_fulfil(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_fulfil(actor=actor(cast.member2), wish=wish, note="我做的", photos=[jpeg_upload()]),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


def test_confirm_closes_rates_and_credits_the_claimant_once(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with django_capture_on_commit_callbacks(execute=True):
        wish_confirm(actor=actor(cast.resident), wish=wish, rating=4, thanks="非常感谢")

    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.thanks, wish.confirmed_by) == (S.CLOSED, 4, "非常感谢", cast.resident)
    service = LedgerEntry.objects.get(person=cast.member, account="service")
    assert (service.points, service.hours, service.kind) == (Decimal(10), Decimal("1.5"), "credit")
    assert (service.source_type, service.source_id) == ("wishes.wish", str(wish.pk))
    assessment = LedgerEntry.objects.get(person=cast.member, account="assessment")
    assert (assessment.points, assessment.hours) == (Decimal(2), Decimal(0))
    assert Notification.objects.filter(recipient=cast.member, kind="wishes.closed").count() == 1


def test_confirming_again_is_a_conflict_and_credits_nothing_more(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_confirm(actor=actor(cast.resident), wish=wish, rating=5),
        StateConflict,
        django_capture_on_commit_callbacks,
    )
    assert LedgerEntry.objects.filter(person=cast.member).count() == 2


def test_a_volunteer_earns_service_points_but_no_assessment_score(cast):
    make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.volunteer)

    assert list(LedgerEntry.objects.filter(person=cast.volunteer).values_list("account", flat=True)) == ["service"]


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_confirm_needs_a_rating_from_1_to_5(cast, rating, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_confirm(actor=actor(cast.resident), wish=wish, rating=rating),
        ValidationError,
        django_capture_on_commit_callbacks,
    )


def test_staff_confirm_for_an_offline_resident_but_not_for_an_online_one_at_once(cast):
    offline = wish_submit(actor=actor(cast.nanyuan_worker), wisher=cast.neighbour, title="代买药", category=category())
    wish_publish(actor=actor(cast.nanyuan_worker), wish=offline)
    wish_claim(actor=actor(cast.member), wish=offline)
    wish_fulfil(actor=actor(cast.member), wish=offline, note="送到了", photos=[jpeg_upload()])
    online = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member2)

    wish_confirm(actor=actor(cast.nanyuan_worker), wish=offline, rating=5)
    with pytest.raises(PermissionDenied):
        wish_confirm(actor=actor(cast.nanyuan_worker), wish=online, rating=5)

    offline.refresh_from_db()
    online.refresh_from_db()
    assert offline.status == S.CLOSED
    assert online.status == S.FULFILLED


def test_staff_may_confirm_an_online_wish_after_a_week_without_answer(cast, settings):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    settings.MULIN_WISH_STAFF_CONFIRM_AFTER_DAYS = 0

    wish_confirm(actor=actor(cast.nanyuan_secretary), wish=wish, rating=3)

    wish.refresh_from_db()
    assert wish.status == S.CLOSED
    assert wish.events.last().actor_role == "staff"


# --- withdraw -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED, S.CLAIMED])
def test_wisher_withdraws_before_fulfilment(cast, status, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=status, moderator=cast.nanyuan_worker, claimant=cast.member)

    with django_capture_on_commit_callbacks(execute=True):
        wish_withdraw(actor=actor(cast.resident), wish=wish, reason="已解决")

    wish.refresh_from_db()
    assert wish.status == S.WITHDRAWN
    told = Notification.objects.filter(recipient=cast.member, kind="wishes.withdrawn").count()
    assert told == (1 if status == S.CLAIMED else 0)


def test_withdraw_after_fulfilment_is_a_conflict(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    _assert_refused(
        wish,
        lambda: wish_withdraw(actor=actor(cast.resident), wish=wish),
        StateConflict,
        django_capture_on_commit_callbacks,
    )


def test_nobody_else_withdraws_a_residents_own_wish(cast, django_capture_on_commit_callbacks):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    _assert_refused(
        wish,
        lambda: wish_withdraw(actor=actor(cast.nanyuan_worker), wish=wish),
        PermissionDenied,
        django_capture_on_commit_callbacks,
    )


# --- contact ------------------------------------------------------------------------------------


def test_claimant_sees_the_contact_and_the_view_is_audited_without_values(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    contact = wish_contact_reveal(actor=actor(cast.member), wish=wish)

    assert (contact.name, contact.phone, contact.address) == ("王秀英", cast.resident.phone, cast.resident.address)
    event = AuditEvent.objects.get(verb="wishes.contact_viewed")
    assert event.actor_person_id == cast.member.pk
    assert cast.resident.phone not in str(event.data)
    assert cast.resident.address not in str(event.data)
    assert "王秀英" not in str(event.data)


@pytest.mark.parametrize("who", ["member2", "neighbour", "stranger", "cuiyu_worker"])
def test_others_do_not_see_the_contact_and_nothing_is_audited(cast, who):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with pytest.raises(PermissionDenied):
        wish_contact_reveal(actor=actor(getattr(cast, who)), wish=wish)

    assert AuditEvent.objects.filter(verb="wishes.contact_viewed").count() == 0


def test_the_contact_is_hidden_again_once_the_wish_is_closed(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLOSED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with pytest.raises(PermissionDenied):
        wish_contact_reveal(actor=actor(cast.member), wish=wish)
