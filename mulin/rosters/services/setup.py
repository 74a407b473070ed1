"""Organisers set up the roster: duty points with their weekly shift templates, days without
duty, roster periods generated from the templates, and one-off changes to single shifts."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_belongs_to
from mulin.rosters.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    DEFAULT_SHIFTS,
    Assignment,
    DutyHoliday,
    DutyPoint,
    RosterPeriod,
    Shift,
    ShiftTemplate,
)
from mulin.rosters.permissions import ensure_can_manage_rosters
from mulin.rosters.services.common import audit, clean_text

MAX_HEADCOUNT = 20
MAX_PERIOD_DAYS = 31


def _headcount(value: Any, field: str = "headcount") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Enter a whole number of people.")]}) from None
    if not 1 <= number <= MAX_HEADCOUNT:
        raise ValidationError({field: [_("A shift needs from 1 to %(max)s people.") % {"max": MAX_HEADCOUNT}]})
    return number


@transaction.atomic
def point_create(
    *,
    actor: Actor,
    compound: OrgUnit,
    name: str,
    headcount: Any = 2,
    location: str = "",
    leader: Person | None = None,
    with_default_templates: bool = True,
) -> DutyPoint:
    """Add a sorting point in a compound, with the source's daily shifts (07:00–08:30 and
    18:00–20:30, every day) unless asked not to.

    Raise PermissionDenied outside the organiser's community, ValidationError for a unit that is
    not a compound, an empty name, a headcount outside 1–20 or a leader from elsewhere.
    """
    ensure_can_manage_rosters(actor, compound.path)
    if compound.kind != OrgUnit.Kind.COMPOUND or compound.local_root is None:
        raise ValidationError({"compound": [_("Choose a residential compound.")]})
    name = clean_text(name, field="name", max_length=60, required=True, message=_("Give the point a name."))
    location = clean_text(location, field="location", max_length=120)
    people = _headcount(headcount)
    community = compound.local_root
    if leader is not None and not person_belongs_to(leader, community):
        raise ValidationError({"leader": [_("The point leader must belong to this community.")]})
    if DutyPoint.objects.filter(compound=compound, name=name).exists():
        raise ValidationError({"name": [_("This compound already has a point of that name.")]})
    point = DutyPoint.objects.create(
        community=community,
        compound=compound,
        scope_path=compound.path,
        name=name,
        location=location,
        headcount=people,
        leader=leader,
    )
    if with_default_templates:
        ShiftTemplate.objects.bulk_create(
            ShiftTemplate(point=point, weekday=weekday, start_time=start, end_time=end, headcount=people)
            for weekday in range(7)
            for start, end in DEFAULT_SHIFTS
        )
    audit("point_created", actor, point, point.scope_path)
    return point


@transaction.atomic
def point_update(
    *, actor: Actor, point: DutyPoint, headcount: Any = None, leader: Person | None = None, is_active: Any = None
) -> DutyPoint:
    """Change a point's default headcount, leader or whether it is in use (shifts already
    generated keep theirs; change those one by one)."""
    ensure_can_manage_rosters(actor, point.scope_path)
    if headcount is not None:
        point.headcount = _headcount(headcount)
    if leader is not None:
        if not person_belongs_to(leader, point.community):
            raise ValidationError({"leader": [_("The point leader must belong to this community.")]})
        point.leader = leader
    if is_active is not None:
        point.is_active = bool(is_active)
    point.save()
    audit("point_updated", actor, point, point.scope_path)
    return point


@transaction.atomic
def template_set(
    *, actor: Actor, point: DutyPoint, weekday: int, start_time: dt.time, end_time: dt.time, headcount: Any
) -> ShiftTemplate:
    """Add or change a point's weekly shift on one weekday (0 = Monday)."""
    ensure_can_manage_rosters(actor, point.scope_path)
    if weekday not in range(7):
        raise ValidationError({"weekday": [_("Choose a day of the week.")]})
    if end_time <= start_time:
        raise ValidationError({"end_time": [_("A shift must end after it starts, on the same day.")]})
    template, _created = ShiftTemplate.objects.update_or_create(
        point=point,
        weekday=weekday,
        start_time=start_time,
        defaults={"end_time": end_time, "headcount": _headcount(headcount), "is_active": True},
    )
    audit("template_set", actor, point, point.scope_path, weekday=weekday, start=start_time.isoformat())
    return template


@transaction.atomic
def holiday_set(*, actor: Actor, community: OrgUnit, date: dt.date, name: str) -> DutyHoliday:
    """Mark a day without duty in a community; periods generated afterwards skip it."""
    ensure_can_manage_rosters(actor, community.path)
    name = clean_text(name, field="name", max_length=60, required=True, message=_("Name the day."))
    holiday, _created = DutyHoliday.objects.update_or_create(community=community, date=date, defaults={"name": name})
    audit("holiday_set", actor, holiday, community.path, date=date.isoformat())
    return holiday


def period_bounds(kind: str, starts_on: dt.date) -> tuple[dt.date, dt.date]:
    """A week runs Monday to Sunday; a month from its first to its last day."""
    if kind == RosterPeriod.Kind.WEEK:
        monday = starts_on - dt.timedelta(days=starts_on.weekday())
        return monday, monday + dt.timedelta(days=6)
    if kind == RosterPeriod.Kind.MONTH:
        first = starts_on.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise ValidationError({"kind": [_("Choose a week or a month.")]})


@transaction.atomic
def period_generate(*, actor: Actor, community: OrgUnit, kind: str, starts_on: dt.date) -> RosterPeriod:
    """Create a week's or a month's roster of a community from its points' templates: one shift
    per template and day, except on days without duty.

    Raise PermissionDenied outside the organiser's community, StateConflict (409) when the
    period would overlap one the community already has (the community row is locked while
    checking, so two organisers generating at once cannot both succeed).
    """
    ensure_can_manage_rosters(actor, community.path)
    first, last = period_bounds(kind, starts_on)
    OrgUnit.objects.select_for_update().filter(pk=community.pk).first()
    if RosterPeriod.objects.filter(community=community, starts_on__lte=last, ends_on__gte=first).exists():
        raise StateConflict(
            _("The community already has a roster for some of these days."), code="roster_period_overlap"
        )
    period = RosterPeriod.objects.create(
        community=community,
        scope_path=community.path,
        kind=kind,
        starts_on=first,
        ends_on=last,
        created_by=actor.person,
    )
    shift_count = _generate_shifts(period)
    audit("period_generated", actor, period, community.path, shifts=shift_count)
    return period


def _generate_shifts(period: RosterPeriod) -> int:
    tz = timezone.get_current_timezone()
    holidays = set(
        DutyHoliday.objects.filter(
            community=period.community, date__gte=period.starts_on, date__lte=period.ends_on
        ).values_list("date", flat=True)
    )
    templates = list(
        ShiftTemplate.objects.filter(point__community=period.community, point__is_active=True, is_active=True)
        .select_related("point")
        .order_by("point_id", "weekday", "start_time")
    )
    by_weekday: dict[int, list[ShiftTemplate]] = {}
    for template in templates:
        by_weekday.setdefault(template.weekday, []).append(template)
    shifts = []
    day = period.starts_on
    while day <= period.ends_on:
        if day not in holidays:
            for template in by_weekday.get(day.weekday(), []):
                shifts.append(
                    Shift(
                        period=period,
                        point=template.point,
                        community=period.community,
                        scope_path=template.point.scope_path,
                        starts_at=dt.datetime.combine(day, template.start_time, tzinfo=tz),
                        ends_at=dt.datetime.combine(day, template.end_time, tzinfo=tz),
                        headcount=template.headcount,
                    )
                )
        day += dt.timedelta(days=1)
    Shift.objects.bulk_create(shifts, batch_size=500)
    return len(shifts)


@transaction.atomic
def shift_add(
    *,
    actor: Actor,
    period: RosterPeriod,
    point: DutyPoint,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    headcount: Any,
) -> Shift:
    """A one-off extra shift (a clean-up day, an inspection) inside a period."""
    ensure_can_manage_rosters(actor, point.scope_path)
    if point.community_id != period.community_id:
        raise ValidationError({"point": [_("Choose a point of this roster's community.")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("A shift must end after it starts.")]})
    local_day = timezone.localtime(starts_at).date()
    if not period.starts_on <= local_day <= period.ends_on:
        raise ValidationError({"starts_at": [_("The shift must lie inside the roster period.")]})
    if Shift.objects.filter(point=point, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": [_("This point already has a shift starting then.")]})
    shift = Shift.objects.create(
        period=period,
        point=point,
        community=period.community,
        scope_path=point.scope_path,
        starts_at=starts_at,
        ends_at=ends_at,
        headcount=_headcount(headcount),
        origin=Shift.Origin.EXTRA,
    )
    audit("shift_added", actor, shift, shift.scope_path)
    return shift


@transaction.atomic
def shift_change(
    *,
    actor: Actor,
    shift: Shift,
    headcount: Any = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    note: str | None = None,
) -> Shift:
    """A one-off change to one shift: fewer or more people, other hours, a note.

    The people already on it move with it; if the new hours would put one of them in two places
    at once the database refuses and nothing changes. Headcount cannot drop below the people
    already on duty (take someone off first).
    """
    ensure_can_manage_rosters(actor, shift.scope_path)
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    changes: dict[str, Any] = {}
    if headcount is not None:
        people = _headcount(headcount)
        if people < locked.filled:
            raise ValidationError(
                {
                    "headcount": [
                        _("%(n)s people are already on this shift; take someone off first.") % {"n": locked.filled}
                    ]
                }
            )
        changes["headcount"] = people
    new_start, new_end = starts_at or locked.starts_at, ends_at or locked.ends_at
    if new_end <= new_start:
        raise ValidationError({"ends_at": [_("A shift must end after it starts.")]})
    if (new_start, new_end) != (locked.starts_at, locked.ends_at):
        if Shift.objects.filter(point_id=locked.point_id, starts_at=new_start).exclude(pk=locked.pk).exists():
            raise ValidationError({"starts_at": [_("This point already has a shift starting then.")]})
        changes.update(starts_at=new_start, ends_at=new_end)
    if note is not None:
        changes["note"] = clean_text(note, field="note", max_length=200)
    if not changes:
        return locked
    Shift.objects.filter(pk=shift.pk).update(**changes, updated_at=timezone.now())
    if "starts_at" in changes:
        from mulin.rosters.services.duty import guarded

        with guarded():
            Assignment.objects.filter(shift=shift, status__in=ACTIVE_ASSIGNMENT_STATUSES).update(
                starts_at=new_start, ends_at=new_end
            )
    shift.refresh_from_db()
    audit("shift_changed", actor, shift, shift.scope_path, fields=sorted(changes))
    return shift


@transaction.atomic
def shift_cancel(*, actor: Actor, shift: Shift, note: str = "") -> Shift:
    """Cancel one shift (rain of the century, a holiday declared late); its people are released
    and told."""
    from mulin.rosters.services.common import notify

    ensure_can_manage_rosters(actor, shift.scope_path)
    note = clean_text(note, field="note", max_length=200)
    if not Shift.objects.filter(pk=shift.pk, status=Shift.Status.SCHEDULED).update(
        status=Shift.Status.CANCELLED, note=note, filled=0, updated_at=timezone.now()
    ):
        raise StateConflict(_("This shift is already cancelled."), code="shift_cancel_conflict")
    people = list(
        Person.objects.filter(
            duty_assignments__shift=shift, duty_assignments__status=Assignment.Status.ASSIGNED
        ).distinct()
    )
    Assignment.objects.filter(shift=shift, status=Assignment.Status.ASSIGNED).update(
        status=Assignment.Status.RELEASED, ended_at=timezone.now()
    )
    shift.refresh_from_db()
    notify("rosters.shift_cancelled", people, shift)
    audit("shift_cancelled", actor, shift, shift.scope_path, released=len(people))
    return shift


def shift_capacity_bump(shift_id: int, by: int) -> bool:
    """Take (by=1) or give back (by=-1) one place on a scheduled shift with a conditional UPDATE;
    False when it is full (or empty, or cancelled). The sign-up's lock."""
    rows = Shift.objects.filter(pk=shift_id, status=Shift.Status.SCHEDULED)
    if by > 0:
        rows = rows.filter(filled__lt=F("headcount"))
    else:
        rows = rows.filter(filled__gt=0)
    return rows.update(filled=F("filled") + by) == 1
