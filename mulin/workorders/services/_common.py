"""Helpers shared by the work-order services: timeline, audit, notifications, input checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.photos import photo_clean, photo_store
from mulin.notifications.services import notification_send
from mulin.organizations.models import Person, Role, RoleAssignment
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.workorders.models import WorkOrder, WorkOrderEvent, WorkOrderPhoto

R = WorkOrderEvent.ActorRole
M = "workorders"  # audit verb prefix
MAX_PHOTOS = 3

# Roles whose holders run the orders of a community (told about new, returned and overdue orders).
_STAFF_ROLES = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER)
_HANDLER_ROLES = tuple(role for role, spec in ROLE_SPECS.items() if Capability.WORKORDER_HANDLE in spec.capabilities)


def clean_text(value: Any, *, field: str, max_length: int, required: bool, message: str = "") -> str:
    """Stripped text within `max_length`; ValidationError keyed by `field` otherwise.
    (A generic input helper: it moves to core with the module template, issue 8.)"""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationError({field: [message or _("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("Use at most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(text)}]}
        )
    return text


def role_of(actor: Actor, order: WorkOrder) -> str:
    """How the timeline names the actor: reporter, responsible party, staff or the system."""
    if actor.person_id is None:
        return R.SYSTEM
    if actor.person_id == order.reporter_id:
        return R.REPORTER
    if order.assignee_path and actor.can(Capability.WORKORDER_HANDLE, order.assignee_path):
        return R.HANDLER
    return R.STAFF


def event(
    order: WorkOrder, verb: str, *, actor: Person | None, role: str, note: str = "", party: str = ""
) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        order=order, verb=verb, actor=actor, actor_role=role, party_name=party, note=note, created_at=timezone.now()
    )


def audit(verb: str, actor: Actor | None, order: WorkOrder, **data: Any) -> None:
    audit_record(
        verb=f"{M}.{verb}",
        actor=actor.person if actor else None,
        target=order,
        scope_path=order.scope_path,
        data=data,
    )


def notify(kind: str, recipients: Iterable[Person | None], order: WorkOrder, **params: Any) -> None:
    notification_send(
        kind=kind,
        recipients=[p for p in recipients if p is not None],
        params={"title": order.title, "number": order.pk, **params},
        url=order.get_absolute_url(),
    )


def _holders(unit_ids: Sequence[int], roles: Sequence[str]) -> list[Person]:
    assignments = RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role__in=list(roles)).select_related(
        "person"
    )
    return [a.person for a in assignments if a.person.is_active]


def community_staff(order: WorkOrder) -> list[Person]:
    """The people who run the order's community: its secretary and workers (street staff for a
    street-level order)."""
    people = _holders([order.community_id], _STAFF_ROLES)
    return people or _holders([order.community_id], (Role.STREET_ADMIN,))


def party_handlers(order: WorkOrder) -> list[Person]:
    """The people who handle orders at the assignee unit (none for external departments and
    units without accounts: the community's staff record their steps)."""
    if order.assignee_unit_id is None:
        return []
    return _holders([order.assignee_unit_id], _HANDLER_ROLES)


def street_admins(order: WorkOrder) -> list[Person]:
    street_paths = order.community.ancestor_paths
    assignments = RoleAssignment.objects.filter(role=Role.STREET_ADMIN, unit__path__in=street_paths).select_related(
        "person"
    )
    return [a.person for a in assignments if a.person.is_active]


def clean_photos(photos: Sequence[Any], *, required: bool = False) -> list[Any]:
    """Check and re-encode uploaded photos before anything is written: ValidationError (field
    "photos") for a missing, extra, oversized, bombed or non-image file.
    """
    if required and not photos:
        raise ValidationError({"photos": [_("Add at least one photo as evidence.")]})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    return [photo_clean(photo) for photo in photos]


def store_photos(order: WorkOrder, cleaned: Sequence[Any], *, stage: str, by: Person | None) -> None:
    """Store photos that `clean_photos` accepted, under the order."""
    for clean in cleaned:
        photo_uuid, name = photo_store(clean, folder="workorders")
        # The file is written before the row; if the transaction rolls back an orphan file may
        # stay behind, which is harmless (random name, never served without a row).
        WorkOrderPhoto.objects.create(
            uuid=photo_uuid,
            order=order,
            stage=stage,
            uploaded_by=by,
            file_name=name,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.content),
        )
