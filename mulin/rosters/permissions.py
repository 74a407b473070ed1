"""Who may do what with duty rosters. The same predicates decide the buttons on the pages and the
checks in the services; scoped fetches answer 404 for missing and not-yours alike.

Organisers (community workers and secretaries, the street) hold ROSTER_MANAGE where they work;
party members and volunteers hold ROSTER_DUTY in their community; everyone who lives there may
see the roster and the pledge wall (ROSTER_VIEW).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_belongs_to
from mulin.rosters.models import Assignment, AutofillJob, DutyPoint, DutyRequest, RosterPeriod, Shift
from mulin.rosters.selectors import (
    job_list_visible_to,
    period_list_visible_to,
    point_list_visible_to,
    request_list_visible_to,
    shift_list_visible_to,
)

C = Capability


def _by_id(queryset, object_id):  # type: ignore[no-untyped-def]
    try:
        return queryset.get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def access_point_by_id(actor: Actor, point_id: int | str) -> DutyPoint:
    """The duty point if the actor may see its community's roster; 404 otherwise."""
    return _by_id(point_list_visible_to(actor, include_inactive=True), point_id)


def access_shift_by_id(actor: Actor, shift_id: int | str) -> Shift:
    return _by_id(shift_list_visible_to(actor), shift_id)


def access_period_by_id(actor: Actor, period_id: int | str) -> RosterPeriod:
    return _by_id(period_list_visible_to(actor), period_id)


def access_job_by_id(actor: Actor, job_id: int | str) -> AutofillJob:
    """Auto-fill runs are the organisers' working papers: 404 for everyone else."""
    return _by_id(job_list_visible_to(actor), job_id)


def access_request_by_id(actor: Actor, request_id: int | str) -> DutyRequest:
    return _by_id(request_list_visible_to(actor), request_id)


def access_assignment_by_id(actor: Actor, assignment_id: int | str) -> Assignment:
    """One's own duty, or any duty on a roster the actor organises."""
    assignment = _by_id(Assignment.objects.select_related("shift__point", "person"), assignment_id)
    if _is_me(actor, assignment.person_id) or can_manage_rosters(actor, assignment.shift.scope_path):
        return assignment
    raise Http404


def _is_me(actor: Actor, person_id: int | None) -> bool:
    return actor.person_id is not None and actor.person_id == person_id


# --- organising ---------------------------------------------------------------------------------


def can_manage_rosters(actor: Actor, path: str) -> bool:
    """Organisers of the community (or the street) that `path` lies in."""
    return actor.can(C.ROSTER_MANAGE, path)


def ensure_can_manage_rosters(actor: Actor, path: str) -> None:
    if not can_manage_rosters(actor, path):
        raise PermissionDenied(_("Only the community's organisers may change its duty roster."))


def can_assign(actor: Actor, shift: Shift, person: Person) -> bool:
    """An organiser puts someone of the shift's own community on it; never someone from elsewhere."""
    if not can_manage_rosters(actor, shift.scope_path):
        return False
    return person_belongs_to(person, shift.community)


def ensure_can_assign(actor: Actor, shift: Shift, person: Person) -> None:
    if not can_manage_rosters(actor, shift.scope_path):
        raise PermissionDenied(_("Only the community's organisers may change its duty roster."))
    if not person_belongs_to(person, shift.community):
        raise PermissionDenied(_("Only people of this community can stand duty on its roster."))


def can_tick(actor: Actor, shift: Shift) -> bool:
    """The point's leader, or an organiser, ticks people present or absent."""
    if _is_me(actor, shift.point.leader_id):
        return True
    return can_manage_rosters(actor, shift.scope_path)


def ensure_can_tick(actor: Actor, shift: Shift) -> None:
    if not can_tick(actor, shift):
        raise PermissionDenied(_("Only the point leader or an organiser may tick people present."))


# --- taking duty ----------------------------------------------------------------------------------


def can_view_roster(actor: Actor, community: OrgUnit) -> bool:
    return actor.can(C.ROSTER_VIEW, community.path)


def ensure_can_view_roster(actor: Actor, community: OrgUnit) -> None:
    if not can_view_roster(actor, community):
        raise PermissionDenied(_("You may not see this community's duty roster."))


def can_take_duty(actor: Actor, community: OrgUnit) -> bool:
    """Party members and volunteers of the community sign its pledge and stand duty there."""
    if actor.person is None:
        return False
    if not actor.person.is_active:
        return False
    return actor.can(C.ROSTER_DUTY, community.path)


def ensure_can_take_duty(actor: Actor, community: OrgUnit) -> None:
    if not can_take_duty(actor, community):
        raise PermissionDenied(_("Party members and volunteers of this community stand duty here."))


def can_withdraw(actor: Actor, assignment: Assignment) -> bool:
    """The person takes themselves off a shift (before it starts); an organiser may at any time."""
    if _is_me(actor, assignment.person_id):
        return True
    return can_manage_rosters(actor, assignment.shift.scope_path)


def ensure_can_withdraw(actor: Actor, assignment: Assignment) -> None:
    if not can_withdraw(actor, assignment):
        raise PermissionDenied(_("Only the person on duty or an organiser may take them off."))


def can_check_in(actor: Actor, assignment: Assignment) -> bool:
    """People check themselves in and out; the leader's ticks are `can_tick`."""
    return _is_me(actor, assignment.person_id)


def ensure_can_check_in(actor: Actor, assignment: Assignment) -> None:
    if not can_check_in(actor, assignment):
        raise PermissionDenied(_("You can check in only for your own duty."))


def can_request_change(actor: Actor, assignment: Assignment) -> bool:
    """Leave and swap requests come from the person on duty."""
    return _is_me(actor, assignment.person_id)


def ensure_can_request_change(actor: Actor, assignment: Assignment) -> None:
    if not can_request_change(actor, assignment):
        raise PermissionDenied(_("Only the person on duty may ask for leave or a swap."))


def can_decide_request(actor: Actor, request: DutyRequest) -> bool:
    return can_manage_rosters(actor, request.scope_path)


def ensure_can_decide_request(actor: Actor, request: DutyRequest) -> None:
    if not can_decide_request(actor, request):
        raise PermissionDenied(_("Only the community's organisers decide leave and swap requests."))


def can_withdraw_request(actor: Actor, request: DutyRequest) -> bool:
    return _is_me(actor, request.requester_id)


def ensure_can_withdraw_request(actor: Actor, request: DutyRequest) -> None:
    if not can_withdraw_request(actor, request):
        raise PermissionDenied(_("Only the person who asked may withdraw the request."))
