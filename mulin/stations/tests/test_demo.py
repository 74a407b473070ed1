"""The demo's stations: added through the services, once."""

from __future__ import annotations

import pytest

from mulin.organizations.tests.factories import SYSTEM
from mulin.stations.demo import seed_demo_stations
from mulin.stations.models import Room, Station

pytestmark = pytest.mark.django_db


def test_the_source_stations_of_the_communities_present_are_added_once(street):
    added = seed_demo_stations(SYSTEM, {})
    again = seed_demo_stations(SYSTEM, {})

    station = Station.objects.get()
    assert (added, again) == (1, 0)
    assert (station.name, station.partner, station.opened_on.isoformat()) == (
        "南苑红色健康驿站",
        street.partner,
        "2019-06-01",
    )
    assert list(Room.objects.values_list("floor", "name")) == [(2, "健康检测室"), (2, "健康讲堂")]
