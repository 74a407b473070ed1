"""Activities (活动): theme party days, lectures, performances, health checks …, held by a branch,
community, partner unit or team, in a station room or at an address, for an audience; sign-ups
with a waitlist, and attendance (check-in by the rotating QR code, or ticked by the organiser).

`confirmed_count` is kept under the activity's row lock by the sign-up services, so the places
left are read from one row and a full activity takes nobody more (`activity_never_overfilled`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mulin.core.crypto import EncryptedTextField
from mulin.core.models import BaseModel

TITLE_MAX = 80
DESCRIPTION_MAX = 2000


class ActivityType(BaseModel):
    """A kind of activity (主题党日, 讲座, 文艺演出 …); `is_branch_life` marks the 三会一课 kinds."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    is_branch_life = models.BooleanField(_("branch organisational life"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("activity type")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


class ActivitySeries(BaseModel):
    """A repeating activity (every month's theme party day): how it repeats, and the activities
    made from it at once (each is an ordinary activity with its own sign-ups and room booking)."""

    class Repeat(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY_DATE = "monthly_date", _("Every month on the same date")
        MONTHLY_WEEKDAY = "monthly_weekday", _("Every month on the same weekday (e.g. the second Tuesday)")

    repeat = models.CharField(_("repeats"), max_length=16, choices=Repeat)
    interval = models.PositiveSmallIntegerField(_("every how many"), default=1)
    count = models.PositiveSmallIntegerField(_("how many times"))
    # The same rule as an RFC 5545 RRULE (dateutil), for calendars.
    rule = models.CharField(max_length=120, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    host = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    host_path = models.CharField(max_length=84, editable=False)
    created_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=2, count__lte=24), name="activityseries_count_range"),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=12), name="activityseries_interval_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:series", args=[self.pk])


class Activity(BaseModel):
    """One activity at one time and place, with its places and sign-ups."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone in the street")
        COMMUNITY = "community", _("The host's community")
        MEMBERS = "members", _("Members of the host unit")

    type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    host = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    host_path = models.CharField(max_length=84, editable=False)  # who organises it (permission checks)
    audience = models.CharField(_("open to"), max_length=16, choices=Audience, default=Audience.EVERYONE)
    # The unit whose people the activity is for (the street for everyone), copied as a path so the
    # visible list filters one table.
    audience_unit = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    room = models.ForeignKey(
        "stations.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    booking = models.ForeignKey(
        "stations.RoomBooking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("where"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    waitlist_seq = models.PositiveIntegerField(default=0, editable=False)  # last waitlist position given
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    series = models.ForeignKey(
        ActivitySeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["scope_path", "starts_at"], name="activity_scope_start_idx"),
            models.Index(fields=["host_path", "starts_at"], name="activity_host_start_idx"),
            models.Index(fields=["starts_at"], name="activity_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after"),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=100000), name="activity_capacity_range"),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=models.F("capacity")), name="activity_never_overfilled"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="activity_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def place_name(self) -> str:
        if self.room is not None:
            return f"{self.room.station.name} · {self.room.name}"
        return self.address


ACTIVE_SIGNUP_STATUSES = ("confirmed", "waitlisted")


class Signup(models.Model):
    """A person's place at an activity: confirmed, or waiting (`position` in the waitlist);
    checked in when they came."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class CheckIn(models.TextChoices):
        NONE = "", _("Not yet")
        QR = "qr", _("Scanned the code")
        ORGANISER = "organiser", _("Ticked by the organiser")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="activity_signups")
    status = models.CharField(_("status"), max_length=16, choices=Status)
    position = models.PositiveIntegerField(null=True, blank=True)  # waitlist order while waitlisted
    created_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_method = models.CharField(max_length=16, choices=CheckIn, blank=True, default="")
    # When the reminders went (services.activity_remind_due): set once, by a conditional UPDATE.
    reminded_eve_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_soon_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sign-up")
        ordering = ["activity", "created_at", "id"]
        indexes = [
            models.Index(fields=["activity", "status", "position"], name="signup_activity_status_idx"),
            models.Index(fields=["person", "status"], name="signup_person_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=ACTIVE_SIGNUP_STATUSES),
                name="signup_once_per_activity",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(position__isnull=False), name="signup_waitlisted_has_position"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"), name="signup_check_in_when_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.activity_id} ({self.status})"


class CalendarFeed(BaseModel):
    """A person's secret address of "my activities" as an iCalendar feed that a phone calendar
    subscribes to. Resetting it gives a new address; the old one answers 404 from then on."""

    person = models.OneToOneField("organizations.Person", on_delete=models.CASCADE, related_name="activity_calendar")
    # The secret in the address, shown to its owner (encrypted), and its SM3 digest for the lookup:
    # 32 random bytes need no key to be unguessable from their digest.
    key = EncryptedTextField()
    key_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("activity calendar address")

    def __str__(self) -> str:
        return f"calendar of {self.person_id}"
