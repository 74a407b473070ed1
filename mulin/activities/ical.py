"""An iCalendar (RFC 5545) feed of activities, built with `icalendar` (escaping, octet-safe line
folding, CRLF). Times are written in UTC, so no VTIMEZONE is needed; calendars show them in local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vDuration

from mulin.activities.models import Activity

PRODID = "-//Mulin//Activities//ZH"
# How often a subscribed calendar should fetch again (RFC 7986, and Apple's/Outlook's older hint).
REFRESH = dt.timedelta(hours=1)


def calendar_text(activities: Iterable[Activity], *, name: str, host: str, now: dt.datetime) -> str:
    """The feed: one VEVENT per activity, cancelled ones marked so calendars strike them out."""
    calendar = Calendar()
    for key, value in (("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")):
        calendar.add(key, value)
    calendar.add("X-WR-CALNAME", name)
    calendar.add("X-WR-TIMEZONE", "Asia/Shanghai")
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    for activity in activities:
        event = Event()
        event.add("UID", f"activity-{activity.pk}@{host}")
        for key, moment in (
            ("DTSTAMP", now),
            ("LAST-MODIFIED", activity.updated_at),
            ("DTSTART", activity.starts_at),
            ("DTEND", activity.ends_at),
        ):
            event.add(key, moment.astimezone(dt.UTC))
        event.add("SUMMARY", activity.title)
        event.add("LOCATION", activity.place_name)
        event.add("STATUS", "CANCELLED" if activity.status == Activity.Status.CANCELLED else "CONFIRMED")
        if activity.description:
            event.add("DESCRIPTION", activity.description)
        calendar.add_component(event)
    return calendar.to_ical(sorted=False).decode()
