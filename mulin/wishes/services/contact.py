"""The wisher's contact, for the claimant and staff only, audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mulin.core.audit import audit_record
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.wishes.models import Wish
from mulin.wishes.permissions import ensure_can_view_wish_contact
from mulin.wishes.services._common import M


@dataclass(frozen=True)
class WishContact:
    name: str
    phone: str
    address: str
    place: str
    entered_by_staff: bool


@transaction.atomic
def wish_contact_reveal(*, actor: Actor, wish: Wish) -> WishContact:
    """Show the wisher's name, phone and address to the claimant (or staff). Writes one audit row
    naming the fields, never their values."""
    ensure_can_view_wish_contact(actor, wish)
    wisher = Person.objects.get(pk=wish.wisher_id)
    audit_record(
        verb=f"{M}.contact_viewed",
        actor=actor.person,
        target=wish,
        scope_path=wish.scope_path,
        data={"fields": ["full_name", "phone", "address"], "person": wisher.pk},
    )
    return WishContact(
        wisher.full_name, wisher.phone or "", wisher.address or "", wish.place.name, bool(wish.entered_by_id)
    )
