"""In-app notifications, their delivery by e-mail and SMS, and each person's preferences."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel


class Notification(BaseModel):
    """One message to one person. Text is rendered from `kind` and `params` when shown, so each
    reader sees it in their own language; `params` never hold personal data."""

    recipient = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(BaseModel):
    """A person's choice for one kind of message on one outside channel (in-app is always on)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    person = models.ForeignKey(
        "organizations.Person", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "channel"], name="notificationpreference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.channel}={self.enabled}"


class Delivery(BaseModel):
    """One attempt-tracked delivery of a notification over an outside channel. The unique pair
    makes delivery idempotent: a retried task finds the row already sent and stops."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=NotificationPreference.Channel)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_unique_channel")]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.channel}: {self.status}"
