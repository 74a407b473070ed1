"""Scoped reads of activities. An activity for everyone is seen street-wide; one for a community
or a unit's members by the people who belong there; organisers see what their units host."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from mulin.activities.models import ACTIVE_SIGNUP_STATUSES, Activity, ActivityType, CalendarFeed, Signup
from mulin.core.crypto import sm3_hex
from mulin.organizations.models import OrgUnit, PartyMembership, Person
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor, scope_q, street_reach_q, unit_ancestor_paths


def activity_type_list() -> QuerySet[ActivityType]:
    return ActivityType.objects.all()


def belonging_paths(actor: Actor) -> list[str]:
    """Paths of the units the actor belongs to and everything above them: home, branch, role units."""
    paths: set[str] = set()
    person = actor.person
    if person is not None:
        if person.home_unit_id is not None and person.home_unit is not None:
            paths.update(unit_ancestor_paths(person.home_unit.path))
        membership = _membership(person)
        if membership is not None:
            paths.update(unit_ancestor_paths(membership.branch.path))
    for grant in actor.grants:
        paths.update(unit_ancestor_paths(grant.unit_path))
    return sorted(paths)


def _membership(person: Person) -> PartyMembership | None:
    try:
        return person.party_membership
    except PartyMembership.DoesNotExist:
        return None


def activity_list_visible_to(
    actor: Actor, *, upcoming_from: dt.datetime | None = None, type_code: str | None = None
) -> QuerySet[Activity]:
    """Activities open to the actor, or hosted by units they organise for, soonest first; with the
    type, host and place joined, and `my_status` (the actor's sign-up, or None)."""
    open_to_me = Q(audience=Activity.Audience.EVERYONE) | Q(scope_path__in=belonging_paths(actor))
    rows = Activity.objects.filter(
        (street_reach_q(actor, Capability.ACTIVITY_VIEW, "scope_path") & open_to_me)
        | scope_q(actor, Capability.ACTIVITY_ORGANISE, "host_path")
    )
    if upcoming_from is not None:
        rows = rows.filter(ends_at__gte=upcoming_from)
    if type_code:
        rows = rows.filter(type__code=type_code)
    mine = Signup.objects.filter(
        activity=OuterRef("pk"), person_id=actor.person_id or 0, status__in=ACTIVE_SIGNUP_STATUSES
    ).values("status")[:1]
    return (
        rows.select_related("type", "host", "room__station")
        .annotate(my_status=Subquery(mine))
        .order_by("starts_at", "id")
    )


def signup_list(activity: Activity) -> QuerySet[Signup]:
    """Everyone signed up or waiting, confirmed first, then the waitlist in order."""
    return (
        Signup.objects.filter(activity=activity, status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("person")
        .order_by("status", "position", "created_at", "id")
    )


def signup_of(activity: Activity, person_id: int | None) -> Signup | None:
    if person_id is None:
        return None
    return Signup.objects.filter(activity=activity, person_id=person_id, status__in=ACTIVE_SIGNUP_STATUSES).first()


def attendance_of(activity: Activity) -> tuple[int, int]:
    """(people who came, people with a confirmed place)."""
    confirmed = Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED)
    return confirmed.filter(checked_in_at__isnull=False).count(), confirmed.count()


def host_choices(actor: Actor) -> list[OrgUnit]:
    """The units the actor organises activities for: where they hold the organiser's role."""
    ids = [
        grant.unit_id for grant in actor.grants if Capability.ACTIVITY_ORGANISE in ROLE_SPECS[grant.role].capabilities
    ]
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("path"))


def series_activity_list(actor: Actor, series_id: int) -> QuerySet[Activity]:
    """The activities of a series the actor sees (as `activity_list_visible_to`), in date order."""
    return activity_list_visible_to(actor).filter(series_id=series_id)


CALENDAR_PAST = dt.timedelta(days=90)


def calendar_feed_of(person_id: int | None) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person_id=person_id or 0).first()


def calendar_feed_by_key(key: str) -> CalendarFeed | None:
    """The feed whose secret is `key` (looked up by its digest), or None."""
    if not key or len(key) > 100:
        return None
    return CalendarFeed.objects.select_related("person").filter(key_hash=sm3_hex(key.encode())).first()


def activity_list_for_calendar(person_id: int, *, now: dt.datetime) -> QuerySet[Activity]:
    """The person's activities for their calendar: those they have a place or wait for, from three
    months back, cancelled ones included (calendars strike them out)."""
    return (
        Activity.objects.filter(
            signups__person_id=person_id,
            signups__status__in=ACTIVE_SIGNUP_STATUSES,
            ends_at__gte=now - CALENDAR_PAST,
        )
        .select_related("room__station")
        .order_by("starts_at", "id")
    )
