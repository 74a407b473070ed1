"""Infrastructure models shared by every domain app: timestamps, the audit log, queued tasks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Creation and modification times for every domain row."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One security- or governance-relevant act. Append-only and hash-chained.

    Rows never hold personal data itself (no phone, ID or address values); `data` carries
    field names, counts and ids only. Database triggers refuse UPDATE, and DELETE of rows
    younger than the legal minimum retention (migration 0002).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_person_id = models.BigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, default="ok")
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.verb}"


class QueuedTask(models.Model):
    """Background work written in the same transaction as the change that caused it.

    The row survives a broker outage: if Celery cannot be reached the task stays pending and
    `dispatch_pending` sends it again later, so nothing is lost while Redis is down.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(max_length=100)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    run_after = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="queuedtask_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class PeriodicJobRun(models.Model):
    """When each periodic job last started and finished (see core/schedule.py)."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """A client's promise that a request is one request, however often it arrives (a double
    click, a retry after a timeout). Written in the same transaction as the record the request
    created, so the unique constraint decides between two copies arriving together: the second
    waits for the first to commit, then finds its row and answers with the same record.

    Holds no request body and no response: only a digest of the request (to refuse a key reused
    for a different request) and a reference to what was created. Purged after a day
    (core/retention.py).
    """

    owner_id = models.BigIntegerField()  # the account that sent the request
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "key"], name="idempotencykey_unique_per_owner")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key}"
