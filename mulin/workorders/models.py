"""Work orders (工单): a problem someone reported, routed to whoever is responsible, fixed with
evidence, verified and closed — the one loop that patrols, inspections, roundtable action items and
Open311 clients all feed. The allowed transitions live in `transitions.py`.

Who can be responsible: a unit of the organisation tree (a community, a compound's property
management, a partner unit, a party branch) or an `ExternalDepartment` outside it (the district's
river office, city management). Exactly one of the two is set once an order is dispatched.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel

TITLE_MAX = 80
DESCRIPTION_MAX = 4000  # Open311's limit for a description
NOTE_MAX = 1000
REASON_MAX = 300
ADDRESS_MAX = 200


class _Named(models.Model):
    """A row with a Chinese and an English name, shown in the reader's language."""

    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


class ExternalDepartment(_Named, BaseModel):
    """A body outside the organisation tree that fixes problems in a street: the district's river
    office (河道监管中心), city management (城管), the water or power company. It has no accounts;
    community staff record what it reports back."""

    street = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="external_departments", verbose_name=_("street")
    )
    code = models.SlugField(_("code"), max_length=40)
    # An office line, never a person's mobile: it is shown to everyone who may dispatch.
    phone = models.CharField(_("office telephone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("external department")
        verbose_name_plural = _("external departments")
        ordering = ["street", "code"]
        constraints = [models.UniqueConstraint(fields=["street", "code"], name="externaldepartment_unique_code")]


class WorkOrderCategory(_Named, BaseModel):
    """A kind of problem (河面漂浮物, 树木倒伏 …) with its deadlines. It is an Open311 service:
    `code` is the service_code and `group` the service group."""

    class Group(models.TextChoices):
        RIVER = "river", _("Rivers and water")
        SAFETY = "safety", _("Safety hazards")
        ENVIRONMENT = "environment", _("Environment and sanitation")
        FACILITIES = "facilities", _("Public facilities")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=Group, default=Group.OTHER)
    description_zh_hans = models.CharField(_("description (Chinese)"), max_length=200, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    # From the report to its acceptance and dispatch; then from dispatch to the fix.
    accept_within_hours = models.PositiveSmallIntegerField(
        _("accept within (hours)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    resolve_within_days = models.PositiveSmallIntegerField(
        _("fix within (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("work order category")
        verbose_name_plural = _("work order categories")
        ordering = ["order", "code"]

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "").startswith("en") else self.description_zh_hans


class WorkOrder(BaseModel):
    """One problem to fix: who reported it, where, what it came from, who is responsible, and
    how far it has got."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACCEPTED = "accepted", _("Accepted")
        DISPATCHED = "dispatched", _("Dispatched")
        IN_PROGRESS = "in_progress", _("Being fixed")
        RESOLVED = "resolved", _("Fixed, awaiting verification")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        """How a closed order ended. Only FIXED says the problem is gone: the others say plainly
        that it was closed without a fix, and why (FixMyStreet's users asked for exactly this)."""

        NONE = "", _("Not closed")
        FIXED = "fixed", _("Fixed")
        DUPLICATE = "duplicate", _("Closed: reported already")
        NOT_A_PROBLEM = "not_a_problem", _("Closed: no action needed")
        CANNOT_FIX = "cannot_fix", _("Closed, not fixed")

    class Channel(models.TextChoices):
        APP = "app", _("Mulin")
        OPEN311 = "open311", _("Open311 client")

    class Escalation(models.IntegerChoices):
        """How far the current step has been escalated; reset by every transition, so each stage
        is told once per step (the conditional update is the guard)."""

        NONE = 0, _("None")
        LATE_TO_ACCEPT = 1, _("Community staff told it waits to be accepted")
        OVERDUE = 2, _("Overdue: the responsible party and community staff told")
        ESCALATED = 3, _("Escalated to the street")

    community = models.ForeignKey(
        "organizations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("community"),
        help_text=_("The community whose staff run this order (the street itself for street-level orders)."),
    )
    # The compound it is in, if known; else the community.
    place = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    # The place's tree path, copied so scoped lists filter one table with an index (no join).
    scope_path = models.CharField(max_length=84, editable=False)
    category = models.ForeignKey(WorkOrderCategory, on_delete=models.PROTECT, related_name="work_orders")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Where exactly, in words ("胜利河德胜桥东侧"): a place description, never a home address.
    address = models.CharField(_("where exactly"), max_length=ADDRESS_MAX, blank=True)
    # A link an Open311 client sent with the report; shown as a link, never fetched by the server.
    media_url = models.URLField(_("media link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.REPORTED)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel, default=Channel.APP)
    reporter = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="reported_work_orders"
    )
    # The reporter's name as everyone else sees it (masked, 汪**), fixed when reported.
    reporter_name = models.CharField(_("reported by"), max_length=50, blank=True)
    # Staff who filed it for someone else (a phone call, a roundtable decision).
    entered_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    open311_client = models.ForeignKey(
        "workorders.Open311Client", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    # What it came from (a patrol log, an inspection, a roundtable topic), linked generically so
    # this app imports none of them; `source_registry` says how each kind is shown.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    assignee_unit = models.ForeignKey(
        "organizations.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_work_orders"
    )
    assignee_department = models.ForeignKey(
        ExternalDepartment, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    # The assignee unit's path, copied so "orders dispatched to my unit" is one indexed range.
    assignee_path = models.CharField(max_length=84, blank=True, editable=False)
    # The responsible party's name as at dispatch (also Open311's agency_responsible).
    assignee_name = models.CharField(_("responsible party"), max_length=100, blank=True)
    # The last reason given for a step back or a close without a fix (Open311's status_notes).
    status_note = models.CharField(_("latest reason"), max_length=REASON_MAX, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("what was done"), max_length=NOTE_MAX, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # The reporter's answer to "is it fixed?" after closing: yes/no and 1–5.
    reporter_says_fixed = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    escalation_stage = models.PositiveSmallIntegerField(choices=Escalation, default=Escalation.NONE)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["status", "-id"], name="workorder_status_idx"),
            models.Index(fields=["scope_path", "-id"], name="workorder_scope_idx"),
            models.Index(fields=["community", "status", "-id"], name="workorder_community_idx"),
            models.Index(fields=["assignee_path", "status"], name="workorder_assignee_idx"),
            models.Index(fields=["reporter", "-id"], name="workorder_reporter_idx"),
            models.Index(fields=["source_type", "source_id"], name="workorder_source_idx"),
            models.Index(fields=["status", "due_at"], name="workorder_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workorder_title_not_empty"),
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=True) | Q(assignee_department__isnull=True),
                name="workorder_one_assignee_at_most",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["reported", "accepted"])
                | (Q(assignee_unit__isnull=True) & Q(assignee_department__isnull=True)),
                name="workorder_undispatched_has_no_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dispatched", "in_progress", "resolved", "verified"])
                | Q(assignee_unit__isnull=False)
                | Q(assignee_department__isnull=False),
                name="workorder_dispatched_has_assignee",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(resolution="")) | (~Q(status="closed") & Q(resolution="")),
                name="workorder_resolution_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="workorder_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="workorder_source_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("workorders:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        """Still with the responsible party after its deadline (a fixed order waiting for its check
        is not overdue: the party has done its part)."""
        return self.status in WITH_PARTY_STATUSES and self.due_at is not None and self.due_at < timezone.now()


WITH_PARTY_STATUSES = frozenset({WorkOrder.Status.DISPATCHED, WorkOrder.Status.IN_PROGRESS})
OPEN_STATUSES = frozenset(set(WorkOrder.Status.values) - {WorkOrder.Status.CLOSED})
ASSIGNED_STATUSES = frozenset(
    {WorkOrder.Status.DISPATCHED, WorkOrder.Status.IN_PROGRESS, WorkOrder.Status.RESOLVED, WorkOrder.Status.VERIFIED}
)


class WorkOrderEvent(models.Model):
    """One step of an order's timeline, which the reporter reads: what happened, when, by whom
    (by role; the responsible party by name) and the reason or note given."""

    class Verb(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ENTERED = "entered", _("Entered by community staff")
        ACCEPTED = "accepted", _("Accepted")
        DISPATCHED = "dispatched", _("Dispatched")
        REASSIGNED = "reassigned", _("Reassigned")
        RETURNED = "returned", _("Returned by the responsible party")
        STARTED = "started", _("Work started")
        RESOLVED = "resolved", _("Reported fixed")
        SENT_BACK = "sent_back", _("Not fixed yet: sent back")
        VERIFIED = "verified", _("Fix verified")
        CLOSED = "closed", _("Closed")
        CLOSED_UNFIXED = "closed_unfixed", _("Closed without a fix")
        REOPENED = "reopened", _("Reopened")
        RATED = "rated", _("Reporter answered “is it fixed?”")
        LATE_TO_ACCEPT = "late_to_accept", _("Waiting to be accepted: community staff told")
        OVERDUE = "overdue", _("Overdue: reminder sent")
        ESCALATED = "escalated", _("Overdue: escalated to the street")

    class ActorRole(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Community staff")
        HANDLER = "handler", _("Responsible party")
        OPEN311 = "open311", _("Open311 client")
        SYSTEM = "system", _("Mulin")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=24, choices=Verb)
    actor = models.ForeignKey("organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, choices=ActorRole)
    # The responsible party named by a dispatch or reassignment, as at that moment.
    party_name = models.CharField(max_length=100, blank=True)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["order", "id"], name="workorderevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.verb}"


class WorkOrderPhoto(BaseModel):
    """A photo of the problem, of the fix, or of the verification: re-encoded without metadata
    and served only through a permission-checked view."""

    class Stage(models.TextChoices):
        REPORT = "report", _("The problem")
        RESOLUTION = "resolution", _("The fix")
        VERIFICATION = "verification", _("The check")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(max_length=16, choices=Stage)
    uploaded_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("work order photo")
        indexes = [models.Index(fields=["order", "id"], name="workorderphoto_order_idx")]

    def __str__(self) -> str:
        return str(self.uuid)

    def get_absolute_url(self) -> str:
        return reverse("workorders:photo", args=[self.uuid])


class Open311Client(BaseModel):
    """A system allowed to file work orders through Open311 (a city hotline, a FixMyStreet
    install): its API key, stored only as a hash, scoped to one street. Issued and revoked by the
    street administration."""

    name = models.CharField(_("name"), max_length=80)
    street = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="open311_clients", verbose_name=_("street")
    )
    # Orders whose location matches no community go here.
    default_community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("default community")
    )
    # The first characters of the key, to tell keys apart on the page; the rest is never stored.
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey("organizations.Person", null=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
