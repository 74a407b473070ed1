"""Filing a work order: the one entry point every module uses (patrols, inspections, roundtable
action items, Open311, the report form)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.masking import mask_name
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.workorders.models import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
)
from mulin.workorders.permissions import ensure_can_report_work_order
from mulin.workorders.services._common import (
    R,
    audit,
    clean_photos,
    clean_text,
    community_staff,
    event,
    notify,
    store_photos,
)

V = WorkOrderEvent.Verb
_OWNER_KINDS = frozenset({OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.STREET})
# Relations the service chose and checked itself (full_clean would fetch each again); the text,
# coordinates and choices are still validated by the model.
_CHECKED_ABOVE = ["community", "place", "category", "reporter", "entered_by", "open311_client", "source_type"]


@dataclass(frozen=True)
class Location:
    """Where the problem is: WGS84 coordinates and/or words ("胜利河德胜桥东侧"), never a home
    address."""

    latitude: Any = None
    longitude: Any = None
    address: str = ""


def _coordinate(value: Any, *, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError({field: [_("Enter a number from %(low)s to %(high)s.") % {"low": -limit, "high": limit}]})
    return number.quantize(Decimal("0.000001"))


def clean_location(location: Location | None) -> tuple[Decimal | None, Decimal | None, str]:
    """Validated (latitude, longitude, address); both coordinates or neither."""
    location = location or Location()
    latitude = _coordinate(location.latitude, field="lat", limit=90)
    longitude = _coordinate(location.longitude, field="long", limit=180)
    if (latitude is None) != (longitude is None):
        raise ValidationError({"lat": [_("Send both latitude and longitude, or neither.")]})
    address = clean_text(location.address, field="address_string", max_length=ADDRESS_MAX, required=False)
    return latitude, longitude, address


def _owner_and_place(community: OrgUnit | None, place: OrgUnit | None) -> tuple[OrgUnit, OrgUnit]:
    """The community (or street) that runs the order and the place it names. Given a compound
    only, its community is looked up (one query)."""
    if community is None and place is None:
        raise ValidationError({"community": [_("Say in which community the problem is.")]})
    if community is None:
        assert place is not None
        chain = [*place.ancestor_paths, place.path]
        community = OrgUnit.objects.filter(path__in=chain, kind__in=_OWNER_KINDS).order_by("-path").first()
        if community is None:
            raise ValidationError({"community": [_("This place is not inside a community.")]})
    if community.kind not in _OWNER_KINDS:
        raise ValidationError({"community": [_("Choose a community.")]})
    if place is None:
        place = community
    if not place.path.startswith(community.path):
        raise ValidationError({"place": [_("The place is not in this community.")]})
    return community, place


@transaction.atomic
def work_order_create(
    *,
    actor: Actor,
    category: WorkOrderCategory,
    title: str,
    description: str = "",
    community: OrgUnit | None = None,
    place: OrgUnit | None = None,
    source: models.Model | None = None,
    location: Location | None = None,
    photos: Sequence[Any] = (),
    reporter: Person | None = None,
    channel: str = WorkOrder.Channel.APP,
    open311_client: Any = None,
    reporter_name: str | None = None,
    media_url: str = "",
) -> WorkOrder:
    """File a work order (status `reported`) and tell the community's staff.

    - `actor`: who files it. Anyone registered in the street may report (ensure_can_report…);
      community staff may file one for another `reporter` (a phone call), which records them as
      `entered_by`. `Actor.system()` files for Open311 clients (no reporter).
    - `source`: any saved model instance the order came from (a patrol log, an inspection, a
      roundtable topic); `work_order_list_for_source(actor, source)` finds its orders later.
    - `community` (or the street, for street-level orders) runs it; `place` (a compound) is
      optional; given only a place, its community is looked up.
    - `location`: coordinates and/or words; `photos`: 0–3 uploads, checked and re-encoded
      (EXIF/GPS stripped) before anything is written.

    Raise PermissionDenied outside the actor's street, ValidationError (400, nothing written)
    for an empty or too long title, a description over 4,000 characters, a retired category,
    bad coordinates or a bad photo.
    """
    owner, place = _owner_and_place(community, place)
    ensure_can_report_work_order(actor, place)
    reporter = reporter if reporter is not None else actor.person
    on_behalf = reporter is not None and actor.person is not None and reporter.pk != actor.person_id
    if on_behalf and not actor.can(Capability.WORKORDER_MANAGE, place.path):
        raise PermissionDenied(_("Only the community's staff may report a problem for someone else."))
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Say what the problem is."))
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX, required=False)
    if not isinstance(category, WorkOrderCategory) or not category.is_active:
        raise ValidationError({"category": [_("Choose one of the categories.")]})
    latitude, longitude, address = clean_location(location)
    if source is not None and source.pk is None:
        raise ValueError("A work order's source must be saved first.")
    cleaned = clean_photos(photos)
    if reporter_name is None:
        reporter_name = (
            ""
            if reporter is None
            else (reporter.full_name if reporter.shows_full_name else mask_name(reporter.full_name))
        )
    order = WorkOrder(
        community=owner,
        place=place,
        scope_path=place.path,
        category=category,
        title=title,
        description=description,
        latitude=latitude,
        longitude=longitude,
        address=address,
        media_url=media_url,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name[:50],
        entered_by=actor.person if on_behalf else None,
        open311_client=open311_client,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        created_at=timezone.now(),
    )
    order.full_clean(exclude=_CHECKED_ABOVE, validate_constraints=False)
    order.save(force_insert=True)
    store_photos(order, cleaned, stage="report", by=reporter if not on_behalf else actor.person)
    if channel == WorkOrder.Channel.OPEN311:
        event(order, V.REPORTED, actor=None, role=R.OPEN311)
    elif on_behalf:
        event(order, V.ENTERED, actor=actor.person, role=R.STAFF)
    else:
        event(order, V.REPORTED, actor=reporter, role=R.REPORTER)
    audit("reported", actor, order, channel=channel, photos=len(cleaned), source=order.source_type_id)
    notify("workorders.reported", community_staff(order), order, category=category.name)
    return order
