"""The demo year of activities: through the services, once, with sign-ups and attendance."""

from __future__ import annotations

import pytest

from mulin.activities.demo import seed_demo_activities
from mulin.activities.models import Activity, Signup
from mulin.organizations.tests.factories import SYSTEM, make_person
from mulin.stations.demo import seed_demo_stations

pytestmark = pytest.mark.django_db


def test_health_check_days_and_the_medicine_trip_with_attendance(street, reference_data):
    for i in range(16):
        make_person(home=street.nanyuan_building, full_name=f"居民{i}")
    seed_demo_stations(SYSTEM, {})

    added = seed_demo_activities(SYSTEM, {})
    again = seed_demo_activities(SYSTEM, {})

    health = Activity.objects.filter(type__code="health-check")
    assert (added, again) == (health.count() + 1, 0)
    assert health.count() == 14  # eleven months back, this month, two ahead
    assert Activity.objects.filter(title="送药上山进岛").count() == 1
    upcoming = health.filter(room__isnull=False)
    assert upcoming.count() >= 2
    assert all(a.booking is not None and a.booking.status == "confirmed" for a in upcoming)
    came = Signup.objects.filter(activity__in=health, checked_in_at__isnull=False).count()
    assert came > 0
    assert all(a.confirmed_count <= a.capacity for a in Activity.objects.all())
