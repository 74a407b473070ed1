"""Posting a wish: a resident for themselves, or community staff for an offline resident."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.inputs import TENTHS, clean_decimal, clean_text, personal_numbers_in
from mulin.core.masking import mask_name
from mulin.core.photos import photo_clean, photo_store
from mulin.organizations.models import OrgUnit, Person, Role, TimeSlot
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import community_staff, orgunit_enclosing
from mulin.wishes.models import DESCRIPTION_MAX, TITLE_MAX, Wish, WishCategory, WishPhoto
from mulin.wishes.permissions import ensure_can_enter_wish_for, ensure_can_post_wish
from mulin.wishes.services._common import MAX_PHOTOS, R, V, audit, event_add, notify
from mulin.wishes.stats import rollup_bump


def _community_and_place(home: OrgUnit) -> tuple[OrgUnit, OrgUnit]:
    """The community a home belongs to and the place the wall names (its compound, else the community)."""
    enclosing = orgunit_enclosing(home, [OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.COMPOUND])
    community = enclosing.get(OrgUnit.Kind.COMMUNITY)
    if community is None:
        raise ValidationError({"wisher": [_("The resident's home is not inside a community.")]})
    return community, enclosing.get(OrgUnit.Kind.COMPOUND, community)


@transaction.atomic
def wish_submit(
    *,
    actor: Actor,
    title: str,
    category: WishCategory,
    description: str = "",
    wisher: Person | None = None,
    estimated_hours: Any = None,
    estimated_value: Any = None,
    preferred_time: str = "",
    shows_full_name: bool | None = None,
    photos: Sequence[Any] = (),
) -> Wish:
    """Post a wish (`submitted`): a resident for themselves, or community staff for an offline
    resident (`wisher`). Staff-entered wishes still go through verification like any other.

    Raise PermissionDenied if the actor may not post for this wisher, ValidationError (400, no
    row written) for an empty or too long title, a description over 1,000 characters, a retired
    category, out-of-range numbers, more than three photos or a photo that is not a JPEG/PNG.

    Up to three photos show what is needed (seen by the wisher, the claimant and the community's
    staff, like fulfilment photos). A phone or ID number typed into the title or description is
    flagged (`personal_numbers`) for the moderators to see before they publish. The community's
    moderators (secretary and workers) are told that a wish awaits verification.
    """
    on_behalf = wisher is not None and wisher.pk != actor.person_id
    if on_behalf:
        assert wisher is not None
        ensure_can_enter_wish_for(actor, wisher)
    else:
        ensure_can_post_wish(actor)
        wisher = actor.person
    assert wisher is not None and wisher.home_unit is not None
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the wish a title."))
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX, required=False, message="")
    if not isinstance(category, WishCategory) or not category.is_active:
        raise ValidationError({"category": [_("Choose one of the categories.")]})
    if preferred_time and preferred_time not in TimeSlot.values:
        raise ValidationError({"preferred_time": [_("Choose one of the times.")]})
    hours = clean_decimal(estimated_hours, field="estimated_hours", low=Decimal(0), high=Decimal(99), places=TENTHS)
    value = clean_decimal(estimated_value, field="estimated_value", low=Decimal(0), high=Decimal(100000))
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    cleaned = [photo_clean(photo) for photo in photos]
    community, place = _community_and_place(wisher.home_unit)
    full_name = wisher.shows_full_name if shows_full_name is None else shows_full_name
    now = timezone.now()
    wish = Wish(
        community=community,
        place=place,
        scope_path=place.path,
        wisher=wisher,
        entered_by=actor.person if on_behalf else None,
        public_name=wisher.full_name if full_name else mask_name(wisher.full_name),
        title=title,
        description=description,
        category=category,
        estimated_hours=hours if hours is not None else category.default_hours,
        estimated_value=value,
        preferred_time=preferred_time,
        personal_numbers=",".join(personal_numbers_in(title, description)),
        created_at=now,
    )
    # Field checks only: the related rows were fetched and checked above, and the database enforces
    # the constraints — full_clean would re-query each foreign key and constraint (8 queries).
    wish.full_clean(exclude=["community", "place", "wisher", "entered_by", "category"], validate_constraints=False)
    wish.save(force_insert=True)
    if on_behalf:
        event_add(wish, V.ENTERED, actor=actor.person, role=R.STAFF)
    else:
        event_add(wish, V.SUBMITTED, actor=wisher, role=R.WISHER)
    for clean in cleaned:
        photo_uuid, name = photo_store(clean, folder="wishes")
        WishPhoto.objects.create(
            uuid=photo_uuid,
            wish=wish,
            uploaded_by=actor.person or wisher,
            purpose=WishPhoto.Purpose.REQUEST,
            file_name=name,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.content),
        )
    rollup_bump(wish, "posted")
    audit("submitted", actor, wish, on_behalf=on_behalf, photos=len(cleaned))
    moderators = [
        person
        for person in community_staff(community.pk, roles=(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER))
        if person.pk != actor.person_id
    ]
    notify("wishes.awaiting_review", moderators, wish, place=place.name)
    return wish
