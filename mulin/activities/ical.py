"""An iCalendar (RFC 5545) feed of activities, written by hand: the `icalendar` package is not a
dependency yet, and a feed of events needs only VCALENDAR/VEVENT, escaping and line folding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from mulin.activities.models import Activity

PRODID = "-//Mulin//Activities//ZH"


def _escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (never inside a UTF-8
    character)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(activities: Iterable[Activity], *, name: str, host: str, now: dt.datetime) -> str:
    """The feed: one VEVENT per activity, cancelled ones marked so calendars strike them out."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines.append(f"X-WR-CALNAME:{_escape(name)}")
    lines.append("X-WR-TIMEZONE:Asia/Shanghai")
    for activity in activities:
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.pk}@{host}",
            f"DTSTAMP:{_utc(now)}",
            f"LAST-MODIFIED:{_utc(activity.updated_at)}",
            f"DTSTART:{_utc(activity.starts_at)}",
            f"DTEND:{_utc(activity.ends_at)}",
            f"SUMMARY:{_escape(activity.title)}",
            f"LOCATION:{_escape(activity.place_name)}",
            f"STATUS:{'CANCELLED' if activity.status == Activity.Status.CANCELLED else 'CONFIRMED'}",
        ]
        if activity.description:
            lines.append(f"DESCRIPTION:{_escape(activity.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))
