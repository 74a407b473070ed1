"""Stations, rooms and bookings made through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mulin.organizations.models import OrgUnit
from mulin.organizations.tests.factories import SYSTEM
from mulin.stations.defaults import ensure_default_types
from mulin.stations.models import Room, Station, StationType
from mulin.stations.services import room_save, station_save


def make_station(
    community: OrgUnit, *, name: str = "测试驿站", type_code: str = "canal-station", **fields: Any
) -> Station:
    ensure_default_types(StationType)
    return station_save(
        actor=SYSTEM,
        community=community,
        type=StationType.objects.get(code=type_code),
        name=name,
        address=fields.pop("address", f"{community.name}服务楼"),
        **fields,
    )


def make_room(station: Station, *, name: str = "活动室", capacity: int = 20, floor: int = 1) -> Room:
    return room_save(actor=SYSTEM, station=station, name=name, capacity=capacity, floor=floor)


def slot(days: int = 3, hour: int = 14, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    """A time `days` from today at `hour`, lasting `hours` (local time)."""
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=hours)
