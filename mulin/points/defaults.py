"""The starting points rules, from the point events the apps declare (`<app>/points.py`, see
events.py). One idempotent function that takes the model class, for data migrations (historical
model), the demo and tests that empty the tables. A new app's data migration calls it with its
own events, so that databases made before the app existed get its rules too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mulin.points import events as point_events


def ensure_default_rules(model: Any, *, events: Iterable[str] | None = None) -> None:
    """Create the starting rules that are missing (of every registered event, or of `events`);
    never changes amounts set by administrators."""
    wanted = set(events) if events is not None else None
    for event in point_events.all_events():
        if wanted is not None and event.key not in wanted:
            continue
        for rule in event.default_rules:
            model.objects.get_or_create(code=rule.code, defaults=rule.as_fields(event.key))
