"""Activities and sign-ups made through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mulin.activities.defaults import ensure_default_types
from mulin.activities.models import Activity, ActivityType
from mulin.activities.services import activity_create
from mulin.organizations.models import OrgUnit
from mulin.organizations.tests.factories import SYSTEM


def soon(days: int = 3, hour: int = 14, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=hours)


def make_activity(
    host: OrgUnit,
    *,
    title: str = "主题党日",
    type_code: str = "theme-party-day",
    capacity: int = 10,
    days: int = 3,
    audience: str = Activity.Audience.EVERYONE,
    actor: Any = SYSTEM,
    **fields: Any,
) -> Activity:
    ensure_default_types(ActivityType)
    start, end = soon(days=days)
    fields.setdefault("starts_at", start)
    fields.setdefault("ends_at", end)
    if fields.get("room") is None:
        fields.setdefault("address", "社区服务楼")
    return activity_create(
        actor=actor,
        type=ActivityType.objects.get(code=type_code),
        title=title,
        host=host,
        capacity=capacity,
        audience=audience,
        **fields,
    )
