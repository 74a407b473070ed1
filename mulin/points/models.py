"""The service-points ledger: rules, append-only entries and yearly service certificates.

Other apps (wishes now; rosters, patrols and activities later) credit people through
`points.services.points_award(event=..., source=...)`; they never write entries themselves.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel


class Account(models.TextChoices):
    """Two separate balances. Officials treat them differently (reference/volunteer_cn.md §4):
    service points are a spendable reward with volunteer hours beside them; the assessment score
    is part of a party member's yearly evaluation and is never spent or exchanged."""

    SERVICE = "service", _("Service points")
    ASSESSMENT = "assessment", _("Party member assessment score")


class PointRule(BaseModel):
    """How much one kind of service event earns: points and hours on one account."""

    class Hours(models.TextChoices):
        NONE = "none", _("No hours")
        FIXED = "fixed", _("A fixed number of hours")
        FROM_SOURCE = "from_source", _("The hours recorded for the service (capped)")

    class AppliesTo(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        PARTY_MEMBERS = "party_members", _("Party members (full and probationary)")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    # The event other apps report (points/events.py), e.g. "wishes.closed"; several rules may share one.
    event = models.CharField(_("event"), max_length=64, db_index=True)
    account = models.CharField(_("account"), max_length=16, choices=Account)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=1, default=Decimal(0))
    hours_mode = models.CharField(_("hours"), max_length=16, choices=Hours, default=Hours.NONE)
    hours = models.DecimalField(_("fixed hours"), max_digits=5, decimal_places=1, default=Decimal(0))
    max_hours = models.DecimalField(_("at most hours"), max_digits=5, decimal_places=1, default=Decimal(8))
    applies_to = models.CharField(_("applies to"), max_length=16, choices=AppliesTo, default=AppliesTo.EVERYONE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["event", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(account="assessment") | Q(hours_mode="none"), name="pointrule_assessment_has_no_hours"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(max_hours__gte=0), name="pointrule_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


class LedgerEntry(models.Model):
    """One credit or one correction on a person's account. Never updated, never deleted.

    The database refuses UPDATE and DELETE (migration 0002, `points/ledger_guard.py`). A wrong
    entry is put right by a compensating correction that points at it. The partial unique
    constraint makes each (source, person, rule) credit exactly once, whoever retries.
    """

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit")
        CORRECTION = "correction", _("Correction")

    person = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("person")
    )
    account = models.CharField(_("account"), max_length=16, choices=Account)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=1, default=Decimal(0))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1, default=Decimal(0))
    rule = models.ForeignKey(PointRule, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    # What earned the credit, e.g. ("wishes.wish", "42"); generic so later modules need no migration here.
    source_type = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    # When the service was given (not when it was booked): certificates count by this year.
    occurred_at = models.DateTimeField(_("service date"), default=timezone.now)
    # Where the service was given (a community's path): staff corrections are scoped by it.
    scope_path = models.CharField(max_length=84, blank=True)
    # What the service was, shown in the history (a wish's title, a shift's name); no personal data.
    label = models.CharField(_("description"), max_length=200, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["person", "account", "occurred_at"], name="ledger_person_account_idx"),
            models.Index(fields=["person", "-id"], name="ledger_person_history_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "person", "rule"],
                condition=Q(kind="credit"),
                name="ledgerentry_credit_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="credit") & Q(rule__isnull=False) & Q(corrects__isnull=True))
                | (Q(kind="correction") & Q(corrects__isnull=False) & ~Q(note="")),
                name="ledgerentry_credit_has_rule_correction_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(account="assessment") | Q(hours=0), name="ledgerentry_assessment_no_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.account} {self.points:+} ({self.kind})"


class ServiceCertificate(BaseModel):
    """A yearly volunteer-service record certificate (志愿服务记录证明) with a unique number.

    Totals are copied from the ledger when issued. If more service is booked for the year later,
    issuing again supersedes this one; the verify page then says so.
    """

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="service_certificates")
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1)
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=1)
    services_count = models.PositiveIntegerField(_("services"))
    issuer_name = models.CharField(_("issued by"), max_length=100)
    issued_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(superseded_at__isnull=True),
                name="certificate_one_current_per_year",
            ),
        ]

    def __str__(self) -> str:
        return self.number
