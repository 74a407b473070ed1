"""Patrol logs (巡河日记): one patrol of a segment with its checklist, photos and optional GPS
track; a problem found becomes a work order in the same step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_check
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.inputs import clean_text
from mulin.core.photos import photo_clean, photo_store
from mulin.patrols.models import MAX_TRACK_POINTS, NOTES_MAX, PatrolLog, PatrolPhoto, Segment, public_name
from mulin.patrols.permissions import ensure_can_log_patrol
from mulin.patrols.points import PATROL_LOGGED
from mulin.patrols.services._common import audit
from mulin.patrols.services.layout import polyline_length_m
from mulin.points.services import points_award
from mulin.workorders.models import TITLE_MAX, WorkOrder, WorkOrderCategory
from mulin.workorders.services import Location, work_order_create

MAX_PHOTOS = 6
MAX_HOURS = 12
MAX_DISTANCE_M = 50_000
MAX_GPX_BYTES = 2 * 1024 * 1024
# How far back a patrol may be logged (a patrol written up the next evening, after a weekend).
BACKDATE_DAYS = 7


@dataclass(frozen=True)
class Checklist:
    """What the patroller saw (巡河检查项)."""

    water_colour: str = PatrolLog.WaterColour.CLEAR
    clarity_cm: Any = None
    floating_litter: Any = PatrolLog.Amount.NONE
    smell: Any = PatrolLog.Smell.NONE
    outfall_discharge: bool = False
    bank_damage: bool = False
    illegal_fishing: bool = False


@dataclass(frozen=True)
class Problem:
    """A problem found on the patrol, to become a work order for the segment's community."""

    category: WorkOrderCategory | None
    title: str
    description: str = ""


CHECKLIST_FIELDS = tuple(Checklist.__dataclass_fields__)


def _choice(value: Any, choices: Any, *, field: str) -> Any:
    for option in choices:
        if str(option.value) == str(value):
            return option.value
    raise ValidationError({field: [_("Choose one of the options.")]})


def _clean_checklist(checklist: Checklist) -> dict[str, Any]:
    clarity = checklist.clarity_cm
    if clarity in (None, ""):
        clarity = None
    else:
        try:
            clarity = int(clarity)
        except (TypeError, ValueError):
            clarity = -1
        if not 0 <= clarity <= 500:
            raise ValidationError({"clarity_cm": [_("Enter the clarity in centimetres, from 0 to 500.")]})
    return {
        "water_colour": _choice(checklist.water_colour, PatrolLog.WaterColour, field="water_colour"),
        "clarity_cm": clarity,
        "floating_litter": _choice(checklist.floating_litter, PatrolLog.Amount, field="floating_litter"),
        "smell": _choice(checklist.smell, PatrolLog.Smell, field="smell"),
        "outfall_discharge": bool(checklist.outfall_discharge),
        "bank_damage": bool(checklist.bank_damage),
        "illegal_fishing": bool(checklist.illegal_fishing),
    }


def _clean_times(started_at: Any, ended_at: Any, *, backdate_days: int) -> tuple[dt.datetime, dt.datetime]:
    if not isinstance(started_at, dt.datetime):
        raise ValidationError({"started_at": [_("Say when the patrol started.")]})
    if not isinstance(ended_at, dt.datetime):
        raise ValidationError({"ended_at": [_("Say when the patrol ended.")]})
    now = timezone.now()
    if ended_at < started_at:
        raise ValidationError({"ended_at": [_("The patrol cannot end before it started.")]})
    if ended_at - started_at > dt.timedelta(hours=MAX_HOURS):
        raise ValidationError({"ended_at": [_("A patrol lasts at most %(n)s hours.") % {"n": MAX_HOURS}]})
    if ended_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"ended_at": [_("The patrol cannot end in the future.")]})
    if started_at < now - dt.timedelta(days=backdate_days):
        raise ValidationError(
            {"started_at": [_("Log a patrol within %(n)s days of walking it.") % {"n": backdate_days}]}
        )
    return started_at, ended_at


def clean_gpx(upload: Any) -> list[list[float]]:
    """The track points of a GPX file as [[lat, lng], …], thinned to at most 2,000 points;
    ValidationError (field "gpx") for a file too big, not GPX, or without points."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_GPX_BYTES:
        raise ValidationError({"gpx": [_("A GPX file may be at most 2 MB.")]})
    upload.seek(0)
    raw = upload.read()
    try:
        text = raw.decode("utf-8")
        # No DTD, no entities (billion laughs, external entities): defusedxml refuses them first.
        root = xml_check(text.encode("utf-8"), forbid_dtd=True)
        if root.tag.rsplit("}", 1)[-1] != "gpx":
            raise ValueError("not a GPX document")
        parsed = gpxpy.parse(text)
    except (UnicodeDecodeError, DefusedXmlException, ParseError, gpxpy.gpx.GPXException, ValueError) as exc:
        raise ValidationError({"gpx": [_("This file is not a GPX track.")]}) from exc
    points = [
        [round(point.latitude, 6), round(point.longitude, 6)]
        for track in parsed.tracks
        for segment in track.segments
        for point in segment.points
    ]
    points = [p for p in points if -90 <= p[0] <= 90 and -180 <= p[1] <= 180]
    if len(points) < 2:
        raise ValidationError({"gpx": [_("The GPX file has no track (at least two points).")]})
    if len(points) > MAX_TRACK_POINTS:
        step = -(-len(points) // MAX_TRACK_POINTS)
        points = [*points[:-1:step], points[-1]]
    return points


def _clean_distance(value: Any, *, track: list[list[float]], segment: Segment) -> int:
    if track:
        return min(polyline_length_m(track), MAX_DISTANCE_M)
    if value in (None, ""):
        return segment.length_m
    try:
        distance = int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        distance = -1
    if not 1 <= distance <= MAX_DISTANCE_M:
        raise ValidationError({"distance_m": [_("Enter the distance in metres, from 1 to 50,000.")]})
    return distance


def _clean_problem(problem: Problem | None) -> Problem | None:
    if problem is None:
        return None
    title = clean_text(
        problem.title,
        field="problem_title",
        max_length=TITLE_MAX,
        required=True,
        message=_("Say in a few words what the problem is."),
    )
    if not isinstance(problem.category, WorkOrderCategory) or not problem.category.is_active:
        raise ValidationError({"problem_category": [_("Choose the kind of problem.")]})
    return Problem(problem.category, title, problem.description)


@transaction.atomic
def patrol_log_create(
    *,
    actor: Any,
    segment: Segment,
    started_at: Any,
    ended_at: Any,
    checklist: Checklist | None = None,
    notes: str = "",
    distance_m: Any = None,
    photos: Sequence[Any] = (),
    gpx: Any = None,
    problem: Problem | None = None,
    backdate_days: int = BACKDATE_DAYS,
) -> PatrolLog:
    """Log one patrol of `segment` (巡河日记) and, given a `problem`, file it as a work order for
    the segment's community with the log as its source and the patrol's photos as evidence.

    Members, volunteers and staff of the segment's street only (PermissionDenied). Everything is
    checked before anything is written — times (ends after it starts, within 12 hours, not in the
    future, at most 7 days back), the checklist, up to 6 photos (re-encoded, EXIF/GPS stripped),
    the GPX track, the problem's title and category — ValidationError keyed by the field.
    `backdate_days` widens the window for copying in an older paper diary (the demo's year).
    Credits the patroller through the ledger (`patrols.logged`, hours = the patrol's duration).
    """
    ensure_can_log_patrol(actor, segment)
    started_at, ended_at = _clean_times(started_at, ended_at, backdate_days=backdate_days)
    seen = _clean_checklist(checklist or Checklist())
    notes = clean_text(notes, field="notes", max_length=NOTES_MAX)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    cleaned = [photo_clean(photo) for photo in photos]
    track = clean_gpx(gpx) if gpx is not None else []
    distance = _clean_distance(distance_m, track=track, segment=segment)
    problem = _clean_problem(problem)
    person = actor.person
    log = PatrolLog.objects.create(
        segment=segment,
        scope_path=segment.scope_path,
        patroller=person,
        patroller_name=public_name(person)[:50],
        started_at=started_at,
        ended_at=ended_at,
        distance_m=distance,
        notes=notes,
        track=track,
        **seen,
    )
    for clean in cleaned:
        photo_uuid, name = photo_store(clean, folder="patrols")
        PatrolPhoto.objects.create(
            uuid=photo_uuid,
            log=log,
            file_name=name,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.content),
        )
    # Only ever forward: a patrol logged late does not hide a later one.
    Segment.objects.filter(pk=segment.pk).filter(
        Q(last_patrolled_at__isnull=True) | Q(last_patrolled_at__lt=ended_at)
    ).update(last_patrolled_at=ended_at)
    order = None
    if problem is not None:
        order = _file_problem(actor, log, problem, photos[:3])
    hours = Decimal((ended_at - started_at).total_seconds() / 3600).quantize(Decimal("0.1"))
    points_award(
        event=PATROL_LOGGED.key,
        person=person,
        source=log,
        occurred_at=ended_at,
        scope_path=log.scope_path,
        hours=hours,
        label=str(log),
    )
    audit(
        "logged",
        actor,
        log,
        scope_path=log.scope_path,
        photos=len(cleaned),
        track_points=len(track),
        work_order=order.pk if order is not None else None,
    )
    return log


def _file_problem(actor: Any, log: PatrolLog, problem: Problem, photos: Sequence[Any]) -> WorkOrder:
    segment = log.segment
    middle = segment.coordinates[len(segment.coordinates) // 2] if segment.coordinates else None
    assert problem.category is not None
    return work_order_create(
        actor=actor,
        category=problem.category,
        title=problem.title,
        description=problem.description,
        community=segment.community,
        source=log,
        location=Location(
            middle[0] if middle else None, middle[1] if middle else None, f"{segment.river.name}{segment.name}"
        ),
        photos=photos,
    )
