"""The micro-wish wall (微心愿): categories, wishes, their timeline, photos, suggested helpers
and the statistics rollup. The allowed transitions live in `transitions.py`."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel
from mulin.organizations.models import TimeSlot

TITLE_MAX = 60
DESCRIPTION_MAX = 1000


class WishCategory(BaseModel):
    """A kind of wish (生活帮扶, 助老 …), with the volunteer skills that suit it. Street administrators
    add, rename and retire categories; a category in use is retired, never deleted."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    skills = models.JSONField(_("matching skills"), default=list, blank=True)
    default_hours = models.DecimalField(
        _("usual hours"), max_digits=4, decimal_places=1, default=Decimal(2), validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("wish category")
        verbose_name_plural = _("wish categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


class Wish(BaseModel):
    """A resident's small request for help, posted on the wall for party members and volunteers
    to claim and fulfil."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting verification")
        PUBLISHED = "published", _("On the wall")
        REJECTED = "rejected", _("Not published")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Escalation(models.IntegerChoices):
        """How far the current listing or claim has been escalated; reset by every transition, so
        each stage is notified once per listing or claim (the conditional update is the guard)."""

        NONE = 0, _("None")
        UNCLAIMED_ALERTED = 1, _("Community secretary told it is unclaimed")
        CLAIMANT_REMINDED = 2, _("Claimant reminded")

    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="wishes", verbose_name=_("community")
    )
    # Where the wall says the wish is: the compound (or the community), never the address.
    place = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    # The place's tree path, copied so the scoped wall filters one table with an index (no join).
    scope_path = models.CharField(max_length=84, editable=False)
    wisher = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="wishes", verbose_name=_("wisher")
    )
    # The community worker who entered the wish for a resident without a smartphone.
    entered_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The wisher's name as the wall shows it, fixed when posted: in full only if they chose so.
    public_name = models.CharField(_("name on the wall"), max_length=50)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    category = models.ForeignKey(WishCategory, on_delete=models.PROTECT, related_name="wishes")
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
    )
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    preferred_time = models.CharField(_("best time"), max_length=32, choices=TimeSlot, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.SUBMITTED)
    rejection_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Kinds of personal number the title or description seem to hold ("id_number,phone"), found
    # when the wish is posted and shown to the moderators before they publish it.
    personal_numbers = models.CharField(_("personal numbers in the text"), max_length=40, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # When it last went on the wall (published, or released back): the unclaimed clock starts here.
    listed_at = models.DateTimeField(null=True, blank=True)
    claimant = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_wishes"
    )
    # The honour on the wall: the claimant's name and their branch or partner unit, as at the claim.
    claimant_name = models.CharField(max_length=50, blank=True)
    claimant_unit = models.ForeignKey(
        "organizations.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    first_claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilment_note = models.TextField(_("what was done"), max_length=500, blank=True)
    fulfilment_hours = models.DecimalField(_("hours given"), max_digits=4, decimal_places=1, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    thanks = models.CharField(_("thanks"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    escalation_stage = models.PositiveSmallIntegerField(choices=Escalation, default=Escalation.NONE)

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        indexes = [
            # The wall: status filter, newest first (keyset on id).
            models.Index(fields=["status", "-id"], name="wish_status_idx"),
            models.Index(fields=["community", "status", "-id"], name="wish_community_status_idx"),
            models.Index(fields=["category", "status", "-id"], name="wish_category_status_idx"),
            models.Index(fields=["wisher", "-id"], name="wish_wisher_idx"),
            models.Index(fields=["claimant", "status"], name="wish_claimant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "published", "rejected"]) | Q(claimant__isnull=True),
                name="wish_unclaimed_states_have_no_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["claimed", "fulfilled", "closed"]) | Q(claimant__isnull=False),
                name="wish_claimed_states_have_claimant",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="wish_rating_1_to_5"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="wish_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("wishes:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


PUBLIC_STATUSES = frozenset({Wish.Status.PUBLISHED, Wish.Status.CLAIMED, Wish.Status.FULFILLED, Wish.Status.CLOSED})
PRIVATE_STATUSES = frozenset({Wish.Status.SUBMITTED, Wish.Status.REJECTED, Wish.Status.WITHDRAWN})


class WishEvent(models.Model):
    """One step in a wish's timeline: who (by role) did what, when, and an optional note that only
    the people involved see."""

    class Verb(models.TextChoices):
        SUBMITTED = "submitted", _("Posted")
        ENTERED = "entered", _("Entered by community staff")
        PUBLISHED = "published", _("Verified and put on the wall")
        REJECTED = "rejected", _("Not published")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Claim released")
        FULFILLED = "fulfilled", _("Fulfilled")
        CONFIRMED = "confirmed", _("Confirmed and thanked")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNCLAIMED_ALERT = "unclaimed_alert", _("Unclaimed: community secretary told")
        CLAIM_REMINDER = "claim_reminder", _("Claimant reminded")
        CLAIM_EXPIRED = "claim_expired", _("Claim expired and released")

    class ActorRole(models.TextChoices):
        WISHER = "wisher", _("Wisher")
        STAFF = "staff", _("Community staff")
        CLAIMANT = "claimant", _("Claimant")
        SYSTEM = "system", _("Mulin")

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=32, choices=Verb)
    actor = models.ForeignKey("organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, choices=ActorRole)
    # Shown publicly only for claimant events (the honour); other names are not shown.
    actor_name = models.CharField(max_length=50, blank=True)
    note = models.TextField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["wish", "id"], name="wishevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.wish_id} {self.verb}"


class WishPhoto(BaseModel):
    """A photo posted with a wish (up to three) or of its fulfilment (one to three), re-encoded
    without metadata and served only through a permission-checked view (never from a public
    media URL) to the wisher, the claimant and the community's staff."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wish = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="photos")

    class Purpose(models.TextChoices):
        REQUEST = "request", _("Posted with the wish")
        EVIDENCE = "evidence", _("Evidence of fulfilment")

    uploaded_by = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.EVIDENCE)
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("wish photo")

    def __str__(self) -> str:
        return str(self.uuid)

    def get_absolute_url(self) -> str:
        return reverse("wishes:photo", args=[self.uuid])


class WishSuggestion(models.Model):
    """A helper the matcher proposed for a published wish; `notified_at` is set once they are told."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="suggestions")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField()
    reasons = models.JSONField(default=list)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wish", "person"], name="wishsuggestion_unique")]

    def __str__(self) -> str:
        return f"{self.wish_id} → {self.person_id} ({self.score})"


class WishRollup(models.Model):
    """Counters for the statistics, by community and the month the wish was posted (its cohort).

    Updated in the same transaction as each transition; `stats.wish_rollup_reconcile` rebuilds
    them from the wishes and must agree. Duration metrics count wishes per whole hour (`bucket`),
    so medians come from the histogram without reading the wishes.
    """

    class Metric(models.TextChoices):
        POSTED = "posted", _("Posted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLAIM_HOURS = "claim_hours", _("Hours from publication to first claim")
        FULFIL_HOURS = "fulfil_hours", _("Hours from publication to fulfilment")

    community = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    metric = models.CharField(max_length=16, choices=Metric)
    bucket = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month", "metric", "bucket"], name="wishrollup_unique_cell")
        ]
        indexes = [models.Index(fields=["month", "community"], name="wishrollup_month_idx")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} {self.metric}[{self.bucket}]={self.count}"
