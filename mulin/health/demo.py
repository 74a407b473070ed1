"""The 九洲大药房 health-check days on the Daguan demo street, through the real services
(idempotent): everyone who came to a past health-check day gave written consent and was measured
(120+ person-times over the year), recorded by the pharmacy's contact 赵敏 (13800000006); and three
home visits in 南八苑 over the last three months, so that the demo resident 王秀英 (13800000005)
sees her own readings as a chart."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from mulin.activities.models import Activity, ActivityType, Signup
from mulin.activities.services import activity_create, activity_sign_up, activity_tick
from mulin.core.crypto import blind_index
from mulin.core.normalizers import normalize_phone
from mulin.health.models import HealthCheck
from mulin.health.permissions import HEALTH_CHECK_TYPE
from mulin.health.services import health_check_record, health_consent_record
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor, actor_for_person, subtree_q

SEED = 20190615
PARTNER = "九洲大药房"
STAFF_PHONE = "13800000006"
RESIDENT_PHONE = "13800000005"


def _by_phone(phone: str) -> Person | None:
    return Person.objects.filter(phone_index=blind_index("phone", normalize_phone(phone))).first()


def _readings(rng: random.Random, *, full: bool) -> list[dict[str, Any]]:
    systolic = rng.randint(108, 168)
    readings = [
        {"measure": "systolic", "value": systolic, "unit": "mmHg"},
        {"measure": "diastolic", "value": rng.randint(62, min(systolic - 25, 102)), "unit": "mmHg"},
        {"measure": "glucose", "value": Decimal(rng.randint(44, 96)) / 10, "unit": "mmol/L"},
    ]
    if full or rng.random() < 0.4:
        readings.append({"measure": "uric_acid", "value": rng.randint(210, 480), "unit": "µmol/L"})
    if full or rng.random() < 0.2:
        readings.append({"measure": "bone_density", "value": Decimal(rng.randint(-32, 5)) / 10, "unit": "T-score"})
    return readings


def _measure(staff: Actor, activity: Activity, person: Person, rng: random.Random, *, full: bool = False) -> None:
    during = activity.starts_at + dt.timedelta(minutes=20)
    health_consent_record(actor=staff, activity=activity, person=person, form_reference=f"JZ-{person.pk:05d}")
    health_check_record(
        actor=staff, activity=activity, person=person, measurements=_readings(rng, full=full), now=during
    )


def seed_demo_health_checks(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """Record the readings of the demo year's past health-check days; return how many."""
    partner = OrgUnit.objects.filter(name=PARTNER, kind=OrgUnit.Kind.PARTNER_UNIT).order_by("path").first()
    if partner is None or HealthCheck.objects.filter(subtree_q("partner_path", partner.path)).exists():
        return 0
    contact = _by_phone(STAFF_PHONE)
    staff = actor_for_person(contact) if contact is not None else actor
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    now = timezone.now()
    past = Activity.objects.filter(
        host=partner, type__code=HEALTH_CHECK_TYPE, status=Activity.Status.PUBLISHED, ends_at__lt=now
    ).select_related("type", "host")
    for activity in past:
        came = Signup.objects.filter(activity=activity, checked_in_at__isnull=False).select_related("person")
        for signup in came.order_by("id"):
            _measure(staff, activity, signup.person, rng)
    resident = _by_phone(RESIDENT_PHONE)
    kind = ActivityType.objects.filter(code=HEALTH_CHECK_TYPE).first()
    if resident is not None and kind is not None:
        for months_back in (3, 2, 1):
            starts_at = (now - dt.timedelta(days=30 * months_back)).replace(hour=15, minute=0, second=0, microsecond=0)
            visit = activity_create(
                actor=actor,
                type=kind,
                title="九洲上门健康随访（南八苑）",
                host=partner,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                capacity=5,
                address="南八苑 老年活动室",
                description="九洲大药房的药师上门为老人测血压、血糖，讲解用药。",
                now=starts_at - dt.timedelta(days=7),
            )
            activity_sign_up(actor=actor_for_person(resident), activity=visit, now=starts_at - dt.timedelta(days=3))
            signup = Signup.objects.select_related("person", "activity").get(activity=visit, person=resident)
            activity_tick(actor=Actor.system(), activity=visit, signup=signup, now=starts_at + dt.timedelta(minutes=5))
            visit = Activity.objects.select_related("type", "host").get(pk=visit.pk)
            _measure(staff, visit, resident, rng, full=True)
    return HealthCheck.objects.filter(subtree_q("partner_path", partner.path)).count()
