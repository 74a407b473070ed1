"""Open311 GeoReport v2 on top of work orders: a key identifies the client (a city hotline, a
FixMyStreet install); a request becomes an order of the community nearest to its coordinates."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.masking import mask_name
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor, subtree_q
from mulin.workorders.models import TITLE_MAX, Open311Client, WorkOrder, WorkOrderCategory
from mulin.workorders.services.create import Location, clean_location, work_order_create
from mulin.workorders.services.street import key_digest

# A request further than this from every community centre of the street goes to the key's default.
NEAREST_COMMUNITY_KM = 3.0


def open311_client_for_key(key: Any) -> Open311Client | None:
    """The active client holding `key`, or None (missing, unknown or revoked)."""
    if not isinstance(key, str) or not 16 <= len(key) <= 100:
        return None
    client = (
        Open311Client.objects.filter(key_hash=key_digest(key), revoked_at__isnull=True)
        .select_related("street", "default_community")
        .first()
    )
    if client is not None:
        now = timezone.now()
        # At most one write a minute per client, not one per request.
        Open311Client.objects.filter(pk=client.pk).exclude(last_used_at__gt=now - timedelta(minutes=1)).update(
            last_used_at=now
        )
    return client


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest_community(client: Open311Client, latitude: Any, longitude: Any) -> OrgUnit:
    """The community of the client's street whose centre is nearest the point (within 3 km);
    else the client's default community."""
    if latitude is None or longitude is None:
        return client.default_community
    candidates = OrgUnit.objects.filter(
        subtree_q("path", client.street.path),
        kind=OrgUnit.Kind.COMMUNITY,
        is_active=True,
        latitude__isnull=False,
        longitude__isnull=False,
    )
    best, best_km = client.default_community, NEAREST_COMMUNITY_KM
    for unit in candidates:
        km = _distance_km(float(latitude), float(longitude), float(unit.latitude), float(unit.longitude))  # type: ignore[arg-type]
        if km < best_km:
            best, best_km = unit, km
    return best


def _title(description: str, category: WorkOrderCategory) -> str:
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    if not first_line:
        return category.name_zh_hans
    return first_line if len(first_line) <= TITLE_MAX else first_line[: TITLE_MAX - 1] + "…"


@transaction.atomic
def open311_request_create(
    *,
    client: Open311Client,
    category: WorkOrderCategory,
    latitude: Any = None,
    longitude: Any = None,
    address_string: str = "",
    description: str = "",
    media_url: str = "",
    first_name: str = "",
    last_name: str = "",
) -> WorkOrder:
    """File a work order for an Open311 POST. The location is required (lat & long, or an
    address_string); the reporter's name is kept masked only, and their e-mail, phone, device
    and account ids are not stored at all (the client keeps its own contact with them)."""
    if latitude in (None, "") and longitude in (None, "") and not (address_string or "").strip():
        raise ValidationError({"lat": [_("Send lat and long, or address_string.")]})
    lat, lon, address = clean_location(Location(latitude, longitude, address_string))
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        raise ValidationError({"media_url": [_("Send an http or https link.")]})
    community = nearest_community(client, lat, lon)
    name = f"{(last_name or '').strip()}{(first_name or '').strip()}"
    return work_order_create(
        actor=Actor.system(),
        category=category,
        title=_title(description or "", category),
        description=description or "",
        community=community,
        location=Location(lat, lon, address),
        channel=WorkOrder.Channel.OPEN311,
        open311_client=client,
        reporter_name=mask_name(name) if name else "",
        media_url=(media_url or "")[:500],
    )
