"""Every write of activities: create, cancel; sign up (confirmed while places last, then the
waitlist in order), cancel a sign-up (the first waiting person moves up and is told); check in by
the rotating QR code or ticked by the organiser (points for attending).

Sign-ups lock the activity's row (SELECT … FOR UPDATE) for the few statements that count places,
so 500 people pressing at once get exactly `capacity` places and a waitlist in the order they
came; SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.activities.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Activity,
    ActivitySeries,
    ActivityType,
    CalendarFeed,
    Signup,
)
from mulin.activities.permissions import (
    ensure_can_join_activity,
    ensure_can_manage_activity,
    ensure_can_organise_for,
)
from mulin.activities.points import ACTIVITY_ATTENDED
from mulin.core.audit import audit_record
from mulin.core.crypto import sm3_hex
from mulin.core.exceptions import ApplicationError, StateConflict
from mulin.core.inputs import clean_text
from mulin.core.qrcodes import qr_token_check
from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import community_of, street_of
from mulin.points.services import points_award
from mulin.stations.models import Room, RoomBooking
from mulin.stations.services import booking_request

A = Activity.Audience
QR_PURPOSE = "activities.checkin"
MAX_LENGTH = dt.timedelta(days=3)


class SignupRefused(ApplicationError):
    """The sign-up cannot be taken (already signed up, started, cancelled)."""

    status = 409
    code = "signup_refused"


def _audit(verb: str, actor: Actor | None, activity: Activity, **data: Any) -> None:
    audit_record(
        verb=f"activities.{verb}",
        actor=actor.person if actor else None,
        target=activity,
        scope_path=activity.host_path,
        data=data,
    )


def _when(activity: Activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}"


def _audience_unit(audience: str, host: OrgUnit) -> OrgUnit:
    if audience == A.EVERYONE:
        unit = street_of(host)
    elif audience == A.COMMUNITY:
        unit = community_of(host)
    else:
        unit = host
    if unit is None:
        raise ValidationError({"audience": [_("This host has no such audience; choose another.")]})
    return unit


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    type: ActivityType,
    title: str,
    host: OrgUnit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    audience: str = A.EVERYONE,
    room: Room | None = None,
    address: str = "",
    description: str = "",
    now: dt.datetime | None = None,
    series: ActivitySeries | None = None,
) -> Activity:
    """Create an activity hosted by `host`. In a station room, the room is asked for at the same
    time (confirmed at once for the station's staff, otherwise waiting for their approval); a
    room already taken refuses the activity (BookingRefused) and nothing is written."""
    ensure_can_organise_for(actor, host)
    now = now or timezone.now()
    title = clean_text(
        title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the activity a title.")
    )
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    address = clean_text(address, field="address", max_length=120)
    if audience not in A.values:
        raise ValidationError({"audience": [_("Choose who the activity is for.")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The end must come after the start.")]})
    if ends_at - starts_at > MAX_LENGTH:
        raise ValidationError({"ends_at": [_("An activity lasts at most three days; make a series instead.")]})
    if not 1 <= int(capacity) <= 100000:
        raise ValidationError(
            {"capacity": [_("Enter a number from %(low)s to %(high)s.") % {"low": 1, "high": 100000}]}
        )
    if room is None and not address:
        raise ValidationError({"address": [_("Choose a room or give an address.")]})
    audience_unit = _audience_unit(audience, host)
    booking: RoomBooking | None = None
    if room is not None:
        if int(capacity) > room.capacity:
            raise ValidationError(
                {
                    "capacity": [
                        _("The room seats %(seats)s; offer at most that many places.") % {"seats": room.capacity}
                    ]
                }
            )
        booking = booking_request(actor=actor, room=room, title=title, starts_at=starts_at, ends_at=ends_at)
    activity = Activity.objects.create(
        type=type,
        title=title,
        description=description,
        host=host,
        host_path=host.path,
        audience=audience,
        audience_unit=audience_unit,
        scope_path=audience_unit.path,
        room=room,
        booking=booking,
        address=address,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=int(capacity),
        created_by=actor.person,
        series=series,
    )
    _audit("created", actor, activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor: Actor, activity: Activity) -> Activity:
    """Cancel an activity: everyone signed up or waiting is told; its room booking is let go."""
    ensure_can_manage_activity(actor, activity)
    updated = Activity.objects.filter(pk=activity.pk, status=Activity.Status.PUBLISHED).update(
        status=Activity.Status.CANCELLED, updated_at=timezone.now()
    )
    if updated == 0:
        raise StateConflict(_("This activity is already cancelled."), code="activity_cancel_conflict")
    activity.refresh_from_db()
    people = list(
        Person.objects.filter(
            activity_signups__activity=activity, activity_signups__status__in=("confirmed", "waitlisted")
        )
    )
    if activity.booking_id is not None:
        RoomBooking.objects.filter(pk=activity.booking_id, status__in=("requested", "confirmed")).update(
            status=RoomBooking.Status.CANCELLED, updated_at=timezone.now()
        )
    _audit("cancelled", actor, activity, signed_up=len(people))
    notification_send(
        kind="activities.cancelled",
        recipients=people,
        params={"title": activity.title, "when": _when(activity)},
        url=activity.get_absolute_url(),
    )
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def activity_sign_up(*, actor: Actor, activity: Activity, now: dt.datetime | None = None) -> Signup:
    """Take a place, or the next place on the waitlist when the activity is full."""
    ensure_can_join_activity(actor, activity)
    assert actor.person is not None
    now = now or timezone.now()
    row = _locked(activity)
    if row.status != Activity.Status.PUBLISHED:
        raise SignupRefused(_("This activity is cancelled."), code="activity_cancelled")
    if row.starts_at <= now:
        raise SignupRefused(_("This activity has already started."), code="activity_started")
    if Signup.objects.filter(activity=row, person=actor.person, status__in=("confirmed", "waitlisted")).exists():
        raise SignupRefused(_("You are already signed up."), code="already_signed_up")
    if row.confirmed_count < row.capacity:
        Activity.objects.filter(pk=row.pk).update(confirmed_count=F("confirmed_count") + 1)
        fields: dict[str, Any] = {"status": Signup.Status.CONFIRMED}
    else:
        Activity.objects.filter(pk=row.pk).update(waitlist_seq=F("waitlist_seq") + 1)
        fields = {"status": Signup.Status.WAITLISTED, "position": row.waitlist_seq + 1}
    try:
        with transaction.atomic():
            signup = Signup.objects.create(activity=row, person=actor.person, created_at=now, **fields)
    except IntegrityError:
        raise SignupRefused(_("You are already signed up."), code="already_signed_up") from None
    activity.refresh_from_db()
    return signup


@transaction.atomic
def activity_sign_up_cancel(*, actor: Actor, activity: Activity, now: dt.datetime | None = None) -> Signup:
    """Give up one's place (or waitlist place). A freed place goes to the first person waiting,
    who is told."""
    if actor.person is None:
        raise SignupRefused(_("You are not signed up."), code="not_signed_up")
    now = now or timezone.now()
    row = _locked(activity)
    signup = Signup.objects.filter(activity=row, person=actor.person, status__in=("confirmed", "waitlisted")).first()
    if signup is None:
        raise SignupRefused(_("You are not signed up."), code="not_signed_up")
    if signup.checked_in_at is not None:
        raise SignupRefused(_("You have already checked in."), code="already_checked_in")
    was_confirmed = signup.status == Signup.Status.CONFIRMED
    Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.CANCELLED, position=None, cancelled_at=now)
    if was_confirmed:
        first = (
            Signup.objects.filter(activity=row, status=Signup.Status.WAITLISTED)
            .select_related("person")
            .order_by("position", "id")
            .first()
        )
        if first is not None and row.starts_at > now:
            Signup.objects.filter(pk=first.pk).update(status=Signup.Status.CONFIRMED, position=None, promoted_at=now)
            notification_send(
                kind="activities.promoted",
                recipients=[first.person],
                params={"title": row.title, "when": _when(row)},
                url=row.get_absolute_url(),
            )
        else:
            Activity.objects.filter(pk=row.pk).update(confirmed_count=F("confirmed_count") - 1)
    signup.refresh_from_db()
    activity.refresh_from_db()
    return signup


def _check_in(signup: Signup, *, method: str, now: dt.datetime) -> bool:
    """Mark the sign-up present once; True when this call did it (checking in twice counts once)."""
    updated = Signup.objects.filter(pk=signup.pk, status=Signup.Status.CONFIRMED, checked_in_at__isnull=True).update(
        checked_in_at=now, check_in_method=method
    )
    if updated:
        activity = signup.activity
        points_award(
            event=ACTIVITY_ATTENDED.key,
            person=signup.person,
            source=signup,
            occurred_at=now,
            scope_path=activity.host_path,
            label=activity.title,
        )
    return bool(updated)


def _window_open(activity: Activity, now: dt.datetime) -> None:
    if activity.status != Activity.Status.PUBLISHED:
        raise SignupRefused(_("This activity is cancelled."), code="activity_cancelled")
    if not activity.starts_at - dt.timedelta(hours=1) <= now <= activity.ends_at + dt.timedelta(hours=1):
        raise SignupRefused(
            _("Check-in opens an hour before the activity and closes an hour after it."), code="checkin_closed"
        )


@transaction.atomic
def activity_check_in(*, actor: Actor, activity: Activity, code: str, now: dt.datetime | None = None) -> Signup:
    """Check oneself in with the code scanned at the venue (it rotates every 30 s; a stale code or
    one for another activity is refused). A second check-in changes nothing."""
    now = now or timezone.now()
    qr_token_check(code, purpose=QR_PURPOSE, object_id=activity.pk, now=now.timestamp())
    _window_open(activity, now)
    signup = (
        Signup.objects.filter(activity=activity, person_id=actor.person_id or 0, status=Signup.Status.CONFIRMED)
        .select_related("person", "activity")
        .first()
    )
    if signup is None:
        raise SignupRefused(
            _("You do not have a place at this activity; ask the organiser to tick your name."), code="no_place"
        )
    if _check_in(signup, method=Signup.CheckIn.QR, now=now):
        _audit("checked_in", actor, activity, method="qr")
    signup.refresh_from_db()
    return signup


@transaction.atomic
def activity_tick(*, actor: Actor, activity: Activity, signup: Signup, now: dt.datetime | None = None) -> Signup:
    """The organiser ticks a person present (for those without a phone)."""
    ensure_can_manage_activity(actor, activity)
    now = now or timezone.now()
    _window_open(activity, now)
    if signup.activity_id != activity.pk or signup.status != Signup.Status.CONFIRMED:
        raise SignupRefused(_("This person has no place at this activity."), code="no_place")
    if _check_in(signup, method=Signup.CheckIn.ORGANISER, now=now):
        _audit("ticked", actor, activity, signup=signup.pk)
    signup.refresh_from_db()
    return signup


# --- Series ------------------------------------------------------------------------------------

SERIES_MAX = 24
R = ActivitySeries.Repeat


def series_rule(*, repeat: str, interval: int, count: int, first: dt.datetime) -> rrule:
    """The dateutil rule of a series starting at `first` (local time). Monthly by date needs a day
    up to the 28th, so that no month is skipped; by weekday, the fifth weekday means the last."""
    if repeat not in R.values:
        raise ValidationError({"repeat": [_("Choose how the activity repeats.")]})
    if not 1 <= int(interval) <= 12:
        raise ValidationError({"interval": [_("Enter a number from %(low)s to %(high)s.") % {"low": 1, "high": 12}]})
    if not 2 <= int(count) <= SERIES_MAX:
        raise ValidationError(
            {"count": [_("A series has from %(low)s to %(high)s activities.") % {"low": 2, "high": SERIES_MAX}]}
        )
    local = timezone.localtime(first)
    if repeat == R.WEEKLY:
        return rrule(WEEKLY, dtstart=local, interval=int(interval), count=int(count))
    if repeat == R.MONTHLY_DATE:
        if local.day > 28:
            raise ValidationError(
                {"repeat": [_("Not every month has this date: start on the 28th or earlier, or repeat by weekday.")]}
            )
        return rrule(MONTHLY, dtstart=local, interval=int(interval), count=int(count), bymonthday=local.day)
    nth = (local.day - 1) // 7 + 1
    return rrule(
        MONTHLY,
        dtstart=local,
        interval=int(interval),
        count=int(count),
        byweekday=weekday(local.weekday())(nth if nth <= 4 else -1),
    )


@transaction.atomic
def activity_series_create(
    *,
    actor: Actor,
    repeat: str,
    interval: int = 1,
    count: int,
    type: ActivityType,
    title: str,
    host: OrgUnit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    audience: str = A.EVERYONE,
    room: Room | None = None,
    address: str = "",
    description: str = "",
) -> ActivitySeries:
    """Create a repeating activity and all its activities at once, each booking its room. Nothing
    is written when any one is refused (a room taken on one date names that date)."""
    ensure_can_organise_for(actor, host)
    rule = series_rule(repeat=repeat, interval=interval, count=count, first=starts_at)
    title = clean_text(
        title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the activity a title.")
    )
    series = ActivitySeries.objects.create(
        repeat=repeat,
        interval=int(interval),
        count=int(count),
        rule=str(rule).splitlines()[-1].removeprefix("RRULE:"),
        title=title,
        host=host,
        host_path=host.path,
        created_by=actor.person,
    )
    length = ends_at - starts_at
    for start in rule:
        try:
            activity_create(
                actor=actor,
                type=type,
                title=title,
                host=host,
                starts_at=start,
                ends_at=start + length,
                capacity=capacity,
                audience=audience,
                room=room,
                address=address,
                description=description,
                series=series,
            )
        except ApplicationError as exc:
            raise exc.__class__(
                _("On %(day)s: %(reason)s") % {"day": f"{start:%Y-%m-%d}", "reason": exc.message}, code=exc.code
            ) from exc
    _series_audit("series_created", actor, series, count=series.count)
    return series


@transaction.atomic
def activity_series_cancel(*, actor: Actor, series: ActivitySeries, now: dt.datetime | None = None) -> int:
    """Cancel the activities of a series that have not started (everyone signed up is told, rooms
    let go); those already held stay. Returns how many were cancelled."""
    ensure_can_organise_for(actor, series.host)
    now = now or timezone.now()
    if not ActivitySeries.objects.filter(pk=series.pk, cancelled_at__isnull=True).update(cancelled_at=now):
        raise StateConflict(_("This series is already cancelled."), code="series_cancel_conflict")
    upcoming = list(
        Activity.objects.filter(series=series, status=Activity.Status.PUBLISHED, starts_at__gt=now).order_by(
            "starts_at"
        )
    )
    for activity in upcoming:
        activity_cancel(actor=actor, activity=activity)
    _series_audit("series_cancelled", actor, series, cancelled=len(upcoming))
    series.refresh_from_db()
    return len(upcoming)


def _series_audit(verb: str, actor: Actor, series: ActivitySeries, **data: Any) -> None:
    audit_record(verb=f"activities.{verb}", actor=actor.person, target=series, scope_path=series.host_path, data=data)


# --- Calendar feed -----------------------------------------------------------------------------


def _new_feed_key() -> tuple[str, str]:
    key = secrets.token_urlsafe(32)
    return key, sm3_hex(key.encode())


@transaction.atomic
def calendar_feed_reset(*, actor: Actor) -> CalendarFeed:
    """Give the actor a (new) secret calendar address; the old one stops working at once."""
    if actor.person is None:
        raise PermissionDenied(_("Only a registered person has a calendar of activities."))
    key, digest = _new_feed_key()
    feed, created = CalendarFeed.objects.update_or_create(
        person=actor.person, defaults={"key": key, "key_hash": digest}
    )
    audit_record(verb="activities.calendar_reset", actor=actor.person, target=feed, data={"first": created})
    return feed


# --- Reminders ---------------------------------------------------------------------------------
# The day before (from 18:00, like duty reminders) and an hour before, to each confirmed sign-up of
# an activity that is not cancelled. A reminder whose window has passed is never sent late: a
# sign-up made on the day gets only the hour-before one, and the day-before one is skipped once the
# hour-before one is due. Each goes once: the rows are claimed by a conditional UPDATE of their
# `reminded_*` stamp, after reading them FOR UPDATE SKIP LOCKED (PostgreSQL) or under SQLite's
# single writer, so two schedulers running at once cannot both send.

REMIND_EVE_FROM = dt.time(18, 0)
REMIND_SOON = dt.timedelta(hours=1)


def _remind(kind: str, field: str, due: Any, now: dt.datetime, batch: int) -> int:
    with transaction.atomic():
        rows = list(
            due.filter(**{f"{field}__isnull": True})
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("activity", "person")
            .order_by("activity_id", "id")[:batch]
        )
        if not rows:
            return 0
        Signup.objects.filter(pk__in=[row.pk for row in rows], **{f"{field}__isnull": True}).update(**{field: now})
        by_activity: dict[int, list[Signup]] = {}
        for row in rows:
            by_activity.setdefault(row.activity_id, []).append(row)
        for signups in by_activity.values():
            activity = signups[0].activity
            notification_send(
                kind=kind,
                recipients=[signup.person for signup in signups],
                params={"title": activity.title, "time": _when(activity)},
                url=activity.get_absolute_url(),
            )
    return len(rows)


def activity_remind_due(*, now: dt.datetime | None = None, batch: int = 1000) -> dict[str, int]:
    """Send the activity reminders that are due now; return how many of each were sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    confirmed = Signup.objects.filter(
        status=Signup.Status.CONFIRMED, activity__status=Activity.Status.PUBLISHED, activity__starts_at__gt=now
    )
    sent = {"eve": 0, "soon": 0}
    if local.time() >= REMIND_EVE_FROM:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        eve = confirmed.filter(
            activity__starts_at__gte=start,
            activity__starts_at__lt=start + dt.timedelta(days=1),
            activity__starts_at__gt=now + REMIND_SOON,
        )
        sent["eve"] = _remind("activities.reminder_eve", "reminded_eve_at", eve, now, batch)
    soon = confirmed.filter(activity__starts_at__lte=now + REMIND_SOON)
    sent["soon"] = _remind("activities.reminder_soon", "reminded_soon_at", soon, now, batch)
    return sent
