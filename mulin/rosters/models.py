"""Duty rosters for garbage-sorting supervision (垃圾分类督导): sorting points, their weekly shift
templates, roster periods generated from them, shifts, who stands duty on each (assignments),
the community's responsibility pledge (责任保证书) and its signatures, people's availability,
leave and swap requests, and the auto-fill jobs.

Shift and assignment lifecycles live in `transitions.py`. Nobody stands on two shifts at once:
PostgreSQL refuses overlapping active assignments of one person with an exclusion constraint and
SQLite with a trigger (migration 0002); the services check first so the refusal has words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel

MORNING_ENDS = dt.time(12, 0)  # a shift starting before noon is a morning shift
DEFAULT_SHIFTS = ((dt.time(7, 0), dt.time(8, 30)), (dt.time(18, 0), dt.time(20, 30)))  # the source's hours


class DayPart(models.TextChoices):
    """The halves of the day that availability is declared in."""

    MORNING = "morning", _("Morning")
    EVENING = "evening", _("Evening")


def day_part(start: dt.time) -> str:
    return DayPart.MORNING if start < MORNING_ENDS else DayPart.EVENING


class DutyPoint(BaseModel):
    """A garbage-sorting point (投放点) in a compound where people stand duty, with how many each
    shift needs and the leader who may tick people present."""

    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="duty_points", verbose_name=_("compound")
    )
    # The compound's tree path, copied so scoped lists filter one table with an index.
    scope_path = models.CharField(max_length=84, editable=False)
    name = models.CharField(_("name"), max_length=60)
    location = models.CharField(_("where exactly"), max_length=120, blank=True)
    headcount = models.PositiveSmallIntegerField(_("people per shift"), default=2)
    leader = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("point leader"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("duty point")
        verbose_name_plural = _("duty points")
        ordering = ["scope_path", "name"]
        indexes = [models.Index(fields=["community", "is_active"], name="dutypoint_community_idx")]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="dutypoint_unique_name_per_compound"),
            models.CheckConstraint(
                condition=Q(headcount__gte=1, headcount__lte=20), name="dutypoint_headcount_1_to_20"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="dutypoint_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class ShiftTemplate(BaseModel):
    """A recurring shift of a point on one weekday (0 = Monday): its hours and headcount. Roster
    periods are generated from these."""

    point = models.ForeignKey(DutyPoint, on_delete=models.CASCADE, related_name="templates")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    headcount = models.PositiveSmallIntegerField(_("people"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("shift template")
        ordering = ["point", "weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["point", "weekday", "start_time"], name="shifttemplate_unique_slot"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="shifttemplate_weekday_0_to_6"),
            # Sorting duty never runs past midnight; a template ends on the day it starts.
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="shifttemplate_ends_after"),
            models.CheckConstraint(
                condition=Q(headcount__gte=1, headcount__lte=20), name="shifttemplate_headcount_1_to_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.weekday} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DutyHoliday(BaseModel):
    """A day on which a community stands no duty (a holiday, a clean-up day): generation skips it."""

    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("day without duty")
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="dutyholiday_unique_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class RosterPeriod(BaseModel):
    """A week or a month of a community's roster, generated from the templates; what auto-fill
    solves and organisers publish. Periods of one community never overlap."""

    class Kind(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    scope_path = models.CharField(max_length=84, editable=False)
    kind = models.CharField(_("length"), max_length=8, choices=Kind)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("roster period")
        ordering = ["community", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["community", "starts_on"], name="rosterperiod_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="rosterperiod_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class Shift(models.Model):
    """One shift at a point: when, how many people it needs and how many stand on it (`filled`,
    kept by the sign-up's conditional UPDATE so a full shift takes nobody more)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        TEMPLATE = "template", _("From the weekly pattern")
        EXTRA = "extra", _("Added for this day")

    period = models.ForeignKey(RosterPeriod, on_delete=models.CASCADE, related_name="shifts")
    point = models.ForeignKey(DutyPoint, on_delete=models.PROTECT, related_name="shifts")
    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    headcount = models.PositiveSmallIntegerField(_("people needed"))
    filled = models.PositiveSmallIntegerField(_("people on duty"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.SCHEDULED)
    origin = models.CharField(max_length=16, choices=Origin, default=Origin.TEMPLATE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # When organisers were told it is short-handed (once per shift; the job's guard).
    understaffed_alerted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shift")
        ordering = ["starts_at", "point_id"]
        indexes = [
            models.Index(fields=["community", "starts_at"], name="shift_community_start_idx"),
            models.Index(fields=["point", "starts_at"], name="shift_point_start_idx"),
            models.Index(fields=["status", "starts_at"], name="shift_status_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["point", "starts_at"], name="shift_unique_point_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after"),
            models.CheckConstraint(condition=Q(headcount__gte=1, headcount__lte=20), name="shift_headcount_1_to_20"),
            models.CheckConstraint(condition=Q(filled__lte=models.F("headcount")), name="shift_never_overfilled"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def part(self) -> str:
        from django.utils import timezone

        return day_part(timezone.localtime(self.starts_at).time())

    @property
    def gap(self) -> int:
        return max(self.headcount - self.filled, 0) if self.status == self.Status.SCHEDULED else 0

    @property
    def hours(self) -> Decimal:
        return Decimal(int((self.ends_at - self.starts_at).total_seconds() // 360)) / 10


ACTIVE_ASSIGNMENT_STATUSES = ("assigned", "checked_in", "completed")


class Assignment(models.Model):
    """A person standing duty on a shift: signed up, assigned by an organiser, by auto-fill or by a
    swap; then checked in, completed (hours credited) or recorded as a no-show.

    Start and end are copied from the shift so the database can refuse overlaps of one person
    (exclusion constraint on PostgreSQL, trigger on SQLite, migration 0002).
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("On the roster")
        CHECKED_IN = "checked_in", _("On duty")
        COMPLETED = "completed", _("Served")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Withdrawn")
        RELEASED = "released", _("Released (leave or swap)")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Signed up")
        ORGANISER = "organiser", _("Assigned by an organiser")
        AUTOFILL = "autofill", _("Auto-fill")
        SWAP = "swap", _("Swap")

    class CheckMethod(models.TextChoices):
        NONE = "", _("Not yet")
        QR = "qr", _("Scanned the point's code")
        LEADER = "leader", _("Ticked by the point leader")
        AUTO = "auto", _("Closed automatically")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="duty_assignments")
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ASSIGNED)
    source = models.CharField(_("how"), max_length=16, choices=Source)
    assigned_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_method = models.CharField(max_length=8, choices=CheckMethod, blank=True, default="")
    checked_out_at = models.DateTimeField(null=True, blank=True)
    check_out_method = models.CharField(max_length=8, choices=CheckMethod, blank=True, default="")
    late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # withdrawn, released or marked a no-show
    # Reminders sent (each once; the periodic job's conditional UPDATE is the guard).
    reminded_eve_at = models.DateTimeField(null=True, blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("duty assignment")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["person", "starts_at"], name="assignment_person_start_idx"),
            models.Index(fields=["shift", "status"], name="assignment_shift_status_idx"),
            models.Index(fields=["status", "starts_at"], name="assignment_status_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"],
                condition=Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_once_per_shift",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="assignment_ends_after"),
            models.CheckConstraint(
                condition=~Q(status__in=["checked_in", "completed"]) | Q(checked_in_at__isnull=False),
                name="assignment_on_duty_has_check_in",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | (Q(checked_out_at__isnull=False) & Q(hours__isnull=False)),
                name="assignment_completed_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.shift_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES


class Pledge(BaseModel):
    """One version of a community's responsibility pledge (责任保证书). The newest is the one people
    sign; a signature keeps the version it was given to."""

    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("pledge title"), max_length=60)
    body = models.TextField(_("text"), max_length=3000)
    published_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pledge")
        ordering = ["community", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["community", "version"], name="pledge_unique_version"),
            models.CheckConstraint(condition=~Q(body=""), name="pledge_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class PledgeSignature(models.Model):
    """A person signed a version of their community's pledge: a condition for taking duty there,
    and a line on the community's public pledge wall (亮身份)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="signatures")
    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="pledge_signatures")
    # The name the wall shows, fixed when signed: in full only if the person lets neighbours see it.
    public_name = models.CharField(max_length=50)
    is_party_member = models.BooleanField(default=False)  # the wall marks members (以红引绿)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pledge signature")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["community", "-signed_at"], name="signature_wall_idx")]
        constraints = [models.UniqueConstraint(fields=["pledge", "person"], name="signature_once_per_version")]

    def __str__(self) -> str:
        return f"{self.person_id} signed {self.pledge_id}"


class DutyAvailability(BaseModel):
    """When a person can stand duty: weekday × morning/evening slots ("0-morning" … "6-evening"),
    and at most how many shifts a week. No row, or no slots, means "any time"."""

    person = models.OneToOneField("organizations.Person", on_delete=models.CASCADE, related_name="duty_availability")
    slots = models.JSONField(_("times"), default=list, blank=True)
    max_shifts_per_week = models.PositiveSmallIntegerField(_("at most shifts a week"), default=4)

    class Meta:
        verbose_name = _("duty availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_shifts_per_week__gte=1, max_shifts_per_week__lte=14), name="availability_max_1_to_14"
            )
        ]

    def __str__(self) -> str:
        return str(self.person_id)


class DutyAbsence(BaseModel):
    """Dates a person is away: no duty for them, and auto-fill leaves them out."""

    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="duty_absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("absence")
        ordering = ["person", "starts_on"]
        indexes = [models.Index(fields=["person", "ends_on"], name="absence_person_end_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_on}–{self.ends_on}"


class DutyRequest(BaseModel):
    """A request to leave a shift (请假) or to hand it to someone else (换班), optionally taking one
    of theirs in exchange; an organiser approves or declines it."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SWAP = "swap", _("Swap")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    # Swap: who takes the shift, and (optional) which of their shifts the requester takes instead.
    substitute = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterpart = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="counter_requests"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave or swap request")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="dutyrequest_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="dutyrequest_one_pending_per_assignment"
            ),
            models.CheckConstraint(
                condition=Q(kind="leave", substitute__isnull=True, counterpart__isnull=True)
                | Q(kind="swap", substitute__isnull=False),
                name="dutyrequest_swap_has_substitute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.assignment_id} ({self.status})"


class AutofillJob(BaseModel):
    """One auto-fill run for a roster period: its progress while it runs in the background, then
    the proposed roster, the gaps it could not fill with the reasons, and the fairness figures
    beside a greedy fill. Nothing is written to the roster until an organiser applies it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Working")
        DONE = "done", _("Ready to review")
        FAILED = "failed", _("Failed")
        APPLIED = "applied", _("Applied")

    period = models.ForeignKey(RosterPeriod, on_delete=models.CASCADE, related_name="autofill_jobs")
    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    requested_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    seed = models.PositiveIntegerField(default=1)
    time_limit_seconds = models.PositiveSmallIntegerField(default=20)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("auto-fill run")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="autofilljob_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"autofill {self.period_id} ({self.status})"
