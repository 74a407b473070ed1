"""Auto-fill of a roster period: an organiser starts a run (a background job with progress), the
solver proposes a roster (`mulin/rosters/autofill.py`), the organiser previews it beside a greedy
fill and applies it. Applying places people with the same locks as a sign-up, keeps whatever
changed meanwhile (a place taken, a new absence), and tells each person their shifts once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.tasks import enqueue
from mulin.notifications.services import notification_send
from mulin.organizations.models import PartyMembership, Person
from mulin.organizations.scoping import Actor
from mulin.rosters.autofill import Candidate, Problem, ShiftSlot, greedy, solve
from mulin.rosters.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AutofillJob,
    DutyAbsence,
    DutyAvailability,
    PledgeSignature,
    RosterPeriod,
    Shift,
    day_part,
)
from mulin.rosters.permissions import ensure_can_manage_rosters
from mulin.rosters.services.common import audit
from mulin.rosters.transitions import transition

TASK = "rosters.autofill"
DEFAULT_MAX_PER_WEEK = DutyAvailability._meta.get_field("max_shifts_per_week").default
MAX_TIME_LIMIT = 120


def _compound_of(person: Person) -> int | None:
    """The compound a person lives in (their home unit or its ancestor of kind compound)."""
    unit = person.home_unit
    while unit is not None and unit.kind not in ("compound",):
        unit = unit.parent
    return unit.pk if unit is not None else None


def problem_for(period: RosterPeriod) -> Problem:
    """The period's open places and the people who signed the community's pledge, as plain values
    (a fixed number of queries whatever the size)."""
    tz = timezone.get_current_timezone()
    shifts = list(
        Shift.objects.filter(period=period, status=Shift.Status.SCHEDULED, starts_at__gt=timezone.now())
        .select_related("point")
        .order_by("starts_at", "point_id", "id")
    )
    active = list(
        Assignment.objects.filter(shift__in=[s.pk for s in shifts], status__in=ACTIVE_ASSIGNMENT_STATUSES).values_list(
            "shift_id", "person_id"
        )
    )
    kept: dict[int, set[int]] = defaultdict(set)
    for shift_id, person_id in active:
        kept[shift_id].add(person_id)
    signer_ids = set(
        PledgeSignature.objects.filter(community=period.community, person__is_active=True).values_list(
            "person_id", flat=True
        )
    )
    members = set(PartyMembership.objects.filter(person_id__in=signer_ids).values_list("person_id", flat=True))
    monday = period.starts_on - dt.timedelta(days=period.starts_on.weekday())
    slots = []
    for shift in shifts:
        local = timezone.localtime(shift.starts_at, tz)
        slots.append(
            ShiftSlot(
                id=shift.pk,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                day=local.date(),
                slot=f"{local.weekday()}-{day_part(local.time())}",
                week=(local.date() - monday).days // 7,
                compound_id=shift.point.compound_id,
                open_places=max(shift.headcount - len(kept[shift.pk]), 0),
                kept=frozenset(kept[shift.pk]),
                kept_member=bool(kept[shift.pk] & members),
            )
        )
    availability = {a.person_id: a for a in DutyAvailability.objects.filter(person_id__in=signer_ids)}
    away: dict[int, set[dt.date]] = defaultdict(set)
    for absence in DutyAbsence.objects.filter(
        person_id__in=signer_ids, ends_on__gte=period.starts_on, starts_on__lte=period.ends_on
    ):
        day = max(absence.starts_on, period.starts_on)
        while day <= min(absence.ends_on, period.ends_on):
            away[absence.person_id].add(day)
            day += dt.timedelta(days=1)
    shift_ids = {s.pk for s in shifts}
    start = min((s.starts_at for s in shifts), default=timezone.now()) - dt.timedelta(days=1)
    end = max((s.ends_at for s in shifts), default=timezone.now()) + dt.timedelta(days=1)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    kept_weeks: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    week_of = {slot.id: slot.week for slot in slots}
    for shift_id, person_id, starts_at, ends_at in Assignment.objects.filter(
        person_id__in=signer_ids,
        status__in=ACTIVE_ASSIGNMENT_STATUSES,
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("shift_id", "person_id", "starts_at", "ends_at"):
        busy[person_id].append((starts_at, ends_at))
        if shift_id in shift_ids:
            kept_weeks[person_id][week_of[shift_id]] += 1
    people = []
    for person in Person.objects.filter(pk__in=signer_ids).select_related("home_unit__parent").order_by("pk"):
        declared = availability.get(person.pk)
        people.append(
            Candidate(
                id=person.pk,
                compound_id=_compound_of(person),
                is_member=person.pk in members,
                slots=frozenset(declared.slots) if declared else frozenset(),
                max_per_week=declared.max_shifts_per_week if declared else DEFAULT_MAX_PER_WEEK,
                away=frozenset(away[person.pk]),
                busy=tuple(sorted(busy[person.pk])),
                kept_per_week=dict(kept_weeks[person.pk]),
            )
        )
    return Problem(shifts=slots, people=people)


@transaction.atomic
def autofill_start(*, actor: Actor, period: RosterPeriod, seed: int = 1, time_limit_seconds: int = 20) -> AutofillJob:
    """Queue an auto-fill run of the period (organisers); it runs in the background."""
    ensure_can_manage_rosters(actor, period.scope_path)
    if not 1 <= int(time_limit_seconds) <= MAX_TIME_LIMIT:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"time_limit_seconds": [_("Choose from 1 to %(max)s seconds.") % {"max": MAX_TIME_LIMIT}]}
        )
    job = AutofillJob.objects.create(
        period=period,
        community=period.community,
        scope_path=period.scope_path,
        requested_by=actor.person,
        seed=int(seed),
        time_limit_seconds=int(time_limit_seconds),
    )
    audit("autofill_started", actor, job, period.scope_path, seed=job.seed)
    enqueue(TASK, job_id=job.pk)
    return job


def autofill_run(job_id: int) -> AutofillJob | None:
    """Solve one queued run and keep the proposal (idempotent: a run already started is left)."""
    job = AutofillJob.objects.select_related("period__community").filter(pk=job_id).first()
    if job is None:
        return None
    try:
        transition(job, "start", started_at=timezone.now(), progress=1)
    except StateConflict:
        return job
    try:
        problem = problem_for(job.period)

        def progress(percent: int) -> None:
            AutofillJob.objects.filter(pk=job.pk, status=AutofillJob.Status.RUNNING).update(progress=percent)

        baseline = greedy(problem)
        solution = solve(problem, seed=job.seed, time_limit=job.time_limit_seconds, progress=progress)
        result = solution.as_json()
        result["greedy"] = {
            "filled": baseline.filled,
            "with_member": baseline.with_member,
            "fairness": baseline.fairness,
        }
        result["people"] = len(problem.people)
        result["shifts"] = len(problem.shifts)
        transition(job, "finish", result=result, progress=100, finished_at=timezone.now())
    except Exception as exc:
        AutofillJob.objects.filter(pk=job.pk).update(
            status=AutofillJob.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    if job.requested_by is not None:
        notification_send(
            kind="rosters.autofill_done",
            recipients=[job.requested_by],
            params={"period": str(job.period), "filled": result["filled"], "needed": result["needed"]},
            url=reverse("rosters:mine"),
        )
    return job


@transaction.atomic
def autofill_apply(*, actor: Actor, job: AutofillJob) -> dict[str, int]:
    """Put the proposed people on their shifts. A place that can no longer be taken (someone
    signed up meanwhile, the person is now away or on other duty) is skipped and counted. Each
    person placed is told once, with how many shifts they have."""
    from mulin.rosters.services.duty import DutyRefused, _ensure_can_stand, _take_place

    ensure_can_manage_rosters(actor, job.scope_path)
    transition(job, "apply", applied_at=timezone.now(), applied_by=actor.person)
    pairs = [tuple(pair) for pair in job.result.get("pairs", [])]
    shifts = {s.pk: s for s in Shift.objects.filter(pk__in={p[0] for p in pairs}).select_related("point")}
    people = {p.pk: p for p in Person.objects.filter(pk__in={p[1] for p in pairs})}
    now = timezone.now()
    placed: dict[int, list[Shift]] = defaultdict(list)
    skipped = 0
    for shift_id, person_id in pairs:
        shift, person = shifts.get(shift_id), people.get(person_id)
        if shift is None or person is None:
            skipped += 1
            continue
        day = timezone.localtime(shift.starts_at).date()
        try:
            with transaction.atomic():
                shift.refresh_from_db(fields=["status", "filled"])
                _ensure_can_stand(person, shift, now=now)
                if DutyAbsence.objects.filter(person=person, starts_on__lte=day, ends_on__gte=day).exists():
                    raise DutyRefused(_("This person said they are away that day."), code="away")
                _take_place(shift, person, source=Assignment.Source.AUTOFILL, by=actor.person)
        except DutyRefused:
            skipped += 1
            continue
        placed[person_id].append(shift)
    for person_id, their in placed.items():
        first = min(their, key=lambda s: s.starts_at)
        local = timezone.localtime(first.starts_at)
        notification_send(
            kind="rosters.roster_applied",
            recipients=[people[person_id]],
            params={
                "count": len(their),
                "period": str(job.period),
                "point": first.point.name,
                "date": local.strftime("%Y-%m-%d"),
                "time": f"{local:%H:%M}–{timezone.localtime(first.ends_at):%H:%M}",
            },
            url=reverse("rosters:mine"),
        )
    outcome = {"placed": sum(len(v) for v in placed.values()), "skipped": skipped, "people": len(placed)}
    audit("autofill_applied", actor, job, job.scope_path, **outcome)
    return outcome


__all__ = ["autofill_apply", "autofill_run", "autofill_start", "problem_for"]
