"""Health-check days, consents and readings made through the real services."""

from __future__ import annotations

from typing import Any

from mulin.activities.models import Activity
from mulin.activities.services import activity_sign_up
from mulin.activities.tests.factories import make_activity
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.services import health_check_record, health_consent_record
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM

READINGS: list[dict[str, Any]] = [
    {"measure": "systolic", "value": "128", "unit": "mmHg"},
    {"measure": "diastolic", "value": "82", "unit": "mmHg"},
    {"measure": "glucose", "value": "5.6", "unit": "mmol/L"},
]


def make_health_day(partner: OrgUnit, *, capacity: int = 20, title: str = "九洲健康检测日") -> Activity:
    activity = make_activity(partner, title=title, type_code="health-check", capacity=capacity)
    return Activity.objects.select_related("type", "host").get(pk=activity.pk)


def sign_up(activity: Activity, person: Person) -> None:
    activity_sign_up(actor=actor_for_person(person), activity=activity)


def consent(activity: Activity, person: Person, *, signed_up: bool = True) -> HealthConsent:
    if signed_up:
        sign_up(activity, person)
    return health_consent_record(actor=SYSTEM, activity=activity, person=person, form_reference="JZ-1")


def reading(activity: Activity, person: Person, readings: list[dict[str, Any]] | None = None) -> HealthCheck:
    return health_check_record(actor=SYSTEM, activity=activity, person=person, measurements=readings or READINGS)


def measured(activity: Activity, person: Person, readings: list[dict[str, Any]] | None = None) -> HealthCheck:
    """Signed up, consented and measured once."""
    consent(activity, person)
    return reading(activity, person, readings)
