"""The escalation ladder: unclaimed alerts, claimant reminders and expired claims (hourly job)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mulin.core.audit import audit_record
from mulin.core.exceptions import StateConflict
from mulin.core.tasks import enqueue
from mulin.organizations.models import Role
from mulin.organizations.selectors import community_staff
from mulin.wishes.models import Wish
from mulin.wishes.services._common import M, R, S, V, event_add, notify
from mulin.wishes.transitions import WISH_LIFECYCLE


@dataclass(frozen=True)
class EscalationReport:
    unclaimed_alerts: int
    reminders: int
    expired: int


def _days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def wish_escalate_due(*, now: Any = None, batch: int = 500) -> EscalationReport:
    """Run the escalation ladder once (hourly job). Each step is a conditional UPDATE on the
    wish's escalation stage, so a stage is notified once however often or concurrently this runs.

    - on the wall unclaimed for MULIN_WISH_UNCLAIMED_ALERT_DAYS (3) → the community secretary is told;
    - claimed for MULIN_WISH_CLAIM_EXPIRY_DAYS (14) without fulfilment → the claim is released,
      the claimant and the community's staff are told;
    - claimed for MULIN_WISH_CLAIM_REMINDER_DAYS (7) → the claimant is reminded.
    """
    now = now or timezone.now()
    alert_days = _days("MULIN_WISH_UNCLAIMED_ALERT_DAYS", 3)
    remind_days = _days("MULIN_WISH_CLAIM_REMINDER_DAYS", 7)
    expiry_days = _days("MULIN_WISH_CLAIM_EXPIRY_DAYS", 14)
    alerts = reminders = expired = 0

    stale = Wish.objects.filter(
        status=S.PUBLISHED, escalation_stage=Wish.Escalation.NONE, listed_at__lte=now - timedelta(days=alert_days)
    ).order_by("id")[:batch]
    for wish in stale:
        with transaction.atomic():
            if not Wish.objects.filter(
                pk=wish.pk, status=S.PUBLISHED, escalation_stage=Wish.Escalation.NONE, listed_at=wish.listed_at
            ).update(escalation_stage=Wish.Escalation.UNCLAIMED_ALERTED):
                continue
            event_add(wish, V.UNCLAIMED_ALERT, actor=None, role=R.SYSTEM)
            notify("wishes.unclaimed", community_staff(wish.community_id), wish, days=alert_days)
            audit_record(verb=f"{M}.unclaimed_alert", target=wish, scope_path=wish.scope_path)
            alerts += 1

    overdue = Wish.objects.filter(status=S.CLAIMED, claimed_at__lte=now - timedelta(days=expiry_days)).order_by("id")[
        :batch
    ]
    for wish in overdue:
        with transaction.atomic():
            claimant = wish.claimant
            try:
                WISH_LIFECYCLE.apply(
                    wish,
                    "release",
                    condition=Q(claimant_id=wish.claimant_id, claimed_at=wish.claimed_at),
                    claimant=None,
                    claimant_name="",
                    claimant_unit=None,
                    claimed_at=None,
                    listed_at=now,
                )
            except StateConflict:
                continue  # fulfilled or released meanwhile
            event_add(wish, V.CLAIM_EXPIRED, actor=None, role=R.SYSTEM)
            staff = community_staff(wish.community_id, (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER))
            notify("wishes.claim_expired", [claimant, *staff], wish, days=expiry_days)
            audit_record(verb=f"{M}.claim_expired", target=wish, scope_path=wish.scope_path)
            enqueue("wishes.match_helpers", wish_id=wish.pk)
            expired += 1

    slow = Wish.objects.filter(
        status=S.CLAIMED,
        escalation_stage=Wish.Escalation.NONE,
        claimed_at__lte=now - timedelta(days=remind_days),
        claimed_at__gt=now - timedelta(days=expiry_days),
    ).order_by("id")[:batch]
    for wish in slow:
        with transaction.atomic():
            if not Wish.objects.filter(
                pk=wish.pk, status=S.CLAIMED, escalation_stage=Wish.Escalation.NONE, claimed_at=wish.claimed_at
            ).update(escalation_stage=Wish.Escalation.CLAIMANT_REMINDED):
                continue
            event_add(wish, V.CLAIM_REMINDER, actor=None, role=R.SYSTEM)
            notify("wishes.claim_reminder", [wish.claimant], wish, days=remind_days)
            reminders += 1

    return EscalationReport(alerts, reminders, expired)
