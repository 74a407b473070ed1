"""Rivers, their responsibility segments and the claims on them."""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import Actor
from mulin.patrols.models import DESCRIPTION_MAX, MAX_POINTS, NAME_MAX, River, Segment, SegmentClaim
from mulin.patrols.permissions import (
    ensure_can_add_river,
    ensure_can_claim_for_branch,
    ensure_can_claim_segment,
    ensure_can_manage_segment_in,
)
from mulin.patrols.services._common import audit

SIX = Decimal("0.000001")
EARTH_RADIUS_M = 6_371_000


def _number(value: Any, *, limit: int) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > limit:
        return None
    return number.quantize(SIX)


def clean_coordinates(value: Any, *, field: str = "coordinates") -> list[list[float]]:
    """A polyline as [[latitude, longitude], …]: a list (or its JSON text) of 2–500 pairs of
    numbers within the globe, rounded to six decimals (about 10 cm)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            raise ValidationError(
                {field: [_("Give the course as a JSON list of [latitude, longitude] pairs.")]}
            ) from None
    if not isinstance(value, (list, tuple)):
        raise ValidationError({field: [_("Give the course as a JSON list of [latitude, longitude] pairs.")]})
    if not 2 <= len(value) <= MAX_POINTS:
        raise ValidationError(
            {
                field: [
                    _("A course has from 2 to %(max)s points (this has %(n)s).") % {"max": MAX_POINTS, "n": len(value)}
                ]
            }
        )
    points = []
    for index, pair in enumerate(value, start=1):
        latitude = longitude = None
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            latitude, longitude = _number(pair[0], limit=90), _number(pair[1], limit=180)
        if latitude is None or longitude is None:
            message = _("Point %(n)s is not a [latitude, longitude] pair (latitude −90 to 90, longitude −180 to 180).")
            raise ValidationError({field: [message % {"n": index}]})
        points.append([float(latitude), float(longitude)])
    return points


def polyline_length_m(points: list[list[float]]) -> int:
    """The length of a polyline in whole metres (haversine, good to well under 1% at this scale)."""
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
        a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
    return round(total)


def _plan(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise ValidationError({"patrol_every_days": [_("Plan a patrol every 1 to 30 days.")]})
    return days


@transaction.atomic
def river_save(
    *,
    actor: Actor,
    street: OrgUnit,
    name: str,
    description: str = "",
    folk_chief: Person | None = None,
    river: River | None = None,
) -> River:
    """Add a river to a street (or rename and re-describe `river`). Street staff only;
    ValidationError for an empty or duplicate name, nothing written."""
    ensure_can_add_river(actor, street)
    name = clean_text(name, field="name", max_length=NAME_MAX, required=True, message=_("Give the river a name."))
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    duplicate = River.objects.filter(street=street, name=name)
    if river is not None:
        duplicate = duplicate.exclude(pk=river.pk)
    if duplicate.exists():
        raise ValidationError({"name": [_("The street already has a river of this name.")]})
    if folk_chief is not None and not folk_chief.is_active:
        raise ValidationError({"folk_chief": [_("Choose an active person.")]})
    created = river is None
    river = river or River(street=street, scope_path=street.path)
    river.name, river.description, river.folk_chief = name, description, folk_chief
    river.save()
    audit("river_saved", actor, river, scope_path=river.scope_path, created=created)
    return river


@transaction.atomic
def segment_save(
    *,
    actor: Actor,
    river: River,
    community: OrgUnit,
    name: str,
    coordinates: Any,
    patrol_every_days: Any = 1,
    segment: Segment | None = None,
) -> Segment:
    """Lay out a responsibility segment of `river` in `community` (or change `segment`): its name,
    course and plan. The community's staff only; the community must lie in the river's street.
    ValidationError (nothing written) for a bad name, course or plan."""
    ensure_can_manage_segment_in(actor, community)
    if community.kind != OrgUnit.Kind.COMMUNITY or not community.path.startswith(river.scope_path):
        raise ValidationError({"community": [_("Choose a community of the river's street.")]})
    name = clean_text(name, field="name", max_length=NAME_MAX, required=True, message=_("Give the segment a name."))
    points = clean_coordinates(coordinates)
    days = _plan(patrol_every_days)
    duplicate = Segment.objects.filter(river=river, name=name)
    if segment is not None:
        duplicate = duplicate.exclude(pk=segment.pk)
    if duplicate.exists():
        raise ValidationError({"name": [_("The river already has a segment of this name.")]})
    created = segment is None
    segment = segment or Segment(river=river)
    segment.community, segment.scope_path = community, community.path
    segment.name, segment.coordinates, segment.length_m = name, points, polyline_length_m(points)
    segment.patrol_every_days = days
    segment.save()
    audit("segment_saved", actor, segment, scope_path=segment.scope_path, created=created, points=len(points))
    return segment


def segment_claim(*, actor: Actor, segment: Segment, role: str, branch: OrgUnit | None = None) -> SegmentClaim:
    """Answer for a segment, as its primary (one at a time) or a backup; for oneself, or for
    `branch` (its secretary). StateConflict (409, nothing written) when the segment has a primary
    already or the claimant answers for it already — also when two claim at the same moment."""
    if role not in SegmentClaim.Role.values:
        raise ValidationError({"role": [_("Choose primary or backup.")]})
    if branch is not None:
        ensure_can_claim_for_branch(actor, segment, branch)
    else:
        ensure_can_claim_segment(actor, segment)
        if actor.person is None:
            raise ValidationError({"branch": [_("Say which branch claims the segment.")]})
    active = SegmentClaim.objects.filter(segment=segment, released_at__isnull=True)
    mine = active.filter(branch=branch) if branch is not None else active.filter(person=actor.person)
    if mine.exists():
        raise StateConflict(_("You answer for this segment already."), code="segment_claim_conflict")
    if role == SegmentClaim.Role.PRIMARY and active.filter(role=role).exists():
        raise StateConflict(
            _("This segment has a primary already; claim it as a backup."), code="segment_claim_conflict"
        )
    try:
        with transaction.atomic():
            claim = SegmentClaim.objects.create(
                segment=segment,
                role=role,
                person=None if branch is not None else actor.person,
                branch=branch,
                claimed_by=actor.person,
            )
            audit(
                "segment_claimed",
                actor,
                segment,
                scope_path=segment.scope_path,
                role=role,
                branch=branch.pk if branch else None,
            )
    except IntegrityError:
        # The partial unique indexes: someone was faster.
        raise StateConflict(
            _("Someone claimed this segment a moment ago; look again."), code="segment_claim_conflict"
        ) from None
    return claim


@transaction.atomic
def segment_claim_release(*, actor: Actor, claim: SegmentClaim) -> SegmentClaim:
    """Give up a claim (one's own, or a branch's by its secretary). StateConflict if already released."""
    if claim.branch is not None:
        ensure_can_claim_for_branch(actor, claim.segment, claim.branch)
    elif claim.person_id != actor.person_id and not actor.is_system:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You may release only your own claims."))
    updated = SegmentClaim.objects.filter(pk=claim.pk, released_at__isnull=True).update(released_at=timezone.now())
    if not updated:
        raise StateConflict(_("This claim was released already."), code="segment_claim_conflict")
    claim.refresh_from_db()
    audit("segment_released", actor, claim.segment, scope_path=claim.segment.scope_path, role=claim.role)
    return claim
