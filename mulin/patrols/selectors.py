"""Reads of rivers and segments, always scoped to the actor: everyone registered in a street sees
its rivers (the street reach of PATROL_VIEW)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, street_reach_q
from mulin.patrols.models import River, Segment, SegmentClaim


def _active_claims() -> Prefetch:
    return Prefetch(
        "claims",
        queryset=SegmentClaim.objects.filter(released_at__isnull=True)
        .select_related("person", "branch")
        .order_by("role", "id"),
        to_attr="active_claims",
    )


def river_list_visible_to(actor: Actor) -> QuerySet[River]:
    """Rivers of the streets the actor reaches, by name."""
    return (
        River.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"), is_active=True)
        .select_related("street", "folk_chief")
        .order_by("scope_path", "name")
    )


def segment_list_visible_to(
    actor: Actor, *, river_id: int | None = None, community_id: int | None = None
) -> QuerySet[Segment]:
    """Segments of the streets the actor reaches, river by river, with their current claims."""
    segments = Segment.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"), is_active=True)
    if river_id is not None:
        segments = segments.filter(river_id=river_id)
    if community_id is not None:
        segments = segments.filter(community_id=community_id)
    return (
        segments.select_related("river", "community").prefetch_related(_active_claims()).order_by("river__name", "id")
    )


def segment_list_claimed_by(actor: Actor) -> QuerySet[Segment]:
    """Segments the actor answers for now (as primary or backup)."""
    if actor.person_id is None:
        return Segment.objects.none()
    return segment_list_visible_to(actor).filter(claims__person_id=actor.person_id, claims__released_at__isnull=True)


def branch_choices_for(actor: Actor) -> list[OrgUnit]:
    """Branches the actor may claim segments for (where they hold PATROL_MANAGE)."""
    paths = actor.scope_paths(Capability.PATROL_MANAGE)
    if not paths:
        return []
    from mulin.organizations.scoping import subtrees_q

    return list(
        OrgUnit.objects.filter(subtrees_q("path", paths), kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    )
