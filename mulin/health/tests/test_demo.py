"""The demo: 九洲's past health-check days measured (120+ person-times on the full street), and
three home visits that give the demo resident a chart; once only."""

from __future__ import annotations

import pytest

from mulin.activities.demo import seed_demo_activities
from mulin.activities.models import Signup
from mulin.health.demo import seed_demo_health_checks
from mulin.health.models import HealthCheck, HealthConsent
from mulin.organizations.tests.factories import SYSTEM, make_person
from mulin.stations.demo import seed_demo_stations

pytestmark = pytest.mark.django_db


def test_everyone_who_came_to_a_past_health_day_was_measured_once(street, reference_data):
    for i in range(16):
        make_person(home=street.nanyuan_building, full_name=f"居民{i}")
    seed_demo_stations(SYSTEM, {})
    seed_demo_activities(SYSTEM, {})

    added = seed_demo_health_checks(SYSTEM, {})
    again = seed_demo_health_checks(SYSTEM, {})

    came = Signup.objects.filter(activity__type__code="health-check", checked_in_at__isnull=False)
    assert added == HealthCheck.objects.count() == came.count() > 100
    assert again == 0
    assert HealthConsent.objects.filter(withdrawn_at__isnull=True).count() == 16
    assert all(check.values()["systolic"] > check.values()["diastolic"] for check in HealthCheck.objects.all())


@pytest.mark.slow
def test_on_the_demo_street_the_pharmacy_measured_120_person_times_and_wang_xiuying_has_a_chart(daguan):
    from django.test import Client

    from mulin.health.demo import RESIDENT_PHONE, _by_phone
    from mulin.web.tests.cast import sign_in

    assert HealthCheck.objects.count() >= 120
    resident = _by_phone(RESIDENT_PHONE)
    assert resident is not None
    assert HealthCheck.objects.filter(person=resident).count() == 3
    client = Client()
    sign_in(client, resident)
    assert "<polyline" in client.get("/health/").content.decode()
