"""Writes to the wish wall. Every transition is a service here: permission first, then the
conditional UPDATE from `transitions.py`, then timeline, rollup, audit and notifications, all
in one transaction (notifications leave only after it commits)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.concurrency import ensure_unchanged
from mulin.core.exceptions import ApplicationError, StateConflict
from mulin.core.inputs import TENTHS, clean_decimal, clean_text
from mulin.core.masking import mask_name
from mulin.core.photos import photo_clean, photo_store
from mulin.core.tasks import enqueue
from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, Person, Role, Skill, TimeSlot
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import community_staff, honour_unit_of, orgunit_enclosing
from mulin.points.services import points_award
from mulin.wishes.models import DESCRIPTION_MAX, TITLE_MAX, Wish, WishCategory, WishEvent, WishPhoto
from mulin.wishes.permissions import (
    ensure_can_claim_wish,
    ensure_can_confirm_wish,
    ensure_can_enter_wish_for,
    ensure_can_fulfil_wish,
    ensure_can_manage_categories,
    ensure_can_moderate_wish,
    ensure_can_post_wish,
    ensure_can_release_wish,
    ensure_can_view_wish_contact,
    ensure_can_withdraw_wish,
)
from mulin.wishes.selectors import category_cache_clear
from mulin.wishes.stats import hours_between, rollup_bump
from mulin.wishes.transitions import transition

S = Wish.Status
V = WishEvent.Verb
R = WishEvent.ActorRole
M = "wishes"  # audit verb prefix
MAX_PHOTOS = 3
REASON_MAX = 200
NOTE_MAX = 500
THANKS_MAX = 300


# --- helpers ------------------------------------------------------------------------------------


def _event(wish: Wish, verb: str, *, actor: Person | None, role: str, note: str = "", name: str = "") -> None:
    WishEvent.objects.create(
        wish=wish, verb=verb, actor=actor, actor_role=role, actor_name=name, note=note, created_at=timezone.now()
    )


def _audit(verb: str, actor: Actor | None, wish: Wish, **data: Any) -> None:
    audit_record(
        verb=f"{M}.{verb}", actor=actor.person if actor else None, target=wish, scope_path=wish.scope_path, data=data
    )


def _notify(kind: str, recipients: Sequence[Person | None], wish: Wish, **params: Any) -> None:
    notification_send(
        kind=kind,
        recipients=[p for p in recipients if p is not None],
        params={"title": wish.title, **params},
        url=wish.get_absolute_url(),
    )


def _role_of(actor: Actor, wish: Wish) -> str:
    if actor.person_id is not None and actor.person_id == wish.wisher_id:
        return R.WISHER
    if actor.person_id is not None and actor.person_id == wish.claimant_id:
        return R.CLAIMANT
    return R.STAFF if actor.person is not None else R.SYSTEM


def _community_and_place(home: OrgUnit) -> tuple[OrgUnit, OrgUnit]:
    """The community a home belongs to and the place the wall names (its compound, else the community)."""
    enclosing = orgunit_enclosing(home, [OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.COMPOUND])
    community = enclosing.get(OrgUnit.Kind.COMMUNITY)
    if community is None:
        raise ValidationError({"wisher": [_("The resident's home is not inside a community.")]})
    return community, enclosing.get(OrgUnit.Kind.COMPOUND, community)


# --- posting ------------------------------------------------------------------------------------


@transaction.atomic
def wish_submit(
    *,
    actor: Actor,
    title: str,
    category: WishCategory,
    description: str = "",
    wisher: Person | None = None,
    estimated_hours: Any = None,
    estimated_value: Any = None,
    preferred_time: str = "",
    shows_full_name: bool | None = None,
) -> Wish:
    """Post a wish (`submitted`): a resident for themselves, or community staff for an offline
    resident (`wisher`). Staff-entered wishes still go through verification like any other.

    Raise PermissionDenied if the actor may not post for this wisher, ValidationError (400, no
    row written) for an empty or too long title, a description over 1,000 characters, a retired
    category or out-of-range numbers.
    """
    on_behalf = wisher is not None and wisher.pk != actor.person_id
    if on_behalf:
        assert wisher is not None
        ensure_can_enter_wish_for(actor, wisher)
    else:
        ensure_can_post_wish(actor)
        wisher = actor.person
    assert wisher is not None and wisher.home_unit is not None
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the wish a title."))
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX, required=False, message="")
    if not isinstance(category, WishCategory) or not category.is_active:
        raise ValidationError({"category": [_("Choose one of the categories.")]})
    if preferred_time and preferred_time not in TimeSlot.values:
        raise ValidationError({"preferred_time": [_("Choose one of the times.")]})
    hours = clean_decimal(estimated_hours, field="estimated_hours", low=Decimal(0), high=Decimal(99), places=TENTHS)
    value = clean_decimal(estimated_value, field="estimated_value", low=Decimal(0), high=Decimal(100000))
    community, place = _community_and_place(wisher.home_unit)
    full_name = wisher.shows_full_name if shows_full_name is None else shows_full_name
    now = timezone.now()
    wish = Wish(
        community=community,
        place=place,
        scope_path=place.path,
        wisher=wisher,
        entered_by=actor.person if on_behalf else None,
        public_name=wisher.full_name if full_name else mask_name(wisher.full_name),
        title=title,
        description=description,
        category=category,
        estimated_hours=hours if hours is not None else category.default_hours,
        estimated_value=value,
        preferred_time=preferred_time,
        created_at=now,
    )
    # Field checks only: the related rows were fetched and checked above, and the database enforces
    # the constraints — full_clean would re-query each foreign key and constraint (8 queries).
    wish.full_clean(exclude=["community", "place", "wisher", "entered_by", "category"], validate_constraints=False)
    wish.save(force_insert=True)
    if on_behalf:
        _event(wish, V.ENTERED, actor=actor.person, role=R.STAFF)
    else:
        _event(wish, V.SUBMITTED, actor=wisher, role=R.WISHER)
    rollup_bump(wish, "posted")
    _audit("submitted", actor, wish, on_behalf=on_behalf)
    return wish


# --- verification --------------------------------------------------------------------------------


@transaction.atomic
def wish_publish(*, actor: Actor, wish: Wish) -> Wish:
    """Verify a submitted wish and put it on the wall; then suggest helpers and tell the best few.

    Raise PermissionDenied outside the actor's community, StateConflict if it is no longer
    awaiting verification.
    """
    ensure_can_moderate_wish(actor, wish)
    now = timezone.now()
    transition(wish, "publish", published_at=now, listed_at=now)
    _event(wish, V.PUBLISHED, actor=actor.person, role=R.STAFF)
    rollup_bump(wish, "published")
    _audit("published", actor, wish)
    _notify("wishes.published", [wish.wisher], wish)
    enqueue("wishes.match_helpers", wish_id=wish.pk)
    return wish


@transaction.atomic
def wish_reject(*, actor: Actor, wish: Wish, reason: str) -> Wish:
    """Decline to publish a submitted wish, with a reason the wisher sees."""
    ensure_can_moderate_wish(actor, wish)
    reason = clean_text(
        reason, field="reason", max_length=REASON_MAX, required=True, message=_("Say why the wish is not published.")
    )
    transition(wish, "reject", rejection_reason=reason)
    _event(wish, V.REJECTED, actor=actor.person, role=R.STAFF, note=reason)
    rollup_bump(wish, "rejected")
    _audit("rejected", actor, wish)
    _notify("wishes.rejected", [wish.wisher], wish)
    return wish


# --- claiming -----------------------------------------------------------------------------------


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
    transition(
        wish,
        "claim",
        claimant=person,
        claimant_name=person.full_name,
        claimant_unit=unit,
        claimed_at=now,
        # Decided in the UPDATE itself, not from a possibly stale copy of the row.
        first_claimed_at=Coalesce(F("first_claimed_at"), Value(now)),
    )
    _event(wish, V.CLAIMED, actor=person, role=R.CLAIMANT, name=person.full_name)
    # Counted once per wish, even if it is claimed again after a release.
    if wish.first_claimed_at == now:
        rollup_bump(wish, "claimed")
        hours = hours_between(wish.published_at, now)
        if hours is not None:
            rollup_bump(wish, "claim_hours", bucket=hours)
    _audit("claimed", actor, wish)
    _notify("wishes.claimed", [wish.wisher], wish, claimant=person.full_name)
    return wish


@transaction.atomic
def wish_release(*, actor: Actor, wish: Wish, reason: str = "") -> Wish:
    """Give a claimed wish back to the wall (the claimant, or staff for them)."""
    ensure_can_release_wish(actor, wish)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=False, message="")
    role = _role_of(actor, wish)
    claimant_id = wish.claimant_id
    transition(
        wish,
        "release",
        condition=Q(claimant_id=claimant_id),
        claimant=None,
        claimant_name="",
        claimant_unit=None,
        claimed_at=None,
        listed_at=timezone.now(),
    )
    _event(wish, V.RELEASED, actor=actor.person, role=role, note=reason)
    _audit("released", actor, wish, by=role)
    recipients: list[Person | None] = [wish.wisher]
    if role != R.CLAIMANT and claimant_id is not None:
        recipients.append(Person.objects.filter(pk=claimant_id).first())
    _notify("wishes.released", recipients, wish)
    enqueue("wishes.match_helpers", wish_id=wish.pk)
    return wish


# --- fulfilment and confirmation -----------------------------------------------------------------


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
    transition(
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
    _event(wish, V.FULFILLED, actor=actor.person, role=R.CLAIMANT, name=wish.claimant_name, note=note)
    rollup_bump(wish, "fulfilled")
    hours_waited = hours_between(wish.published_at, now)
    if hours_waited is not None:
        rollup_bump(wish, "fulfil_hours", bucket=hours_waited)
    _audit("fulfilled", actor, wish, photos=len(cleaned))
    _notify("wishes.fulfilled", [wish.wisher], wish)
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
    role = _role_of(actor, wish)
    now = timezone.now()
    transition(wish, "confirm", closed_at=now, confirmed_by=actor.person, rating=stars, thanks=thanks)
    _event(wish, V.CONFIRMED, actor=actor.person, role=role, note=thanks)
    rollup_bump(wish, "closed")
    claimant = wish.claimant
    assert claimant is not None
    entries = points_award(
        event="wish.closed",
        person=claimant,
        source=wish,
        occurred_at=wish.fulfilled_at or now,
        scope_path=wish.community.path,
        hours=wish.fulfilment_hours,
        label=wish.title,
    )
    _audit("confirmed", actor, wish, by=role, rating=stars)
    service_points = sum((e.points for e in entries if e.account == "service"), Decimal(0))
    _notify("wishes.closed", [claimant], wish, rating=stars, points=f"{service_points:g}")
    return wish


@transaction.atomic
def wish_withdraw(*, actor: Actor, wish: Wish, reason: str = "") -> Wish:
    """The wisher takes the wish back before it is fulfilled; a claimant is told."""
    ensure_can_withdraw_wish(actor, wish)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=False, message="")
    role = _role_of(actor, wish)
    transition(wish, "withdraw", withdrawn_at=timezone.now())
    _event(wish, V.WITHDRAWN, actor=actor.person, role=role, note=reason)
    rollup_bump(wish, "withdrawn")
    _audit("withdrawn", actor, wish, by=role)
    if wish.claimant_id is not None:
        _notify("wishes.withdrawn", [wish.claimant], wish)
    return wish


ACTION_SERVICES: dict[str, Callable[..., Wish]] = {
    "publish": wish_publish,
    "reject": wish_reject,
    "claim": wish_claim,
    "release": wish_release,
    "fulfil": wish_fulfil,
    "confirm": wish_confirm,
    "withdraw": wish_withdraw,
}


# --- contact ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WishContact:
    name: str
    phone: str
    address: str
    place: str
    entered_by_staff: bool


@transaction.atomic
def wish_contact_reveal(*, actor: Actor, wish: Wish) -> WishContact:
    """Show the wisher's name, phone and address to the claimant (or staff). Writes one audit row
    naming the fields, never their values."""
    ensure_can_view_wish_contact(actor, wish)
    wisher = Person.objects.get(pk=wish.wisher_id)
    audit_record(
        verb=f"{M}.contact_viewed",
        actor=actor.person,
        target=wish,
        scope_path=wish.scope_path,
        data={"fields": ["full_name", "phone", "address"], "person": wisher.pk},
    )
    return WishContact(
        wisher.full_name, wisher.phone or "", wisher.address or "", wish.place.name, bool(wish.entered_by_id)
    )


# --- categories -----------------------------------------------------------------------------------


CATEGORY_FIELDS = frozenset({"name_zh_hans", "name_en", "skills", "default_hours", "order", "is_active"})


@transaction.atomic
def category_save(
    *, actor: Actor, category: WishCategory | None = None, expected_version: Any = None, **fields: Any
) -> WishCategory:
    """Add a category (with a `code`) or change one; categories in use are retired, not deleted.

    When changing, `expected_version` (the category's `updated_at` as the form showed it) guards
    against overwriting another administrator's change: StateConflict (409) if it moved on.
    """
    ensure_can_manage_categories(actor)
    if category is not None:
        ensure_unchanged(category, expected_version)
    unknown = set(fields) - CATEGORY_FIELDS - ({"code"} if category is None else set())
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if set(fields.get("skills") or []) - set(Skill.values):
        raise ValidationError({"skills": [_("Unknown skill.")]})
    category = category or WishCategory()
    for name, value in fields.items():
        setattr(category, name, value.strip() if isinstance(value, str) else value)
    category.full_clean()
    category.save()
    category_cache_clear()
    audit_record(verb=f"{M}.category_saved", actor=actor.person, target=category)
    return category


# --- escalation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationReport:
    unclaimed_alerts: int
    reminders: int
    expired: int


def _days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def wish_escalate_due(*, now: Any = None, batch: int = 500) -> EscalationReport:
    """Run the escalation ladder once (hourly job). Each step is a conditional UPDATE on the
    wish's escalation stage, so a stage is notified once however often or concurrently this runs.

    - on the wall unclaimed for MULIN_WISH_UNCLAIMED_ALERT_DAYS (3) → the community secretary is told;
    - claimed for MULIN_WISH_CLAIM_EXPIRY_DAYS (14) without fulfilment → the claim is released,
      the claimant and the community's staff are told;
    - claimed for MULIN_WISH_CLAIM_REMINDER_DAYS (7) → the claimant is reminded.
    """
    now = now or timezone.now()
    alert_days = _days("MULIN_WISH_UNCLAIMED_ALERT_DAYS", 3)
    remind_days = _days("MULIN_WISH_CLAIM_REMINDER_DAYS", 7)
    expiry_days = _days("MULIN_WISH_CLAIM_EXPIRY_DAYS", 14)
    alerts = reminders = expired = 0

    stale = Wish.objects.filter(
        status=S.PUBLISHED, escalation_stage=Wish.Escalation.NONE, listed_at__lte=now - timedelta(days=alert_days)
    ).order_by("id")[:batch]
    for wish in stale:
        with transaction.atomic():
            if not Wish.objects.filter(
                pk=wish.pk, status=S.PUBLISHED, escalation_stage=Wish.Escalation.NONE, listed_at=wish.listed_at
            ).update(escalation_stage=Wish.Escalation.UNCLAIMED_ALERTED):
                continue
            _event(wish, V.UNCLAIMED_ALERT, actor=None, role=R.SYSTEM)
            _notify("wishes.unclaimed", community_staff(wish.community_id), wish, days=alert_days)
            audit_record(verb=f"{M}.unclaimed_alert", target=wish, scope_path=wish.scope_path)
            alerts += 1

    overdue = Wish.objects.filter(status=S.CLAIMED, claimed_at__lte=now - timedelta(days=expiry_days)).order_by("id")[
        :batch
    ]
    for wish in overdue:
        with transaction.atomic():
            claimant = wish.claimant
            try:
                transition(
                    wish,
                    "release",
                    condition=Q(claimant_id=wish.claimant_id, claimed_at=wish.claimed_at),
                    claimant=None,
                    claimant_name="",
                    claimant_unit=None,
                    claimed_at=None,
                    listed_at=now,
                )
            except StateConflict:
                continue  # fulfilled or released meanwhile
            _event(wish, V.CLAIM_EXPIRED, actor=None, role=R.SYSTEM)
            staff = community_staff(wish.community_id, (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER))
            _notify("wishes.claim_expired", [claimant, *staff], wish, days=expiry_days)
            audit_record(verb=f"{M}.claim_expired", target=wish, scope_path=wish.scope_path)
            enqueue("wishes.match_helpers", wish_id=wish.pk)
            expired += 1

    slow = Wish.objects.filter(
        status=S.CLAIMED,
        escalation_stage=Wish.Escalation.NONE,
        claimed_at__lte=now - timedelta(days=remind_days),
        claimed_at__gt=now - timedelta(days=expiry_days),
    ).order_by("id")[:batch]
    for wish in slow:
        with transaction.atomic():
            if not Wish.objects.filter(
                pk=wish.pk, status=S.CLAIMED, escalation_stage=Wish.Escalation.NONE, claimed_at=wish.claimed_at
            ).update(escalation_stage=Wish.Escalation.CLAIMANT_REMINDED):
                continue
            _event(wish, V.CLAIM_REMINDER, actor=None, role=R.SYSTEM)
            _notify("wishes.claim_reminder", [wish.claimant], wish, days=remind_days)
            reminders += 1

    return EscalationReport(alerts, reminders, expired)


def wish_action(*, actor: Actor, wish: Wish, action: str, **data: Any) -> Wish:
    """Run one lifecycle action by name (the API's /wishes/{id}/{action}/); 400 for an unknown one."""
    service = ACTION_SERVICES.get(action)
    if service is None:
        raise ApplicationError(_("Unknown action."), code="unknown_action")
    return service(actor=actor, wish=wish, **data)
