"""Stations (阵地: 党群服务中心, 运河城市驿站, partner stations …), their floors and rooms, and room
bookings. A station belongs to a community (its host) and may be co-hosted by a partner unit.

Never two confirmed bookings of one room at overlapping times: PostgreSQL refuses them with an
exclusion constraint and SQLite with triggers (migration 0002); the services turn the refusal
into a message.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel


class StationType(BaseModel):
    """A kind of station (党群服务中心, 运河城市驿站, 共建驿站, 书吧, 红色健康驿站 …)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("station type")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


class Station(BaseModel):
    """A place where residents and party members meet and are served: address, map position,
    area, opening hours, hosting community (and partner unit), brand (一社一品)."""

    type = models.ForeignKey(StationType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("host community")
    )
    partner = models.ForeignKey(
        "organizations.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("co-hosting partner unit"),
    )
    # The host community's tree path, copied so scoped lists filter one table with an index.
    scope_path = models.CharField(max_length=84, editable=False)
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=120)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["scope_path", "name"]
        indexes = [models.Index(fields=["scope_path"], name="station_scope_idx")]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="station_unique_name_per_community"),
            models.CheckConstraint(condition=~Q(name=""), name="station_name_not_empty"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="station_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="station_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stations:detail", args=[self.pk])


class Room(BaseModel):
    """A room of a station on one floor, with its purpose and how many people it seats; bookable
    rooms can be asked for."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="rooms")
    scope_path = models.CharField(max_length=84, editable=False)
    floor = models.SmallIntegerField(_("floor"), default=1)
    name = models.CharField(_("name"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"))
    is_bookable = models.BooleanField(_("can be booked"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["station", "floor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="room_unique_name_per_station"),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=2000), name="room_capacity_1_to_2000"),
            models.CheckConstraint(condition=Q(floor__gte=-5, floor__lte=60), name="room_floor_range"),
        ]

    def __str__(self) -> str:
        return self.name


CONFIRMED = "confirmed"


class RoomBooking(BaseModel):
    """A request to use a room for a time; the station's staff confirm or decline it. Confirmed
    bookings of one room never overlap (migration 0002)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        CONFIRMED = CONFIRMED, _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room"))
    scope_path = models.CharField(max_length=84, editable=False)  # the station's community
    title = models.CharField(_("what for"), max_length=80)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.REQUESTED)
    # None for bookings the system made (the demo, imports).
    requested_by = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    decided_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="booking_room_start_idx"),
            models.Index(fields=["scope_path", "status"], name="booking_scope_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after"),
            models.CheckConstraint(condition=~Q(title=""), name="booking_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.starts_at:%Y-%m-%d %H:%M}"
