"""The steps of a work order after it is filed. Each is a service: permission first, then the
conditional UPDATE of its transition (transitions.py), then timeline, audit and notifications,
in one transaction (outside deliveries leave only after it commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.workorders import transitions as T
from mulin.workorders.models import NOTE_MAX, REASON_MAX, ExternalDepartment, WorkOrder, WorkOrderEvent
from mulin.workorders.permissions import (
    ensure_can_handle_work_order,
    ensure_can_manage_work_order,
    ensure_can_rate_work_order,
    ensure_can_reopen_work_order,
    ensure_can_verify_work_order,
)
from mulin.workorders.selectors import ASSIGNABLE_KINDS
from mulin.workorders.services._common import (
    audit,
    clean_photos,
    clean_text,
    community_staff,
    event,
    notify,
    party_handlers,
    role_of,
    store_photos,
)

S = WorkOrder.Status
V = WorkOrderEvent.Verb
Party = OrgUnit | ExternalDepartment
UNFIXED = frozenset(
    {WorkOrder.Resolution.DUPLICATE, WorkOrder.Resolution.NOT_A_PROBLEM, WorkOrder.Resolution.CANNOT_FIX}
)


def _reason(value: Any, message: str) -> str:
    return clean_text(value, field="reason", max_length=REASON_MAX, required=True, message=message)


def _note(value: Any, *, required: bool = False, message: str = "") -> str:
    return clean_text(value, field="note", max_length=NOTE_MAX, required=required, message=message)


def _street_path(order: WorkOrder) -> str:
    """The path of the street the order is in (its community's ancestor at street depth)."""
    chain = [*order.community.ancestor_paths, order.community.path]
    street = OrgUnit.objects.filter(path__in=chain, kind=OrgUnit.Kind.STREET).values_list("path", flat=True).first()
    return street or order.community.path


def _assignee_fields(order: WorkOrder, party: Any) -> dict[str, Any]:
    """The columns that name `party` as responsible; ValidationError for a party outside the
    order's street, retired, or of a kind that cannot take orders."""
    street = _street_path(order)
    if isinstance(party, OrgUnit):
        if party.kind not in ASSIGNABLE_KINDS or not party.is_active or not party.path.startswith(street):
            raise ValidationError(
                {"party": [_("Choose a community, property management, partner unit or branch of this street.")]}
            )
        return {
            "assignee_unit": party,
            "assignee_department": None,
            "assignee_path": party.path,
            "assignee_name": party.name[:100],
        }
    if isinstance(party, ExternalDepartment):
        if not party.is_active or not street.startswith(party.street.path):
            raise ValidationError({"party": [_("Choose a department that serves this street.")]})
        return {
            "assignee_unit": None,
            "assignee_department": party,
            "assignee_path": "",
            "assignee_name": party.name_zh_hans[:100],
        }
    raise ValidationError({"party": [_("Choose who is responsible.")]})


_NO_ASSIGNEE = {"assignee_unit": None, "assignee_department": None, "assignee_path": "", "assignee_name": ""}


def _same_assignee(order: WorkOrder) -> Q:
    """The WHERE condition that the assignee is still the one the actor saw."""
    return Q(assignee_unit_id=order.assignee_unit_id, assignee_department_id=order.assignee_department_id)


@transaction.atomic
def work_order_accept(*, actor: Actor, order: WorkOrder, note: str = "") -> WorkOrder:
    """Community staff take a reported problem on (受理)."""
    ensure_can_manage_work_order(actor, order)
    note = _note(note)
    T.transition(order, T.ACCEPT, accepted_at=timezone.now())
    event(order, V.ACCEPTED, actor=actor.person, role=role_of(actor, order), note=note)
    audit("accepted", actor, order)
    notify("workorders.accepted", [order.reporter], order)
    return order


@transaction.atomic
def work_order_dispatch(*, actor: Actor, order: WorkOrder, party: Party, note: str = "") -> WorkOrder:
    """Send an accepted order to the party responsible for fixing it (派单): a unit of the street
    or an external department. The deadline is the category's days from now."""
    ensure_can_manage_work_order(actor, order)
    fields = _assignee_fields(order, party)
    note = _note(note)
    now = timezone.now()
    T.transition(
        order,
        T.DISPATCH,
        dispatched_at=now,
        due_at=now + timedelta(days=order.category.resolve_within_days),
        status_note="",
        **fields,
    )
    event(order, V.DISPATCHED, actor=actor.person, role=role_of(actor, order), note=note, party=order.assignee_name)
    audit("dispatched", actor, order, party=order.assignee_name)
    notify("workorders.dispatched", [*party_handlers(order), order.reporter], order, party=order.assignee_name)
    return order


@transaction.atomic
def work_order_reassign(*, actor: Actor, order: WorkOrder, party: Party, reason: str) -> WorkOrder:
    """Give an order to another responsible party, with a reason (改派). Two reassignments at the
    same moment: the second finds the assignee changed and gets StateConflict."""
    ensure_can_manage_work_order(actor, order)
    reason = _reason(reason, _("Say why it goes to another party."))
    fields = _assignee_fields(order, party)
    if (fields["assignee_unit"], fields["assignee_department"]) == (order.assignee_unit, order.assignee_department):
        raise ValidationError({"party": [_("The order is already with this party.")]})
    previous = party_handlers(order)
    now = timezone.now()
    T.transition(
        order,
        T.REASSIGN,
        condition=_same_assignee(order),
        dispatched_at=now,
        due_at=now + timedelta(days=order.category.resolve_within_days),
        started_at=None,
        status_note=reason,
        **fields,
    )
    event(order, V.REASSIGNED, actor=actor.person, role=role_of(actor, order), note=reason, party=order.assignee_name)
    audit("reassigned", actor, order, party=order.assignee_name)
    notify("workorders.dispatched", [*party_handlers(order), order.reporter], order, party=order.assignee_name)
    notify("workorders.taken_away", previous, order)
    return order


@transaction.atomic
def work_order_return(*, actor: Actor, order: WorkOrder, reason: str) -> WorkOrder:
    """The responsible party hands the order back (退回): not theirs, or wrongly routed. It goes
    back to the community's staff to dispatch again; the reason is on the timeline."""
    ensure_can_handle_work_order(actor, order)
    reason = _reason(reason, _("Say why the order is returned."))
    role = role_of(actor, order)
    party = order.assignee_name
    T.transition(
        order,
        T.RETURN,
        condition=_same_assignee(order),
        due_at=None,
        started_at=None,
        status_note=reason,
        **_NO_ASSIGNEE,
    )
    event(order, V.RETURNED, actor=actor.person, role=role, note=reason, party=party)
    audit("returned", actor, order, party=party)
    notify("workorders.returned", community_staff(order), order, party=party)
    return order


@transaction.atomic
def work_order_start(*, actor: Actor, order: WorkOrder, note: str = "") -> WorkOrder:
    """The responsible party says work has started (处置中)."""
    ensure_can_handle_work_order(actor, order)
    note = _note(note)
    T.transition(order, T.START, condition=_same_assignee(order), started_at=timezone.now())
    event(order, V.STARTED, actor=actor.person, role=role_of(actor, order), note=note, party=order.assignee_name)
    audit("started", actor, order)
    return order


@transaction.atomic
def work_order_resolve(*, actor: Actor, order: WorkOrder, note: str, photos: Sequence[Any]) -> WorkOrder:
    """The responsible party reports the problem fixed, with what was done and one to three photos
    as evidence (checked and re-encoded before anything is written). The reporter is asked to
    check it."""
    ensure_can_handle_work_order(actor, order)
    note = _note(note, required=True, message=_("Say what was done."))
    cleaned = clean_photos(photos, required=True)
    role = role_of(actor, order)
    T.transition(order, T.RESOLVE, condition=_same_assignee(order), resolved_at=timezone.now(), resolution_note=note)
    store_photos(order, cleaned, stage="resolution", by=actor.person)
    event(order, V.RESOLVED, actor=actor.person, role=role, note=note, party=order.assignee_name)
    audit("resolved", actor, order, photos=len(cleaned))
    notify("workorders.resolved", [order.reporter], order, party=order.assignee_name)
    return order


@transaction.atomic
def work_order_send_back(*, actor: Actor, order: WorkOrder, reason: str) -> WorkOrder:
    """The reporter (or staff) finds it is not fixed: back to the responsible party (返工)."""
    ensure_can_verify_work_order(actor, order)
    reason = _reason(reason, _("Say what is still wrong."))
    role = role_of(actor, order)
    T.transition(order, T.SEND_BACK, resolved_at=None, status_note=reason)
    event(order, V.SENT_BACK, actor=actor.person, role=role, note=reason, party=order.assignee_name)
    audit("sent_back", actor, order, by=role)
    notify("workorders.sent_back", [*party_handlers(order), *community_staff(order)], order)
    return order


@transaction.atomic
def work_order_verify(*, actor: Actor, order: WorkOrder, note: str = "", photos: Sequence[Any] = ()) -> WorkOrder:
    """The reporter or the community's staff checked the fix on the ground (核实)."""
    ensure_can_verify_work_order(actor, order)
    note = _note(note)
    cleaned = clean_photos(photos)
    role = role_of(actor, order)
    T.transition(order, T.VERIFY, verified_at=timezone.now(), verified_by=actor.person)
    store_photos(order, cleaned, stage="verification", by=actor.person)
    event(order, V.VERIFIED, actor=actor.person, role=role, note=note)
    audit("verified", actor, order, by=role)
    notify("workorders.verified", community_staff(order), order)
    return order


@transaction.atomic
def work_order_close(*, actor: Actor, order: WorkOrder, note: str = "") -> WorkOrder:
    """Close a verified order as fixed (销号); the reporter is asked "is it fixed?"."""
    ensure_can_manage_work_order(actor, order)
    note = _note(note)
    T.transition(order, T.CLOSE, closed_at=timezone.now(), resolution=WorkOrder.Resolution.FIXED, status_note="")
    event(order, V.CLOSED, actor=actor.person, role=role_of(actor, order), note=note)
    audit("closed", actor, order, resolution=order.resolution)
    notify("workorders.closed", [order.reporter], order)
    return order


@transaction.atomic
def work_order_close_unfixed(*, actor: Actor, order: WorkOrder, resolution: str, reason: str) -> WorkOrder:
    """Close an order without a fix, saying so: reported already, no action needed, or it cannot
    be fixed — with a reason the reporter reads. Never shown as "fixed"."""
    ensure_can_manage_work_order(actor, order)
    if resolution not in UNFIXED:
        raise ValidationError({"resolution": [_("Choose why it is closed without a fix.")]})
    reason = _reason(reason, _("Say why it is closed without a fix."))
    T.transition(order, T.CLOSE_UNFIXED, closed_at=timezone.now(), resolution=resolution, status_note=reason)
    event(order, V.CLOSED_UNFIXED, actor=actor.person, role=role_of(actor, order), note=reason)
    audit("closed", actor, order, resolution=resolution)
    notify("workorders.closed_unfixed", [order.reporter], order, resolution=order.get_resolution_display())
    return order


@transaction.atomic
def work_order_reopen(*, actor: Actor, order: WorkOrder, reason: str) -> WorkOrder:
    """It is not fixed after all: the reporter reopens it within MULIN_WORKORDER_REOPEN_DAYS (staff
    at any time). It goes back to the community's staff to dispatch again."""
    ensure_can_reopen_work_order(actor, order)
    reason = _reason(reason, _("Say what is still wrong."))
    role = role_of(actor, order)
    T.transition(
        order,
        T.REOPEN,
        condition=Q(closed_at=order.closed_at),
        resolution="",
        closed_at=None,
        resolved_at=None,
        verified_at=None,
        verified_by=None,
        due_at=None,
        started_at=None,
        status_note=reason,
        reopen_count=F("reopen_count") + 1,
        reporter_says_fixed=None,
        satisfaction=None,
        rated_at=None,
        **_NO_ASSIGNEE,
    )
    event(order, V.REOPENED, actor=actor.person, role=role, note=reason)
    audit("reopened", actor, order, by=role)
    notify("workorders.reopened", community_staff(order), order)
    return order


@transaction.atomic
def work_order_rate(*, actor: Actor, order: WorkOrder, fixed: Any, satisfaction: Any, comment: str = "") -> WorkOrder:
    """The reporter answers "is it fixed?" (yes/no) and how satisfied they are (1–5), once per
    closing. Answering "no" does not reopen by itself: the page then offers to reopen."""
    ensure_can_rate_work_order(actor, order)
    if fixed not in (True, False):
        raise ValidationError({"fixed": [_("Say whether it is fixed.")]})
    try:
        stars = int(satisfaction)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"satisfaction": [_("Choose from 1 to 5.")]})
    comment = clean_text(comment, field="comment", max_length=REASON_MAX, required=False)
    now = timezone.now()
    updated = WorkOrder.objects.filter(
        pk=order.pk, status=S.CLOSED, rated_at__isnull=True, reporter_id=actor.person_id
    ).update(reporter_says_fixed=fixed, satisfaction=stars, rated_at=now, updated_at=now)
    if not updated:
        raise StateConflict(_("You have already answered for this order."), code="workorder_rate_conflict")
    order.refresh_from_db()
    # Language-neutral, as the timeline is read later in the reader's language.
    mark = "✓" if fixed else "✗"
    event(order, V.RATED, actor=actor.person, role=role_of(actor, order), note=f"{mark} {stars}/5 {comment}".strip())
    audit("rated", actor, order, fixed=fixed, satisfaction=stars)
    return order
