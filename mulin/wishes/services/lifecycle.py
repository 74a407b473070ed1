"""The lifecycle after posting: verify (publish or reject), claim, release, fulfil, confirm,
withdraw. Each service: permission first, then the conditional UPDATE of `transitions.py`, then
timeline, rollup, audit and notifications in the same transaction (notifications leave only
after it commits)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import TENTHS, clean_decimal, clean_text
from mulin.core.photos import photo_clean, photo_store
from mulin.core.tasks import enqueue
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import honour_unit_of
from mulin.points.services import points_award
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.permissions import (
    ensure_can_claim_wish,
    ensure_can_confirm_wish,
    ensure_can_fulfil_wish,
    ensure_can_moderate_wish,
    ensure_can_release_wish,
    ensure_can_withdraw_wish,
)
from mulin.wishes.points import WISH_CLOSED
from mulin.wishes.services._common import (
    MAX_PHOTOS,
    NOTE_MAX,
    REASON_MAX,
    THANKS_MAX,
    R,
    S,
    V,
    audit,
    event_add,
    notify,
    role_of,
)
from mulin.wishes.stats import hours_between, rollup_bump
from mulin.wishes.transitions import WISH_LIFECYCLE


@transaction.atomic
def wish_publish(*, actor: Actor, wish: Wish) -> Wish:
    """Verify a submitted wish and put it on the wall; then suggest helpers and tell the best few.

    Raise PermissionDenied outside the actor's community, StateConflict if it is no longer
    awaiting verification.
    """
    ensure_can_moderate_wish(actor, wish)
    now = timezone.now()
    WISH_LIFECYCLE.apply(wish, "publish", published_at=now, listed_at=now)
    event_add(wish, V.PUBLISHED, actor=actor.person, role=R.STAFF)
    rollup_bump(wish, "published")
    audit("published", actor, wish)
    notify("wishes.published", [wish.wisher], wish)
    enqueue("wishes.match_helpers", wish_id=wish.pk)
    return wish


@transaction.atomic
def wish_reject(*, actor: Actor, wish: Wish, reason: str) -> Wish:
    """Decline to publish a submitted wish, with a reason the wisher sees."""
    ensure_can_moderate_wish(actor, wish)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX, required=True, message=_("Say why the wish is not published.")
    )
    WISH_LIFECYCLE.apply(wish, "reject", rejection_reason=reason)
    event_add(wish, V.REJECTED, actor=actor.person, role=R.STAFF, note=reason)
    rollup_bump(wish, "rejected")
    audit("rejected", actor, wish)
    notify("wishes.rejected", [wish.wisher], wish)
    return wish


@transaction.atomic
def wish_claim(*, actor: Actor, wish: Wish) -> Wish:
    """Take on a published wish. The conditional UPDATE is the lock: when two people claim at the
    same moment exactly one row matches status=published, and the other gets StateConflict (409).

    Raise PermissionDenied for people who may not claim (residents, the wisher, outside the
    street) and StateConflict when someone was faster or the helper already holds too many.
    """
    ensure_can_claim_wish(actor, wish)
    # A soft limit against hoarding (check-then-act: two simultaneous claims by one person may
    # exceed it by one, which is harmless; the claim itself is the conditional UPDATE below).
    limit = getattr(settings, "MULIN_WISH_MAX_OPEN_CLAIMS", 5)
    if Wish.objects.filter(claimant_id=actor.person_id, status=S.CLAIMED).count() >= limit:
        raise StateConflict(
            _("You already hold %(n)s open wishes. Fulfil or release one first.") % {"n": limit}, code="too_many_claims"
        )
    person = actor.person
    assert person is not None
    now = timezone.now()
    unit = honour_unit_of(actor)
    WISH_LIFECYCLE.apply(
        wish,
        "claim",
        claimant=person,
        claimant_name=person.full_name,
        claimant_unit=unit,
        claimed_at=now,
        # Decided in the UPDATE itself, not from a possibly stale copy of the row.
        first_claimed_at=Coalesce(F("first_claimed_at"), Value(now)),
    )
    event_add(wish, V.CLAIMED, actor=person, role=R.CLAIMANT, name=person.full_name)
    # Counted once per wish, even if it is claimed again after a release.
    if wish.first_claimed_at == now:
        rollup_bump(wish, "claimed")
        hours = hours_between(wish.published_at, now)
        if hours is not None:
            rollup_bump(wish, "claim_hours", bucket=hours)
    audit("claimed", actor, wish)
    notify("wishes.claimed", [wish.wisher], wish, claimant=person.full_name)
    return wish


@transaction.atomic
def wish_release(*, actor: Actor, wish: Wish, reason: str = "") -> Wish:
    """Give a claimed wish back to the wall (the claimant, or staff for them)."""
    ensure_can_release_wish(actor, wish)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=False, message="")
    role = role_of(actor, wish)
    claimant_id = wish.claimant_id
    WISH_LIFECYCLE.apply(
        wish,
        "release",
        condition=Q(claimant_id=claimant_id),
        claimant=None,
        claimant_name="",
        claimant_unit=None,
        claimed_at=None,
        listed_at=timezone.now(),
    )
    event_add(wish, V.RELEASED, actor=actor.person, role=role, note=reason)
    audit("released", actor, wish, by=role)
    recipients: list[Person | None] = [wish.wisher]
    if role != R.CLAIMANT and claimant_id is not None:
        recipients.append(Person.objects.filter(pk=claimant_id).first())
    notify("wishes.released", recipients, wish)
    enqueue("wishes.match_helpers", wish_id=wish.pk)
    return wish


@transaction.atomic
def wish_fulfil(*, actor: Actor, wish: Wish, note: str, photos: Sequence[Any], hours: Any = None) -> Wish:
    """Report a claimed wish fulfilled, with a note and one to three photos as evidence.

    Every photo is checked and re-encoded before anything is written (400 for a bad file, nothing
    stored). `hours` is the time the helper gave (default: the wish's estimate); it becomes their
    volunteer hours once the wisher confirms.
    """
    ensure_can_fulfil_wish(actor, wish)
    helper = actor.person
    assert helper is not None  # only the claimant passes the check above
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True, message=_("Say what was done."))
    if not photos:
        raise ValidationError({"photos": [_("Add at least one photo as evidence.")]})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    given = clean_decimal(hours, field="hours", low=Decimal("0.1"), high=Decimal(24), places=TENTHS)
    cleaned = [photo_clean(photo) for photo in photos]
    now = timezone.now()
    WISH_LIFECYCLE.apply(
        wish,
        "fulfil",
        condition=Q(claimant_id=actor.person_id),
        fulfilled_at=now,
        fulfilment_note=note,
        fulfilment_hours=given if given is not None else wish.estimated_hours,
    )
    for clean in cleaned:
        photo_uuid, name = photo_store(clean, folder="wishes")
        WishPhoto.objects.create(
            uuid=photo_uuid,
            wish=wish,
            uploaded_by=helper,
            file_name=name,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.content),
        )
    event_add(wish, V.FULFILLED, actor=actor.person, role=R.CLAIMANT, name=wish.claimant_name, note=note)
    rollup_bump(wish, "fulfilled")
    hours_waited = hours_between(wish.published_at, now)
    if hours_waited is not None:
        rollup_bump(wish, "fulfil_hours", bucket=hours_waited)
    audit("fulfilled", actor, wish, photos=len(cleaned))
    notify("wishes.fulfilled", [wish.wisher], wish)
    return wish


@transaction.atomic
def wish_confirm(*, actor: Actor, wish: Wish, rating: Any, thanks: str = "") -> Wish:
    """Confirm a fulfilled wish, thank and rate the helper (1–5), and close it (销号).

    The claimant's service points and hours are booked here, once: the ledger's unique constraint
    makes a retried or concurrent confirmation credit nothing more.
    """
    ensure_can_confirm_wish(actor, wish)
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"rating": [_("Choose from 1 to 5 stars.")]})
    thanks = clean_text(thanks, field="thanks", max_length=THANKS_MAX, required=False, message="")
    role = role_of(actor, wish)
    now = timezone.now()
    WISH_LIFECYCLE.apply(wish, "confirm", closed_at=now, confirmed_by=actor.person, rating=stars, thanks=thanks)
    event_add(wish, V.CONFIRMED, actor=actor.person, role=role, note=thanks)
    rollup_bump(wish, "closed")
    claimant = wish.claimant
    assert claimant is not None
    entries = points_award(
        event=WISH_CLOSED.key,
        person=claimant,
        source=wish,
        occurred_at=wish.fulfilled_at or now,
        scope_path=wish.community.path,
        hours=wish.fulfilment_hours,
        label=wish.title,
    )
    audit("closed", actor, wish, by=role, rating=stars)
    service_points = sum((e.points for e in entries if e.account == "service"), Decimal(0))
    notify("wishes.closed", [claimant], wish, rating=stars, points=f"{service_points:g}")
    return wish


@transaction.atomic
def wish_withdraw(*, actor: Actor, wish: Wish, reason: str = "") -> Wish:
    """The wisher takes the wish back before it is fulfilled; a claimant is told."""
    ensure_can_withdraw_wish(actor, wish)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=False, message="")
    role = role_of(actor, wish)
    WISH_LIFECYCLE.apply(wish, "withdraw", withdrawn_at=timezone.now())
    event_add(wish, V.WITHDRAWN, actor=actor.person, role=role, note=reason)
    rollup_bump(wish, "withdrawn")
    audit("withdrawn", actor, wish, by=role)
    if wish.claimant_id is not None:
        notify("wishes.withdrawn", [wish.claimant], wish)
    return wish
