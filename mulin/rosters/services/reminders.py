"""Scheduled reminders: the evening before a duty (from 18:00 the day before), half an hour before
it, and the organisers' alert 24 hours ahead for shifts short of people. Each is sent once: a
conditional UPDATE of the row's `reminded_*` / `understaffed_alerted_at` stamp is the guard, so two
schedulers running at once cannot both send."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F
from django.utils import timezone

from mulin.organizations.models import Role
from mulin.organizations.selectors import community_staff
from mulin.rosters.models import Assignment, Shift
from mulin.rosters.services.common import notify

EVE_FROM = dt.time(18, 0)  # the evening before starts at 18:00
SOON = dt.timedelta(minutes=30)
ALERT_AHEAD = dt.timedelta(hours=24)


def _claim(assignment_id: int, field: str, now: dt.datetime) -> bool:
    return Assignment.objects.filter(pk=assignment_id, **{f"{field}__isnull": True}).update(**{field: now}) == 1


def duty_remind_due(*, now: dt.datetime | None = None, batch: int = 1000) -> dict[str, int]:
    """Send the reminders that are due now; return how many of each were sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    sent = {"eve": 0, "soon": 0, "understaffed": 0}
    if local.time() >= EVE_FROM:
        tomorrow = local.date() + dt.timedelta(days=1)
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=tz)
        due = Assignment.objects.filter(
            status=Assignment.Status.ASSIGNED,
            reminded_eve_at__isnull=True,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        for assignment in due.select_related("shift__point", "person").order_by("id")[:batch]:
            if _claim(assignment.pk, "reminded_eve_at", now):
                notify("rosters.reminder_eve", [assignment.person], assignment.shift)
                sent["eve"] += 1
    soon = Assignment.objects.filter(
        status=Assignment.Status.ASSIGNED,
        reminded_soon_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + SOON,
    )
    for assignment in soon.select_related("shift__point", "person").order_by("id")[:batch]:
        if _claim(assignment.pk, "reminded_soon_at", now):
            notify("rosters.reminder_soon", [assignment.person], assignment.shift)
            sent["soon"] += 1
    short = Shift.objects.filter(
        status=Shift.Status.SCHEDULED,
        understaffed_alerted_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ALERT_AHEAD,
        filled__lt=F("headcount"),
    ).select_related("point")
    by_community: dict[int, list[Shift]] = defaultdict(list)
    for shift in short.order_by("starts_at", "id")[:batch]:
        if Shift.objects.filter(pk=shift.pk, understaffed_alerted_at__isnull=True).update(understaffed_alerted_at=now):
            by_community[shift.community_id].append(shift)
    for community_id, shifts in by_community.items():
        staff = community_staff(community_id, roles=(Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY))
        notify("rosters.understaffed", staff, shifts[0], count=len(shifts))
        sent["understaffed"] += 1
    return sent
