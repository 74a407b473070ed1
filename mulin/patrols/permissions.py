"""Who may do what with rivers, segments and patrols. One condition per line; the same predicates
decide the buttons on the page and the checks in the services.

- Everyone registered in a street (PATROL_VIEW) reads its rivers, segments and diaries: the river
  is public space and the diary is the street's record of how it changed.
- Members, volunteers and staff (PATROL_LOG) claim segments and patrol anywhere in their street.
- Community staff (PATROL_MANAGE over the community) lay out segments and their plans; the street's
  staff add rivers; a branch secretary claims a segment for the branch.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.patrols.models import Campaign, PatrolLog, PatrolPhoto, River, Segment
from mulin.patrols.selectors import (
    campaign_list_visible_to,
    patrol_log_list_visible_to,
    river_list_visible_to,
    segment_list_visible_to,
)


def access_river_by_id(actor: Actor, river_id: int | str) -> River:
    """The river if the actor may see it; Http404 for missing and not-yours alike."""
    try:
        return river_list_visible_to(actor).get(pk=int(river_id))
    except (River.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_segment_by_id(actor: Actor, segment_id: int | str) -> Segment:
    """The segment if the actor may see it; Http404 for missing and not-yours alike."""
    try:
        return segment_list_visible_to(actor).get(pk=int(segment_id))
    except (Segment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_view_patrols(actor: Actor) -> bool:
    return actor.can_anywhere(Capability.PATROL_VIEW)


def can_add_river(actor: Actor, street: OrgUnit) -> bool:
    """The street's staff add and edit its rivers."""
    if street.kind != OrgUnit.Kind.STREET:
        return False
    return actor.is_system or actor.can(Capability.PATROL_MANAGE, street.path)


def ensure_can_add_river(actor: Actor, street: OrgUnit) -> None:
    if not can_add_river(actor, street):
        raise PermissionDenied(_("Only the street's staff may add rivers."))


def can_manage_segment_in(actor: Actor, community: OrgUnit) -> bool:
    """Staff of the community (or of the street) lay out its segments and plans."""
    return actor.is_system or actor.can(Capability.PATROL_MANAGE, community.path)


def ensure_can_manage_segment_in(actor: Actor, community: OrgUnit) -> None:
    if not can_manage_segment_in(actor, community):
        raise PermissionDenied(_("Only the community's staff may lay out its river segments."))


def can_claim_segment(actor: Actor, segment: Segment) -> bool:
    """Members, volunteers and staff of the street claim any of its segments for themselves."""
    if actor.is_system:
        return True
    if actor.person is None or not actor.person.is_active:
        return False
    return actor.can_street_wide(Capability.PATROL_LOG, segment.scope_path)


def ensure_can_claim_segment(actor: Actor, segment: Segment) -> None:
    if not can_claim_segment(actor, segment):
        raise PermissionDenied(_("You may claim segments only in your own street."))


def can_claim_for_branch(actor: Actor, segment: Segment, branch: OrgUnit) -> bool:
    """A branch's secretary (or its community's staff) claims a segment of the street for it."""
    if branch.kind != OrgUnit.Kind.BRANCH:
        return False
    return can_claim_segment(actor, segment) and (actor.is_system or actor.can(Capability.PATROL_MANAGE, branch.path))


def ensure_can_claim_for_branch(actor: Actor, segment: Segment, branch: OrgUnit) -> None:
    if not can_claim_for_branch(actor, segment, branch):
        raise PermissionDenied(_("Only the branch's secretary may claim a segment for the branch."))


def can_log_patrols(actor: Actor) -> bool:
    """Whether the actor patrols at all (shows the menu entry and the form)."""
    return actor.person is not None and actor.can_anywhere(Capability.PATROL_LOG)


def can_log_patrol(actor: Actor, segment: Segment) -> bool:
    """Members, volunteers and staff of the street patrol any of its segments."""
    return actor.person is not None and can_claim_segment(actor, segment)


def ensure_can_log_patrol(actor: Actor, segment: Segment) -> None:
    if not can_log_patrol(actor, segment):
        raise PermissionDenied(_("You may log patrols only in your own street."))


def access_patrol_log_by_id(actor: Actor, log_id: int | str) -> PatrolLog:
    """The log if the actor may see it (everyone registered in its street); Http404 otherwise."""
    try:
        return patrol_log_list_visible_to(actor).get(pk=int(log_id))
    except (PatrolLog.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_patrol_photo_by_uuid(actor: Actor, photo_uuid: Any) -> PatrolPhoto:
    """A patrol photo if the actor may see its log; Http404 otherwise."""
    photo = PatrolPhoto.objects.filter(uuid=photo_uuid).first()
    if photo is None:
        raise Http404
    access_patrol_log_by_id(actor, photo.log_id)
    return photo


def can_manage_campaign(actor: Actor, unit: OrgUnit) -> bool:
    """Staff of the community (or street) that runs a campaign start and close it."""
    return unit.kind in (OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.STREET) and (
        actor.is_system or actor.can(Capability.PATROL_MANAGE, unit.path)
    )


def ensure_can_manage_campaign(actor: Actor, unit: OrgUnit) -> None:
    if not can_manage_campaign(actor, unit):
        raise PermissionDenied(_("Only the staff of the community or street may run this campaign."))


def can_inspect(actor: Actor, campaign: Campaign) -> bool:
    """Members, volunteers and staff of the street inspect for its campaigns."""
    return actor.person is not None and actor.can_street_wide(Capability.PATROL_LOG, campaign.scope_path)


def ensure_can_inspect(actor: Actor, campaign: Campaign) -> None:
    if not can_inspect(actor, campaign):
        raise PermissionDenied(_("You may inspect only for your own street's campaigns."))


def access_campaign_by_id(actor: Actor, campaign_id: int | str) -> Campaign:
    """The campaign if the actor may see it (everyone registered in its street); Http404 otherwise."""
    try:
        return campaign_list_visible_to(actor).get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
