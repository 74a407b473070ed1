from __future__ import annotations

from typing import Any

from mulin.notifications import registry
from mulin.notifications.models import NotificationPreference


def preference_matrix(person: Any) -> list[dict[str, Any]]:
    """One row per kind with the effective on/off state of each outside channel."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(person=person).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in registry.all_kinds():
        states = {
            channel: kind.mandatory or stored.get((kind.key, channel), channel in kind.default_channels)
            for channel in NotificationPreference.Channel.values
        }
        rows.append({"kind": kind, "states": states})
    return rows
