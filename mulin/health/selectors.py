"""Scoped reads of health checks. A resident's own history carries the readings (it is theirs);
the staff's roster of an activity carries who consented and how many readings were taken, never
a reading; public figures are person-times."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mulin.activities.models import Activity, Signup
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.permissions import HEALTH_CHECK_TYPE
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q

HISTORY_MAX = 200


def health_check_list_own(actor: Actor) -> QuerySet[HealthCheck]:
    """The actor's own readings, newest first, with the partner and the activity joined."""
    return (
        HealthCheck.objects.filter(person_id=actor.person_id or 0)
        .select_related("partner", "activity")
        .order_by("-measured_at", "-id")
    )


def health_consent_list_own(actor: Actor) -> QuerySet[HealthConsent]:
    """The actor's consents (standing first), with the partner unit."""
    return (
        HealthConsent.objects.filter(person_id=actor.person_id or 0)
        .select_related("partner")
        .order_by("withdrawn_at", "-created_at", "-id")
    )


def health_activity_list_recorded_by(actor: Actor) -> QuerySet[Activity]:
    """Health-check activities of the partner units where the actor is health staff, newest first,
    with the person-times measured at each."""
    if not actor.can_anywhere(Capability.HEALTH_RECORD):
        return Activity.objects.none()
    measured = (
        HealthCheck.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Activity.objects.filter(scope_q(actor, Capability.HEALTH_RECORD, "host_path"), type__code=HEALTH_CHECK_TYPE)
        .select_related("type", "host", "room__station")
        .annotate(person_times=Coalesce(Subquery(measured), 0))
        .order_by("-starts_at", "-id")
    )


def health_roster(activity: Activity) -> QuerySet[Signup]:
    """Everyone with a place at the activity, with whether their consent to the host stands and
    how many readings were taken of them here (no reading itself)."""
    consent = HealthConsent.objects.filter(
        person=OuterRef("person_id"), partner_id=activity.host_id, withdrawn_at__isnull=True
    )
    taken = (
        HealthCheck.objects.filter(activity=activity, person=OuterRef("person_id"))
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED)
        .select_related("person")
        .annotate(has_consent=Exists(consent), readings=Coalesce(Subquery(taken), 0))
        .order_by("person__full_name", "id")
    )


def health_person_times(activity: Activity) -> int:
    """How many readings were taken at the activity: the only figure shown beyond the two readers."""
    return HealthCheck.objects.filter(activity=activity).count()
