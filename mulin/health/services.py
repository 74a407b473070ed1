"""Every write of health checks: record a resident's written consent, withdraw it, record
readings; and the audited read of someone else's readings.

Audit rows name the measures taken, never a value. Readings are refused whole (400, nothing
stored) when one is outside its range or in another unit (measures.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.activities.models import Activity, Signup
from mulin.core.audit import audit_record
from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.health.measures import measurements_clean
from mulin.health.models import FORM_REFERENCE_MAX, HealthCheck, HealthConsent
from mulin.health.permissions import can_withdraw_consent, ensure_can_record_health
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor


def _audit(verb: str, actor: Actor, target: HealthCheck | HealthConsent, **data: Any) -> None:
    audit_record(
        verb=f"health.{verb}",
        actor=actor.person,
        target=target,
        scope_path=target.partner_path,
        data=data,
    )


def _ensure_signed_up(activity: Activity, person: Person) -> None:
    if not Signup.objects.filter(activity=activity, person=person, status=Signup.Status.CONFIRMED).exists():
        raise ValidationError({"person": [_("Only people with a place at this health check can be recorded.")]})


@transaction.atomic
def health_consent_record(
    *, actor: Actor, activity: Activity, person: Person, form_reference: str = "", now: dt.datetime | None = None
) -> HealthConsent:
    """Record that `person` signed the partner's written consent form; the standing consent is
    returned unchanged if there is one already."""
    ensure_can_record_health(actor, activity)
    _ensure_signed_up(activity, person)
    reference = clean_text(form_reference, field="form_reference", max_length=FORM_REFERENCE_MAX)
    standing = HealthConsent.objects.filter(person=person, partner_id=activity.host_id, withdrawn_at__isnull=True)
    existing = standing.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            consent = HealthConsent.objects.create(
                person=person,
                partner_id=activity.host_id,
                partner_path=activity.host_path,
                form_reference=reference,
                recorded_by=actor.person,
                created_at=now or timezone.now(),
            )
    except IntegrityError:  # recorded at the same moment by a colleague
        return standing.get()
    _audit("consent_recorded", actor, consent, activity=activity.pk)
    return consent


@transaction.atomic
def health_consent_withdraw(*, actor: Actor, consent: HealthConsent, now: dt.datetime | None = None) -> HealthConsent:
    """End a standing consent: no more readings, and the partner's staff no longer read the old ones."""
    if not can_withdraw_consent(actor, consent):
        raise PermissionDenied(_("You may not withdraw this consent."))
    when = now or timezone.now()
    changed = HealthConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=when, withdrawn_by=actor.person, updated_at=when
    )
    if not changed:
        raise StateConflict(_("This consent was already withdrawn."), code="health_consent_withdrawn")
    consent.refresh_from_db()
    _audit("consent_withdrawn", actor, consent)
    return consent


@transaction.atomic
def health_check_record(
    *,
    actor: Actor,
    activity: Activity,
    person: Person,
    measurements: list[dict[str, Any]],
    now: dt.datetime | None = None,
) -> HealthCheck:
    """Store one resident's readings at a health-check activity. Refused whole, nothing stored,
    when a reading is out of range or in another unit, when the resident has no place at the
    activity, or when their consent to the host does not stand."""
    ensure_can_record_health(actor, activity)
    values = measurements_clean(measurements)
    _ensure_signed_up(activity, person)
    consent = HealthConsent.objects.filter(
        person=person, partner_id=activity.host_id, withdrawn_at__isnull=True
    ).first()
    if consent is None:
        raise ValidationError(
            {"person": [_("This resident has not given written consent to this unit; record the consent first.")]}
        )
    check = HealthCheck.objects.create(
        person=person,
        partner_id=activity.host_id,
        partner_path=activity.host_path,
        activity=activity,
        consent=consent,
        measured_at=now or timezone.now(),
        measurements=HealthCheck.encode(values),
        recorded_by=actor.person,
    )
    _audit("check_recorded", actor, check, measures=sorted(values))
    return check


def health_check_read(*, actor: Actor, check: HealthCheck) -> HealthCheck:
    """Readings shown to someone other than the resident leave one audit row (who, whose, when);
    the resident reading their own leave none."""
    if check.person_id != actor.person_id:
        _audit("check_viewed", actor, check)
    return check
