"""Health checks (健康检测) by a partner unit's health staff at its health-check activities.

A resident gives separate written consent to one partner unit (`HealthConsent`, withdrawable);
while it stands, the partner's staff record measured values (`HealthCheck`). The values are
sensitive personal data (PIPL Art. 28): stored SM4-GCM encrypted in one column, shown only to the
resident and to that partner's staff, never in a list another person sees, never in a log or an
audit row. Public figures are person-times only (a count of rows).
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mulin.core.crypto import EncryptedTextField
from mulin.core.models import BaseModel
from mulin.health.measures import BY_CODE, MEASURES, Measure

FORM_REFERENCE_MAX = 40


class HealthConsent(BaseModel):
    """A resident's written consent that one partner unit measures and keeps their health values."""

    person = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="health_consents", verbose_name=_("resident")
    )
    partner = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner unit")
    )
    partner_path = models.CharField(max_length=84, editable=False)
    # The number written on the signed paper form, so the form can be found in the partner's files.
    form_reference = models.CharField(_("consent form number"), max_length=FORM_REFERENCE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("health-check consent")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "partner"], condition=Q(withdrawn_at__isnull=True), name="healthconsent_one_standing"
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class HealthCheck(BaseModel):
    """One resident's readings taken at one health-check activity (values encrypted)."""

    person = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="health_checks", verbose_name=_("resident")
    )
    partner = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner unit")
    )
    partner_path = models.CharField(max_length=84, editable=False)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    consent = models.ForeignKey(HealthConsent, on_delete=models.PROTECT, related_name="checks")
    measured_at = models.DateTimeField(_("measured"))
    # {"systolic": "128", "glucose": "5.6", …}: every reading in the one encrypted column.
    measurements = EncryptedTextField(_("readings"))
    recorded_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("health check")
        ordering = ["-measured_at", "-id"]
        indexes = [
            models.Index(fields=["person", "measured_at"], name="healthcheck_person_idx"),
            models.Index(fields=["activity", "person"], name="healthcheck_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"health check {self.pk}"

    def values(self) -> dict[str, Decimal]:
        """The readings by measure code, in the table's order."""
        raw = json.loads(self.measurements or "{}")
        return {m.code: Decimal(raw[m.code]) for m in MEASURES if m.code in raw}

    def readings(self) -> list[tuple[Measure, Decimal]]:
        return [(BY_CODE[code], value) for code, value in self.values().items()]

    @staticmethod
    def encode(values: dict[str, Decimal]) -> str:
        return json.dumps({code: str(value) for code, value in values.items()}, sort_keys=True)
