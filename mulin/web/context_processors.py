from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from mulin.core import navigation
from mulin.notifications.selectors import unread_count
from mulin.organizations.models import OrgUnit


def _street_name() -> str:
    def load() -> str:
        street = (
            OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET).order_by("path").values_list("name", flat=True).first()
        )
        return street or ""

    return cache.get_or_set("mulin:street_name", load, 300) or ""


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: menu, display preferences, demo notice."""
    # No user yet when a middleware before authentication refuses the request (a bad Host header
    # renders the 400 page from CommonMiddleware).
    user = getattr(request, "user", None)
    actor = getattr(request, "actor", None) if user is not None and user.is_authenticated else None
    return {
        "nav_items": navigation.items_for(actor) if actor is not None else [],
        "large_text": getattr(request, "large_text", False),
        "demo_mode": settings.MULIN_DEMO,
        "street_name": _street_name(),
        "actor": actor,
        "unread_notifications": unread_count(actor.person) if actor is not None and actor.person else 0,
    }
