"""Who may do what with a wish. One condition per line so coverage shows each case; the same
predicates decide the buttons on the page and the checks in the services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.selectors import wish_list_visible_to

S = Wish.Status


def access_wish_by_id(actor: Actor, wish_id: int | str) -> Wish:
    """Return the wish if the actor may see it; Http404 both for missing wishes and for wishes the
    actor may not see, so ids cannot be probed."""
    try:
        return wish_list_visible_to(actor).get(pk=int(wish_id))
    except (Wish.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _is_me(actor: Actor, person_id: int | None) -> bool:
    return actor.person_id is not None and actor.person_id == person_id


def can_moderate_wish(actor: Actor, wish: Wish) -> bool:
    """Community staff of the wish's community (or the street) verify, publish and reject it."""
    return actor.can(Capability.WISH_MODERATE, wish.scope_path)


def ensure_can_moderate_wish(actor: Actor, wish: Wish) -> None:
    if not can_moderate_wish(actor, wish):
        raise PermissionDenied(_("Only the community's staff may verify this wish."))


def can_post_wish(actor: Actor) -> bool:
    """A resident posts a wish of their own for the community they live in."""
    if actor.person is None:
        return False
    if actor.person.home_unit_id is None:
        return False
    return actor.can(Capability.WISH_POST, actor.person.home_unit.path) if actor.person.home_unit else False


def ensure_can_post_wish(actor: Actor) -> None:
    if not can_post_wish(actor):
        raise PermissionDenied(_("You may not post a wish: your home is not on record."))


def can_enter_wish_for(actor: Actor, wisher: Person) -> bool:
    """Community staff enter a wish for a resident of their community who cannot post online."""
    if wisher.home_unit is None:
        return False
    if not wisher.is_active:
        return False
    return actor.can(Capability.WISH_MODERATE, wisher.home_unit.path)


def ensure_can_enter_wish_for(actor: Actor, wisher: Person) -> None:
    if not can_enter_wish_for(actor, wisher):
        raise PermissionDenied(_("You may enter wishes only for residents of your community."))


def can_claim_wish(actor: Actor, wish: Wish) -> bool:
    """Party members, volunteers, branch secretaries and partner contacts claim wishes anywhere in
    their street, but never their own."""
    if actor.person is None:
        return False
    if not actor.person.is_active:
        return False
    if _is_me(actor, wish.wisher_id):
        return False
    return actor.can_street_wide(Capability.WISH_CLAIM, wish.scope_path)


def ensure_can_claim_wish(actor: Actor, wish: Wish) -> None:
    if not can_claim_wish(actor, wish):
        raise PermissionDenied(_("You cannot claim this wish."))


def can_release_wish(actor: Actor, wish: Wish) -> bool:
    """The claimant gives the wish back to the wall; staff may do it for them."""
    if _is_me(actor, wish.claimant_id):
        return True
    return can_moderate_wish(actor, wish)


def ensure_can_release_wish(actor: Actor, wish: Wish) -> None:
    if not can_release_wish(actor, wish):
        raise PermissionDenied(_("Only the claimant or the community's staff may release this claim."))


def can_fulfil_wish(actor: Actor, wish: Wish) -> bool:
    """Only the claimant reports the wish fulfilled."""
    return _is_me(actor, wish.claimant_id)


def ensure_can_fulfil_wish(actor: Actor, wish: Wish) -> None:
    if not can_fulfil_wish(actor, wish):
        raise PermissionDenied(_("Only the claimant may report this wish fulfilled."))


def _staff_may_confirm(wish: Wish) -> bool:
    if wish.entered_by_id is not None:
        return True  # an offline resident: staff confirm on their behalf after asking them
    waited = timedelta(days=getattr(settings, "MULIN_WISH_STAFF_CONFIRM_AFTER_DAYS", 7))
    return wish.fulfilled_at is not None and wish.fulfilled_at <= timezone.now() - waited


def can_confirm_wish(actor: Actor, wish: Wish) -> bool:
    """The wisher confirms and thanks; staff do so for an offline resident, or when the wisher has
    not answered for a week."""
    if _is_me(actor, wish.wisher_id):
        return True
    if not can_moderate_wish(actor, wish):
        return False
    return _staff_may_confirm(wish)


def ensure_can_confirm_wish(actor: Actor, wish: Wish) -> None:
    if not can_confirm_wish(actor, wish):
        raise PermissionDenied(_("Only the wisher may confirm this wish."))


def can_withdraw_wish(actor: Actor, wish: Wish) -> bool:
    """The wisher withdraws their wish; staff do so for a wish they entered for an offline resident."""
    if _is_me(actor, wish.wisher_id):
        return True
    if wish.entered_by_id is None:
        return False
    return can_moderate_wish(actor, wish)


def ensure_can_withdraw_wish(actor: Actor, wish: Wish) -> None:
    if not can_withdraw_wish(actor, wish):
        raise PermissionDenied(_("Only the wisher may withdraw this wish."))


def can_view_wish_contact(actor: Actor, wish: Wish) -> bool:
    """The claimant sees the wisher's contact once they have claimed (until the wish is done);
    community staff always may. Every view is audited."""
    if _is_me(actor, wish.claimant_id) and wish.status in {S.CLAIMED, S.FULFILLED}:
        return True
    return can_moderate_wish(actor, wish)


def ensure_can_view_wish_contact(actor: Actor, wish: Wish) -> None:
    if not can_view_wish_contact(actor, wish):
        raise PermissionDenied(_("You see the wisher's contact only after you have claimed the wish."))


def can_view_wish_private(actor: Actor, wish: Wish) -> bool:
    """Photos and notes may show a home: the wisher, the claimant and staff only."""
    if _is_me(actor, wish.wisher_id):
        return True
    if _is_me(actor, wish.claimant_id):
        return True
    return can_moderate_wish(actor, wish)


def access_photo_by_uuid(actor: Actor, photo_uuid: str) -> WishPhoto:
    """Return the photo if the actor may see its wish and its private parts; 404 otherwise."""
    photo = WishPhoto.objects.filter(uuid=photo_uuid).first()
    if photo is None:
        raise Http404
    wish = access_wish_by_id(actor, photo.wish_id)
    if not can_view_wish_private(actor, wish):
        raise Http404
    return photo


def can_manage_categories(actor: Actor) -> bool:
    """Categories hold for the whole street: moderators at street level (or above) edit them."""
    return actor.holds_at_street_level(Capability.WISH_MODERATE)


def ensure_can_manage_categories(actor: Actor) -> None:
    if not can_manage_categories(actor):
        raise PermissionDenied(_("Only the street administration may change wish categories."))


def can_view_wish_stats(actor: Actor, unit: OrgUnit) -> bool:
    return actor.can(Capability.WISH_MODERATE, unit.path)


def ensure_can_view_wish_stats(actor: Actor, unit: OrgUnit) -> None:
    if not can_view_wish_stats(actor, unit):
        raise PermissionDenied(_("You may not see the statistics of this unit."))
