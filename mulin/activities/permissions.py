"""Who may do what with activities. The same predicates decide the buttons on the page and the
checks in the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.activities.models import Activity, ActivitySeries
from mulin.activities.selectors import activity_list_visible_to
from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor


def access_activity_by_id(actor: Actor, activity_id: int | str) -> Activity:
    """The activity if it is open to the actor (or the actor organises it); Http404 otherwise."""
    try:
        pk = int(activity_id)
    except (TypeError, ValueError):
        raise Http404 from None
    activity = activity_list_visible_to(actor).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def can_organise_for(actor: Actor, host: OrgUnit) -> bool:
    """Branch secretaries for their branch, partner contacts for their unit, community and street
    staff for their subtree create activities hosted by that unit."""
    return actor.is_authenticated and actor.can(Capability.ACTIVITY_ORGANISE, host.path)


def ensure_can_organise_for(actor: Actor, host: OrgUnit) -> None:
    if not can_organise_for(actor, host):
        raise PermissionDenied(_("You may not organise activities for this unit."))


def can_manage_activity(actor: Actor, activity: Activity) -> bool:
    """The host's organisers run the activity: cancel it, show the check-in code, tick names."""
    return actor.can(Capability.ACTIVITY_ORGANISE, activity.host_path)


def ensure_can_manage_activity(actor: Actor, activity: Activity) -> None:
    if not can_manage_activity(actor, activity):
        raise PermissionDenied(_("Only the activity's organisers may do this."))


def can_join_activity(actor: Actor, activity: Activity) -> bool:
    """Anyone the activity is open to signs up while it is open and has not started."""
    if actor.person is None or not actor.person.is_active:
        return False
    return actor.can_street_wide(Capability.ACTIVITY_JOIN, activity.scope_path)


def ensure_can_join_activity(actor: Actor, activity: Activity) -> None:
    if not can_join_activity(actor, activity):
        raise PermissionDenied(_("You may not sign up for this activity."))


def access_series_by_id(actor: Actor, series_id: int | str) -> ActivitySeries:
    """The series if the actor sees one of its activities (or organises for its host); 404 otherwise."""
    try:
        pk = int(series_id)
    except (TypeError, ValueError):
        raise Http404 from None
    series = ActivitySeries.objects.select_related("host").filter(pk=pk).first()
    if series is None or not (
        can_organise_for(actor, series.host) or activity_list_visible_to(actor).filter(series_id=pk).exists()
    ):
        raise Http404
    return series
