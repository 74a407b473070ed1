"""Who may do what with a work order. One condition per line; the same predicates decide the
buttons on the page, the `actions` the API lists and the checks in the services.

- Everyone registered in a street sees its orders' public fields (title, category, place, status,
  responsible party, timeline verbs) — problems in public spaces, as FixMyStreet shows them.
- Photos, notes and reasons: the reporter, the community's staff and the responsible party.
- Community staff (WORKORDER_MANAGE over the order's place) run the loop; the responsible party
  (WORKORDER_HANDLE at the assignee unit) works on what is dispatched to it. Staff also record
  the steps for parties that have no accounts (property management, external departments).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.workorders.models import WorkOrder, WorkOrderPhoto
from mulin.workorders.selectors import work_order_list_visible_to

S = WorkOrder.Status
_STREET_LEVEL = frozenset({OrgUnit.Kind.STREET, OrgUnit.Kind.DISTRICT})


def access_work_order_by_id(actor: Actor, order_id: int | str) -> WorkOrder:
    """The order if the actor may see it; Http404 both for missing orders and for orders the actor
    may not see, so ids cannot be probed."""
    try:
        return work_order_list_visible_to(actor).get(pk=int(order_id))
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _is_me(actor: Actor, person_id: int | None) -> bool:
    return actor.person_id is not None and actor.person_id == person_id


def is_reporter(actor: Actor, order: WorkOrder) -> bool:
    return _is_me(actor, order.reporter_id)


def can_report_work_order(actor: Actor, unit: OrgUnit) -> bool:
    """Anyone registered in the street reports a problem in any of its communities (members
    patrol rivers beyond the community they live in)."""
    if actor.is_system:
        return True
    if actor.person is None or not actor.person.is_active:
        return False
    return actor.can_street_wide(Capability.WORKORDER_REPORT, unit.path)


def ensure_can_report_work_order(actor: Actor, unit: OrgUnit) -> None:
    if not can_report_work_order(actor, unit):
        raise PermissionDenied(_("You may report problems only in your own street."))


def can_manage_work_order(actor: Actor, order: WorkOrder) -> bool:
    """Staff of the order's community, or of the street, accept, dispatch, verify and close it."""
    return actor.can(Capability.WORKORDER_MANAGE, order.scope_path)


def ensure_can_manage_work_order(actor: Actor, order: WorkOrder) -> None:
    if not can_manage_work_order(actor, order):
        raise PermissionDenied(_("Only the community's staff may do this."))


def can_handle_work_order(actor: Actor, order: WorkOrder) -> bool:
    """The responsible party works on the order: people who handle orders at the assignee unit,
    and the community's staff recording it for them."""
    if order.assignee_path and actor.can(Capability.WORKORDER_HANDLE, order.assignee_path):
        return True
    return can_manage_work_order(actor, order)


def ensure_can_handle_work_order(actor: Actor, order: WorkOrder) -> None:
    if not can_handle_work_order(actor, order):
        raise PermissionDenied(_("Only the responsible party or the community's staff may do this."))


def can_verify_work_order(actor: Actor, order: WorkOrder) -> bool:
    """The reporter checks the fix on the ground; the community's staff may do it instead."""
    if is_reporter(actor, order):
        return True
    return can_manage_work_order(actor, order)


def ensure_can_verify_work_order(actor: Actor, order: WorkOrder) -> None:
    if not can_verify_work_order(actor, order):
        raise PermissionDenied(_("Only the reporter or the community's staff may check the fix."))


def reopen_window() -> timedelta:
    return timedelta(days=int(getattr(settings, "MULIN_WORKORDER_REOPEN_DAYS", 30)))


def _within_reopen_window(order: WorkOrder) -> bool:
    return order.closed_at is not None and order.closed_at >= timezone.now() - reopen_window()


def can_reopen_work_order(actor: Actor, order: WorkOrder) -> bool:
    """The reporter reopens a closed order within the window (MULIN_WORKORDER_REOPEN_DAYS); the
    community's staff may reopen at any time."""
    if can_manage_work_order(actor, order):
        return True
    if not is_reporter(actor, order):
        return False
    return _within_reopen_window(order)


def ensure_can_reopen_work_order(actor: Actor, order: WorkOrder) -> None:
    if not can_reopen_work_order(actor, order):
        raise PermissionDenied(
            _("A closed order can be reopened by its reporter within %(days)s days.") % {"days": reopen_window().days}
        )


def can_rate_work_order(actor: Actor, order: WorkOrder) -> bool:
    """Only the reporter answers "is it fixed?", once, after the order is closed."""
    if not is_reporter(actor, order):
        return False
    if order.status != S.CLOSED:
        return False
    return order.rated_at is None


def ensure_can_rate_work_order(actor: Actor, order: WorkOrder) -> None:
    if not is_reporter(actor, order):
        raise PermissionDenied(_("Only the reporter answers whether it is fixed."))


def can_view_work_order_private(actor: Actor, order: WorkOrder) -> bool:
    """Photos, notes and reasons may show a home or a person: the reporter, whoever entered the
    order, the responsible party and the community's staff."""
    if is_reporter(actor, order):
        return True
    if _is_me(actor, order.entered_by_id):
        return True
    return can_handle_work_order(actor, order)


def access_photo_by_uuid(actor: Actor, photo_uuid: str) -> WorkOrderPhoto:
    """The photo if the actor may see its order's private parts; 404 otherwise."""
    photo = WorkOrderPhoto.objects.filter(uuid=photo_uuid).first()
    if photo is None:
        raise Http404
    order = access_work_order_by_id(actor, photo.order_id)
    if not can_view_work_order_private(actor, order):
        raise Http404
    return photo


def can_manage_street_settings(actor: Actor) -> bool:
    """Categories, external departments and Open311 keys hold for a street: work-order staff at
    street level (or above) manage them."""
    if actor.is_system:
        return True
    return any(
        grant.unit_kind in _STREET_LEVEL and Capability.WORKORDER_MANAGE in ROLE_SPECS[grant.role].capabilities
        for grant in actor.grants
    )


def ensure_can_manage_street_settings(actor: Actor) -> None:
    if not can_manage_street_settings(actor):
        raise PermissionDenied(_("Only the street administration may do this."))


def street_paths_managed_by(actor: Actor) -> tuple[str, ...]:
    """Paths of the street-level units where the actor manages work orders."""
    if actor.is_system:
        return ("",)
    return tuple(
        grant.unit_path
        for grant in actor.grants
        if grant.unit_kind in _STREET_LEVEL and Capability.WORKORDER_MANAGE in ROLE_SPECS[grant.role].capabilities
    )
