"""What every wish service shares: the timeline row, the audit row and notifications, named once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from mulin.core.audit import audit_record
from mulin.notifications.services import notification_send
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.wishes.models import Wish, WishEvent

S = Wish.Status
V = WishEvent.Verb
R = WishEvent.ActorRole
M = "wishes"  # audit verb prefix
MAX_PHOTOS = 3
REASON_MAX = 200
NOTE_MAX = 500
THANKS_MAX = 300


def event_add(wish: Wish, verb: str, *, actor: Person | None, role: str, note: str = "", name: str = "") -> None:
    WishEvent.objects.create(
        wish=wish, verb=verb, actor=actor, actor_role=role, actor_name=name, note=note, created_at=timezone.now()
    )


def audit(verb: str, actor: Actor | None, wish: Wish, **data: Any) -> None:
    audit_record(
        verb=f"{M}.{verb}", actor=actor.person if actor else None, target=wish, scope_path=wish.scope_path, data=data
    )


def notify(kind: str, recipients: Sequence[Person | None], wish: Wish, **params: Any) -> None:
    notification_send(
        kind=kind,
        recipients=[p for p in recipients if p is not None],
        params={"title": wish.title, **params},
        url=wish.get_absolute_url(),
    )


def role_of(actor: Actor, wish: Wish) -> str:
    if actor.person_id is not None and actor.person_id == wish.wisher_id:
        return R.WISHER
    if actor.person_id is not None and actor.person_id == wish.claimant_id:
        return R.CLAIMANT
    return R.STAFF if actor.person is not None else R.SYSTEM
