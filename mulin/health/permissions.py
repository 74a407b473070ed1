"""Who may see and record health values. Only two people ever read a reading: the resident it
belongs to, and the health staff of the partner unit that took it while the resident's consent
to that unit stands. Community workers and street administrators do not: they get the same 404
as for a record that does not exist."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.activities.models import Activity
from mulin.health.models import HealthCheck, HealthConsent
from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor

HEALTH_CHECK_TYPE = "health-check"


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def can_record_health(actor: Actor, activity: Activity) -> bool:
    """The health staff of the partner unit hosting a health-check activity record consents and
    readings there."""
    return (
        actor.is_authenticated
        and activity.type.code == HEALTH_CHECK_TYPE
        and activity.host.kind == OrgUnit.Kind.PARTNER_UNIT
        and activity.status == Activity.Status.PUBLISHED
        and actor.can(Capability.HEALTH_RECORD, activity.host_path)
    )


def ensure_can_record_health(actor: Actor, activity: Activity) -> None:
    if not can_record_health(actor, activity):
        raise PermissionDenied(_("Only the health staff of the partner unit holding this health check may do this."))


def can_read_health_check(actor: Actor, check: HealthCheck) -> bool:
    """The resident themselves; the partner's health staff while the consent stands."""
    if actor.person_id is not None and check.person_id == actor.person_id:
        return True
    return check.consent.withdrawn_at is None and actor.can(Capability.HEALTH_RECORD, check.partner_path)


def access_health_check_by_id(actor: Actor, check_id: int | str) -> HealthCheck:
    """The reading if the actor may read it; Http404 for missing and not-yours alike."""
    check = (
        HealthCheck.objects.select_related("partner", "activity", "consent", "person").filter(pk=_pk(check_id)).first()
    )
    if check is None or not actor.is_authenticated or not can_read_health_check(actor, check):
        raise Http404
    return check


def can_withdraw_consent(actor: Actor, consent: HealthConsent) -> bool:
    """The resident, or the partner's staff on the resident's word (a phone call, a letter)."""
    if actor.person_id is not None and consent.person_id == actor.person_id:
        return True
    return actor.can(Capability.HEALTH_RECORD, consent.partner_path)


def access_consent_by_id(actor: Actor, consent_id: int | str) -> HealthConsent:
    consent = HealthConsent.objects.select_related("partner").filter(pk=_pk(consent_id)).first()
    if consent is None or not actor.is_authenticated or not can_withdraw_consent(actor, consent):
        raise Http404
    return consent
