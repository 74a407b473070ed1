"""River patrols (巡河): the street's rivers, their responsibility segments (责任段) with a polyline
and a patrol plan, and who claimed each segment (one primary, any number of backups, a person or
a branch). Patrol logs (巡河日记) are written against a segment; problems found become work
orders (mulin/workorders) linked to the log as their source."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mulin.core.masking import mask_name
from mulin.core.models import BaseModel

NAME_MAX = 60
DESCRIPTION_MAX = 500
MAX_POINTS = 500


def public_name(person: object) -> str:
    """A person as neighbours see them: the full name if they chose to show it, else 汪**."""
    if person is None:
        return ""
    full_name: str = getattr(person, "full_name", "")
    return full_name if getattr(person, "shows_full_name", False) else mask_name(full_name)


class River(BaseModel):
    """A river (or canal) that runs through a street, with its folk river chief 民间河长."""

    street = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="rivers", verbose_name=_("street")
    )
    # The street's path, copied so scoped lists filter one table (no join).
    scope_path = models.CharField(max_length=84, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    # The volunteer who keeps the river's diary (民间河长); shown by name on the river's page, as
    # the river boards along the bank do.
    folk_chief = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("folk river chief"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("river")
        verbose_name_plural = _("rivers")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="river_unique_name_in_street"),
            models.CheckConstraint(condition=~Q(name=""), name="river_name_not_empty"),
        ]
        indexes = [models.Index(fields=["scope_path", "name"], name="river_scope_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def folk_chief_name(self) -> str:
        return public_name(self.folk_chief)


class Segment(BaseModel):
    """A responsibility segment 责任段 of a river inside one community: its course as a polyline of
    [latitude, longitude] points (WGS84), its length, and its patrol plan (every N days)."""

    river = models.ForeignKey(River, on_delete=models.PROTECT, related_name="segments", verbose_name=_("river"))
    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="river_segments", verbose_name=_("community")
    )
    scope_path = models.CharField(max_length=84, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # [[latitude, longitude], …], validated by the service (2–500 points, six decimals).
    coordinates = models.JSONField(_("course"), default=list)
    length_m = models.PositiveIntegerField(_("length (m)"), default=0)
    patrol_every_days = models.PositiveSmallIntegerField(_("patrol every (days)"), default=1)
    last_patrolled_at = models.DateTimeField(_("last patrolled"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("river segment")
        verbose_name_plural = _("river segments")
        constraints = [
            models.UniqueConstraint(fields=["river", "name"], name="segment_unique_name_on_river"),
            models.CheckConstraint(condition=~Q(name=""), name="segment_name_not_empty"),
            models.CheckConstraint(
                condition=Q(patrol_every_days__gte=1, patrol_every_days__lte=30), name="segment_plan_1_to_30_days"
            ),
        ]
        indexes = [models.Index(fields=["scope_path", "id"], name="segment_scope_idx")]

    def __str__(self) -> str:
        return f"{self.river.name} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("patrols:segment", args=[self.pk])


class SegmentClaim(BaseModel):
    """Who answers for a segment: a person or a branch, as its primary (one at a time) or a
    backup. Released claims stay as history."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        BACKUP = "backup", _("Backup")

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="claims")
    role = models.CharField(_("role"), max_length=8, choices=Role)
    person = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="segment_claims"
    )
    branch = models.ForeignKey(
        "organizations.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="segment_claims"
    )
    claimed_by = models.ForeignKey("organizations.Person", null=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("segment claim")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, branch__isnull=False) | Q(person__isnull=False, branch__isnull=True),
                name="segmentclaim_person_or_branch",
            ),
            models.UniqueConstraint(
                fields=["segment"],
                condition=Q(role="primary", released_at__isnull=True),
                name="segmentclaim_one_primary",
            ),
            models.UniqueConstraint(
                fields=["segment", "person"],
                condition=Q(released_at__isnull=True, person__isnull=False),
                name="segmentclaim_person_once",
            ),
            models.UniqueConstraint(
                fields=["segment", "branch"],
                condition=Q(released_at__isnull=True, branch__isnull=False),
                name="segmentclaim_branch_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.role}"

    @property
    def claimant_name(self) -> str:
        return self.branch.name if self.branch is not None else public_name(self.person)


NOTES_MAX = 2000
MAX_TRACK_POINTS = 2000


class PatrolLog(BaseModel):
    """One patrol of a segment (a page of the 巡河日记): when, how far, what was seen on the
    checklist, free notes, photos and optionally the GPS track. A problem found becomes a work
    order whose source is this log."""

    class WaterColour(models.TextChoices):
        CLEAR = "clear", _("Clear")
        GREENISH = "greenish", _("Greenish")
        YELLOWISH = "yellowish", _("Yellowish")
        BROWN = "brown", _("Brown, muddy")
        BLACK = "black", _("Dark, black")

    class Amount(models.IntegerChoices):
        NONE = 0, _("None")
        LITTLE = 1, _("A little")
        SOME = 2, _("Some")
        MUCH = 3, _("Much")

    class Smell(models.IntegerChoices):
        NONE = 0, _("None")
        SLIGHT = 1, _("Slight")
        STRONG = 2, _("Strong")

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="logs", verbose_name=_("segment"))
    # The segment's community path, copied so scoped lists need no join.
    scope_path = models.CharField(max_length=84, editable=False)
    patroller = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="patrol_logs")
    # The patroller as neighbours see them (汪**), fixed when logged.
    patroller_name = models.CharField(_("patrolled by"), max_length=50)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    water_colour = models.CharField(_("water colour"), max_length=12, choices=WaterColour, default=WaterColour.CLEAR)
    clarity_cm = models.PositiveSmallIntegerField(_("clarity (cm)"), null=True, blank=True)
    floating_litter = models.PositiveSmallIntegerField(_("floating litter"), choices=Amount, default=Amount.NONE)
    smell = models.PositiveSmallIntegerField(_("smell"), choices=Smell, default=Smell.NONE)
    outfall_discharge = models.BooleanField(_("discharge from an outfall"), default=False)
    bank_damage = models.BooleanField(_("bank or railing damage"), default=False)
    illegal_fishing = models.BooleanField(_("illegal fishing"), default=False)
    notes = models.TextField(_("what I saw"), max_length=NOTES_MAX, blank=True)
    # [[lat, lng], …] from a GPX upload (thinned to at most 2,000 points); empty without one.
    track = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("patrol log")
        verbose_name_plural = _("patrol logs")
        indexes = [
            models.Index(fields=["segment", "-started_at"], name="patrollog_diary_idx"),
            models.Index(fields=["scope_path", "-id"], name="patrollog_scope_idx"),
            models.Index(fields=["patroller", "-id"], name="patrollog_patroller_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="patrollog_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(clarity_cm__isnull=True) | Q(clarity_cm__lte=500), name="patrollog_clarity_0_to_500"
            ),
        ]

    def __str__(self) -> str:
        # Shown on a work order as "Came from: …": no personal data.
        return f"{self.segment.river.name} · {self.segment.name} · {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("patrols:log", args=[self.pk])

    @property
    def issues(self) -> list[str]:
        """The checklist's findings, as short labels."""
        found = []
        if self.outfall_discharge:
            found.append(str(_("discharge from an outfall")))
        if self.bank_damage:
            found.append(str(_("bank or railing damage")))
        if self.illegal_fishing:
            found.append(str(_("illegal fishing")))
        return found


class PatrolPhoto(BaseModel):
    """A photo taken on a patrol: re-encoded without metadata and served only through a
    permission-checked view."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    log = models.ForeignKey(PatrolLog, on_delete=models.PROTECT, related_name="photos")
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("patrol photo")
        indexes = [models.Index(fields=["log", "id"], name="patrolphoto_log_idx")]

    def __str__(self) -> str:
        return str(self.uuid)

    def get_absolute_url(self) -> str:
        return reverse("patrols:photo", args=[self.uuid])


class Campaign(BaseModel):
    """An inspection campaign (排查行动) such as typhoon preparation 抗台防汛: a hazard checklist,
    the compounds it covers, who inspected what, and a closing summary."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under way")
        CLOSED = "closed", _("Closed")

    # The community or street that runs it; its path scopes who manages it.
    unit = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    # [{"code": "trees", "label": "树木"}, …]: what every inspection checks.
    hazards = models.JSONField(_("hazard checklist"), default=list)
    compounds = models.ManyToManyField("organizations.OrgUnit", related_name="campaigns", verbose_name=_("compounds"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    summary = models.TextField(_("closing summary"), max_length=NOTES_MAX, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")
        indexes = [models.Index(fields=["scope_path", "-id"], name="campaign_scope_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"),
            models.CheckConstraint(condition=~Q(title=""), name="campaign_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("patrols:campaign", args=[self.pk])


class Inspection(BaseModel):
    """One compound inspected in a campaign: which hazards of the checklist were found, notes;
    hazards to fix become work orders whose source is this inspection."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="inspections")
    compound = models.ForeignKey("organizations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=84, editable=False)
    inspector = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="inspections")
    inspector_name = models.CharField(_("inspected by"), max_length=50)
    inspected_at = models.DateTimeField(_("inspected"))
    # The hazard codes of the campaign's checklist that were found.
    found = models.JSONField(_("hazards found"), default=list)
    notes = models.TextField(_("notes"), max_length=NOTES_MAX, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["campaign", "compound"], name="inspection_campaign_idx")]

    def __str__(self) -> str:
        # Shown on a work order as "Came from: …": no personal data.
        return f"{self.campaign.title} · {self.inspected_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("patrols:campaign", args=[self.campaign_id])
