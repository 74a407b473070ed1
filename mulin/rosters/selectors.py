"""Reads of duty rosters, always scoped to the actor and joined for what the page shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q
from mulin.rosters.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AutofillJob,
    DayPart,
    DutyAbsence,
    DutyAvailability,
    DutyPoint,
    DutyRequest,
    Pledge,
    PledgeSignature,
    RosterPeriod,
    Shift,
)

C = Capability


def point_list_visible_to(
    actor: Actor, *, community: OrgUnit | None = None, include_inactive: bool = False
) -> QuerySet[DutyPoint]:
    points = DutyPoint.objects.filter(scope_q(actor, C.ROSTER_VIEW, "scope_path")).select_related(
        "compound", "community", "leader"
    )
    if community is not None:
        points = points.filter(community=community)
    if not include_inactive:
        points = points.filter(is_active=True)
    return points.order_by("scope_path", "name", "id")


def shift_list_visible_to(
    actor: Actor,
    *,
    community: OrgUnit | None = None,
    point: DutyPoint | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Shift]:
    """Shifts of the rosters the actor may see, by start time, with their point and compound."""
    shifts = Shift.objects.filter(scope_q(actor, C.ROSTER_VIEW, "scope_path")).select_related(
        "point__compound", "point__leader", "community"
    )
    if community is not None:
        shifts = shifts.filter(community=community)
    if point is not None:
        shifts = shifts.filter(point=point)
    if start is not None:
        shifts = shifts.filter(starts_at__gte=start)
    if end is not None:
        shifts = shifts.filter(starts_at__lt=end)
    return shifts.order_by("starts_at", "point_id", "id")


def period_list_visible_to(actor: Actor, *, community: OrgUnit | None = None) -> QuerySet[RosterPeriod]:
    periods = RosterPeriod.objects.filter(scope_q(actor, C.ROSTER_VIEW, "scope_path")).select_related("community")
    if community is not None:
        periods = periods.filter(community=community)
    return periods.order_by("-starts_on", "id")


def job_list_visible_to(actor: Actor) -> QuerySet[AutofillJob]:
    return AutofillJob.objects.filter(scope_q(actor, C.ROSTER_MANAGE, "scope_path")).select_related(
        "period", "community"
    )


def request_list_visible_to(actor: Actor) -> QuerySet[DutyRequest]:
    """One's own requests and those of the rosters one organises."""
    own = Q(requester_id=actor.person_id) if actor.person_id else Q(pk__in=[])
    return DutyRequest.objects.filter(own | scope_q(actor, C.ROSTER_MANAGE, "scope_path")).select_related(
        "assignment__shift__point", "requester", "substitute", "counterpart__shift__point"
    )


def request_queue(actor: Actor) -> QuerySet[DutyRequest]:
    """Pending requests the actor decides, oldest first."""
    return (
        request_list_visible_to(actor)
        .filter(scope_q(actor, C.ROSTER_MANAGE, "scope_path"), status=DutyRequest.Status.PENDING)
        .order_by("created_at", "id")
    )


def communities_organised_by(actor: Actor) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        scope_q(actor, C.ROSTER_MANAGE, "path"), kind=OrgUnit.Kind.COMMUNITY, is_active=True
    ).order_by("path")


def communities_visible_to(actor: Actor) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        scope_q(actor, C.ROSTER_VIEW, "path"), kind=OrgUnit.Kind.COMMUNITY, is_active=True
    ).order_by("path")


# --- pledges ------------------------------------------------------------------------------------


def pledge_current(community: OrgUnit) -> Pledge | None:
    """The newest version of the community's pledge, which is the one people sign."""
    return Pledge.objects.filter(community=community).order_by("-version").first()


def signature_of(person: Person | None, community: OrgUnit) -> PledgeSignature | None:
    """The person's latest signature of the community's pledge (any version), or None."""
    if person is None:
        return None
    return (
        PledgeSignature.objects.filter(person=person, community=community)
        .select_related("pledge")
        .order_by("-signed_at")
        .first()
    )


def pledge_wall(community: OrgUnit, *, limit: int = 500) -> list[PledgeSignature]:
    """The public wall: who signed, newest first, one line per person (their latest signature)."""
    seen: set[int] = set()
    rows = []
    for signature in (
        PledgeSignature.objects.filter(community=community).select_related("pledge").order_by("-signed_at", "-id")
    ):
        if signature.person_id in seen:
            continue
        seen.add(signature.person_id)
        rows.append(signature)
        if len(rows) >= limit:
            break
    return rows


# --- availability -----------------------------------------------------------------------------------


def availability_of(person: Person) -> DutyAvailability:
    """The person's declared availability (an unsaved default when they have declared none)."""
    return DutyAvailability.objects.filter(person=person).first() or DutyAvailability(person=person)


def absences_of(person: Person, *, from_date: dt.date | None = None) -> QuerySet[DutyAbsence]:
    absences = DutyAbsence.objects.filter(person=person)
    if from_date is not None:
        absences = absences.filter(ends_on__gte=from_date)
    return absences.order_by("starts_on", "id")


# --- one person's duty ------------------------------------------------------------------------------


def my_duty(person: Person, *, start: dt.datetime, end: dt.datetime | None = None) -> QuerySet[Assignment]:
    """The person's duty from `start` on (active and recorded ones), with shift and point."""
    assignments = Assignment.objects.filter(person=person, ends_at__gte=start).exclude(
        status__in=[Assignment.Status.CANCELLED, Assignment.Status.RELEASED]
    )
    if end is not None:
        assignments = assignments.filter(starts_at__lt=end)
    return assignments.select_related("shift__point__compound").order_by("starts_at", "id")


def signed_up_shift_ids(person: Person | None, shift_ids: list[int]) -> set[int]:
    if person is None or not shift_ids:
        return set()
    return set(
        Assignment.objects.filter(
            person=person, shift_id__in=shift_ids, status__in=ACTIVE_ASSIGNMENT_STATUSES
        ).values_list("shift_id", flat=True)
    )


# --- the week grid -----------------------------------------------------------------------------------


@dataclass
class GridCell:
    shift: Shift | None
    people: list[Assignment] = field(default_factory=list)
    members: int = 0

    @property
    def gap(self) -> int:
        return self.shift.gap if self.shift is not None else 0


@dataclass
class GridRow:
    point: DutyPoint
    cells: list[list[GridCell]]  # per day: [morning, evening]


@dataclass
class WeekGrid:
    community: OrgUnit
    days: list[dt.date]
    rows: list[GridRow]
    shifts: int
    needed: int
    filled: int
    with_member: int

    @property
    def coverage(self) -> Decimal:
        return Decimal(100 * self.filled / self.needed).quantize(Decimal(1)) if self.needed else Decimal(100)

    @property
    def member_share(self) -> Decimal:
        return Decimal(100 * self.with_member / self.shifts).quantize(Decimal(1)) if self.shifts else Decimal(0)


def week_grid(actor: Actor, community: OrgUnit, first_day: dt.date) -> WeekGrid:
    """A community's week: points × days × (morning, evening), with who stands on each shift.

    Three queries whatever the size: points, shifts, active assignments with their people and
    party membership. Extra shifts beyond one per half-day are folded into the same cell.
    """
    days = [first_day + dt.timedelta(days=n) for n in range(7)]
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=7)
    points = list(point_list_visible_to(actor, community=community))
    shifts = list(
        shift_list_visible_to(actor, community=community, start=start, end=end)
        .filter(status=Shift.Status.SCHEDULED)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES)
                .select_related("person__party_membership")
                .order_by("id"),
                to_attr="active_assignments",
            )
        )
    )
    by_point: dict[int, dict[tuple[int, int], GridCell]] = defaultdict(dict)
    needed = filled = with_member = 0
    for shift in shifts:
        local = timezone.localtime(shift.starts_at, tz)
        key = ((local.date() - first_day).days, 0 if shift.part == DayPart.MORNING else 1)
        cell = by_point[shift.point_id].setdefault(key, GridCell(shift=shift))
        cell.people.extend(shift.active_assignments)  # type: ignore[attr-defined]
        members = sum(1 for a in shift.active_assignments if _is_member(a.person))  # type: ignore[attr-defined]
        cell.members += members
        needed += shift.headcount
        filled += shift.filled
        with_member += 1 if members else 0
    rows = [
        GridRow(point, [[by_point[point.pk].get((d, p), GridCell(None)) for p in (0, 1)] for d in range(7)])
        for point in points
    ]
    return WeekGrid(community, days, rows, len(shifts), needed, filled, with_member)


def _is_member(person: Person) -> bool:
    try:
        return person.party_membership is not None
    except Person.party_membership.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


# --- figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFigures:
    shifts: int
    needed: int
    filled: int
    served: int
    no_shows: int
    late: int

    @property
    def coverage(self) -> Decimal:
        return Decimal(100 * self.filled / self.needed).quantize(Decimal(1)) if self.needed else Decimal(0)

    @property
    def no_show_rate(self) -> Decimal:
        done = self.served + self.no_shows
        return Decimal(100 * self.no_shows / done).quantize(Decimal(1)) if done else Decimal(0)


def roster_figures(actor: Actor, community: OrgUnit, start: dt.date, end: dt.date) -> RosterFigures:
    """Coverage, service and no-shows of a community between two dates (two aggregate queries)."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    shifts = shift_list_visible_to(actor, community=community, start=since, end=until).filter(
        status=Shift.Status.SCHEDULED
    )
    from django.db.models import Sum

    totals = shifts.aggregate(shifts=Count("id"), needed=Sum("headcount"), filled=Sum("filled"))
    duty = Assignment.objects.filter(shift__in=shifts.values("pk")).aggregate(
        served=Count("id", filter=Q(status=Assignment.Status.COMPLETED)),
        no_shows=Count("id", filter=Q(status=Assignment.Status.NO_SHOW)),
        late=Count("id", filter=Q(late_minutes__gt=0)),
    )
    return RosterFigures(
        totals["shifts"] or 0,
        totals["needed"] or 0,
        totals["filled"] or 0,
        duty["served"] or 0,
        duty["no_shows"] or 0,
        duty["late"] or 0,
    )
