"""Reads of rivers and segments, always scoped to the actor: everyone registered in a street sees
its rivers (the street reach of PATROL_VIEW)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, street_reach_q, subtrees_q
from mulin.patrols.models import Campaign, Inspection, PatrolLog, PatrolPhoto, River, Segment, SegmentClaim


def _active_claims() -> Prefetch:
    return Prefetch(
        "claims",
        queryset=SegmentClaim.objects.filter(released_at__isnull=True)
        .select_related("person", "branch")
        .order_by("role", "id"),
        to_attr="active_claims",
    )


def river_list_visible_to(actor: Actor) -> QuerySet[River]:
    """Rivers of the streets the actor reaches, by name."""
    return (
        River.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"), is_active=True)
        .select_related("street", "folk_chief")
        .order_by("scope_path", "name")
    )


def segment_list_visible_to(
    actor: Actor, *, river_id: int | None = None, community_id: int | None = None
) -> QuerySet[Segment]:
    """Segments of the streets the actor reaches, river by river, with their current claims."""
    segments = Segment.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"), is_active=True)
    if river_id is not None:
        segments = segments.filter(river_id=river_id)
    if community_id is not None:
        segments = segments.filter(community_id=community_id)
    return (
        segments.select_related("river", "community").prefetch_related(_active_claims()).order_by("river__name", "id")
    )


def segment_list_claimed_by(actor: Actor) -> QuerySet[Segment]:
    """Segments the actor answers for now (as primary or backup)."""
    if actor.person_id is None:
        return Segment.objects.none()
    return segment_list_visible_to(actor).filter(claims__person_id=actor.person_id, claims__released_at__isnull=True)


def branch_choices_for(actor: Actor) -> list[OrgUnit]:
    """Branches the actor may claim segments for (where they hold PATROL_MANAGE)."""
    paths = actor.scope_paths(Capability.PATROL_MANAGE)
    if not paths:
        return []
    return list(
        OrgUnit.objects.filter(subtrees_q("path", paths), kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    )


def patrol_log_list_visible_to(
    actor: Actor,
    *,
    segment_id: int | None = None,
    patroller_id: int | None = None,
    before: int | None = None,
) -> QuerySet[PatrolLog]:
    """Patrol logs of the streets the actor reaches, newest first, joined with what a card shows.
    Keyset pages: pass the last id seen as `before`."""
    logs = PatrolLog.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"))
    if segment_id is not None:
        logs = logs.filter(segment_id=segment_id)
    if patroller_id is not None:
        logs = logs.filter(patroller_id=patroller_id)
    if before is not None:
        logs = logs.filter(pk__lt=before)
    return logs.select_related("segment__river", "segment__community").order_by("-id")


def patrol_photos_of(log_ids: list[int]) -> dict[int, list[PatrolPhoto]]:
    """The photos of these logs, by log id (one query for a page of logs)."""
    photos: dict[int, list[PatrolPhoto]] = {}
    for photo in PatrolPhoto.objects.filter(log_id__in=log_ids).order_by("id"):
        photos.setdefault(photo.log_id, []).append(photo)
    return photos


def segment_list_loggable_by(actor: Actor) -> QuerySet[Segment]:
    """Segments the actor may patrol (members, volunteers and staff of the street)."""
    if actor.person_id is None:
        return Segment.objects.none()
    return (
        Segment.objects.filter(street_reach_q(actor, Capability.PATROL_LOG, "scope_path"), is_active=True)
        .select_related("river")
        .order_by("river__name", "id")
    )


@dataclass(frozen=True)
class MonthTrend:
    """One month of a segment's diary: how many patrols, average clarity and litter."""

    month: dt.date
    patrols: int
    clarity_cm: float | None
    floating_litter: float | None


def segment_trend(segment: Segment, *, months: int = 24) -> list[MonthTrend]:
    """The segment's last `months` months, oldest first, in one query (the diary's charts)."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        PatrolLog.objects.filter(segment=segment, started_at__gte=start)
        .annotate(month=TruncMonth("started_at"))
        .values("month")
        .annotate(patrols=Count("id"), clarity=Avg("clarity_cm"), litter=Avg("floating_litter"))
        .order_by("month")
    )
    return [
        MonthTrend(
            month=row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"],
            patrols=row["patrols"],
            clarity_cm=round(row["clarity"], 1) if row["clarity"] is not None else None,
            floating_litter=round(row["litter"], 2) if row["litter"] is not None else None,
        )
        for row in rows
    ]


def patrol_log_diary_page(segment: Segment, *, before: int | None = None, size: int = 30) -> list[PatrolLog]:
    """A page of the segment's diary in time order, newest first (`size` + 1 rows: one more
    tells there is a next page). `before` is the id of the last log shown."""
    logs = PatrolLog.objects.filter(segment=segment)
    if before is not None:
        anchor = logs.filter(pk=before).values_list("started_at", flat=True).first()
        if anchor is not None:
            logs = logs.filter(Q(started_at__lt=anchor) | Q(started_at=anchor, pk__lt=before))
    return list(logs.order_by("-started_at", "-id")[: size + 1])


def campaign_list_visible_to(actor: Actor) -> QuerySet[Campaign]:
    """Campaigns of the streets the actor reaches, newest first."""
    return (
        Campaign.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"))
        .select_related("unit")
        .order_by("-id")
    )


def inspection_list_visible_to(actor: Actor, *, campaign_id: int | None = None) -> QuerySet[Inspection]:
    """Inspections of the streets the actor reaches, newest first."""
    inspections = Inspection.objects.filter(street_reach_q(actor, Capability.PATROL_VIEW, "scope_path"))
    if campaign_id is not None:
        inspections = inspections.filter(campaign_id=campaign_id)
    return inspections.select_related("campaign", "compound").order_by("-id")


@dataclass(frozen=True)
class CompoundProgress:
    """How far a campaign has got in one compound."""

    compound: OrgUnit
    inspections: int
    hazards_found: int
    orders: int
    orders_closed: int

    @property
    def inspected(self) -> bool:
        return self.inspections > 0


def campaign_progress(campaign: Campaign) -> list[CompoundProgress]:
    """Progress by compound: inspections, hazards found, work orders filed and closed (three
    queries whatever the size)."""
    from django.contrib.contenttypes.models import ContentType

    from mulin.workorders.models import WorkOrder

    compounds = list(campaign.compounds.order_by("path"))
    inspections: dict[int, list[Inspection]] = {}
    for inspection in Inspection.objects.filter(campaign=campaign).only("id", "compound_id", "found"):
        inspections.setdefault(inspection.compound_id, []).append(inspection)
    by_inspection = {i.pk: i.compound_id for rows in inspections.values() for i in rows}
    orders: dict[int, list[str]] = {}
    type_id = ContentType.objects.get_for_model(Inspection).pk
    for source_id, status in WorkOrder.objects.filter(
        source_type_id=type_id, source_id__in=list(by_inspection)
    ).values_list("source_id", "status"):
        orders.setdefault(by_inspection[int(source_id or 0)], []).append(status)
    return [
        CompoundProgress(
            compound=compound,
            inspections=len(inspections.get(compound.pk, [])),
            hazards_found=sum(len(i.found) for i in inspections.get(compound.pk, [])),
            orders=len(orders.get(compound.pk, [])),
            orders_closed=sum(1 for status in orders.get(compound.pk, []) if status == "closed"),
        )
        for compound in compounds
    ]
