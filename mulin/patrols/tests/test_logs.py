"""Patrol logs through the service: the checklist, photos, a GPX track, a problem becoming a work
order in one step, points; bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import PatrolLog, PatrolPhoto
from mulin.points.models import LedgerEntry
from mulin.workorders.models import WorkOrder, WorkOrderCategory
from mulin.workorders.tests.factories import jpeg_upload, jpeg_with_gps

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "reference_data")]

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><trkseg>
<trkpt lat="30.3000" lon="120.1000"></trkpt>
<trkpt lat="30.3010" lon="120.1000"></trkpt>
<trkpt lat="30.3020" lon="120.1000"></trkpt>
</trkseg></trk></gpx>"""


CLARITY = "Enter the clarity in centimetres, from 0 to 500."
ENTITIES = b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'


def _times(minutes: int = 45) -> dict[str, dt.datetime]:
    ended = timezone.now() - dt.timedelta(minutes=5)
    return {"started_at": ended - dt.timedelta(minutes=minutes), "ended_at": ended}


def _nothing_written() -> tuple[int, ...]:
    return (
        PatrolLog.objects.count(),
        PatrolPhoto.objects.count(),
        WorkOrder.objects.count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.filter(verb__startswith="patrols.logged").count(),
    )


def test_a_member_logs_a_patrol_with_the_checklist_and_a_photo(cast):
    log = services.patrol_log_create(
        actor=actor(cast.member),
        segment=cast.segment,
        checklist=services.Checklist(water_colour="greenish", clarity_cm=45, floating_litter=1, illegal_fishing=True),
        notes="桥下有人钓鱼，已劝离。",
        photos=[jpeg_with_gps()],
        **_times(),
    )

    assert (log.patroller, log.patroller_name, log.scope_path) == (cast.member, "汪**", cast.street.nanyuan.path)
    assert (log.water_colour, log.clarity_cm, log.floating_litter, log.illegal_fishing) == ("greenish", 45, 1, True)
    assert log.distance_m == cast.segment.length_m
    assert log.issues == ["illegal fishing"]
    photo = log.photos.get()
    with Image.open(_stored(photo)) as stored:
        assert not stored.getexif()
    cast.segment.refresh_from_db()
    assert cast.segment.last_patrolled_at == log.ended_at
    assert sorted(LedgerEntry.objects.filter(person=cast.member).values_list("rule__code", "hours")) == [
        ("patrol-logged", Decimal("0.8")),  # 45 minutes
        ("patrol-logged-assessment", Decimal("0")),
    ]
    assert AuditEvent.objects.filter(verb="patrols.logged").count() == 1


def _stored(photo: PatrolPhoto) -> io.BytesIO:
    from django.core.files.storage import default_storage

    with default_storage.open(photo.file_name, "rb") as handle:
        return io.BytesIO(handle.read())


def test_a_problem_found_becomes_a_work_order_for_the_segments_community_in_one_step(cast):
    log = services.patrol_log_create(
        actor=actor(cast.member),
        segment=cast.cuiyu_segment,
        photos=[jpeg_upload()],
        problem=services.Problem(WorkOrderCategory.objects.get(code="river-litter"), "桥洞下漂浮垃圾", "一片塑料瓶"),
        **_times(),
    )

    order = WorkOrder.objects.get()
    assert (order.community, order.reporter, order.status, order.title) == (
        cast.street.cuiyu,
        cast.member,
        "reported",
        "桥洞下漂浮垃圾",
    )
    assert (order.source_id, order.source_type.model) == (log.pk, "patrollog")
    assert order.address == "胜利河翠玉段"
    assert order.photos.count() == 1


def test_a_gpx_track_sets_the_distance(cast):
    gpx = SimpleUploadedFile("walk.gpx", GPX.encode(), content_type="application/gpx+xml")

    log = services.patrol_log_create(actor=actor(cast.member), segment=cast.segment, gpx=gpx, **_times())

    assert log.track == [[30.3, 120.1], [30.301, 120.1], [30.302, 120.1]]
    assert log.distance_m == 222


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ended_at": timezone.now() - dt.timedelta(hours=2)}, "ended_at", "The patrol cannot end before it started."),
        ({"ended_at": timezone.now() + dt.timedelta(hours=1)}, "ended_at", "The patrol cannot end in the future."),
        ({"started_at": timezone.now() - dt.timedelta(hours=13)}, "ended_at", "A patrol lasts at most 12 hours."),
        (
            {"started_at": timezone.now() - dt.timedelta(days=9), "ended_at": timezone.now() - dt.timedelta(days=9)},
            "started_at",
            "Log a patrol within 7 days of walking it.",
        ),
        ({"checklist": services.Checklist(clarity_cm=900)}, "clarity_cm", CLARITY),
        ({"checklist": services.Checklist(water_colour="purple")}, "water_colour", "Choose one of the options."),
        ({"distance_m": 0}, "distance_m", "Enter the distance in metres, from 1 to 50,000."),
        ({"photos": [SimpleUploadedFile("x.jpg", b"not an image")]}, "photos", "Upload a JPEG or PNG photo."),
        ({"photos": [jpeg_upload() for _ in range(7)]}, "photos", "Add at most 6 photos."),
        ({"gpx": SimpleUploadedFile("x.gpx", b"<html></html>")}, "gpx", "This file is not a GPX track."),
        (
            {"gpx": SimpleUploadedFile("x.gpx", ENTITIES)},
            "gpx",
            "This file is not a GPX track.",
        ),
        ({"problem": services.Problem(None, "漂浮物")}, "problem_category", "Choose the kind of problem."),
        ({"problem": services.Problem(None, "  ")}, "problem_title", "Say in a few words what the problem is."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(cast, change, field, message):
    before = _nothing_written()
    arguments = {"actor": actor(cast.member), "segment": cast.segment, **_times(), **change}

    with pytest.raises(ValidationError) as refused:
        services.patrol_log_create(**arguments)

    assert refused.value.message_dict == {field: [message]}
    assert _nothing_written() == before


def test_a_huge_photo_is_refused(cast, settings):
    settings.MULIN_PHOTO_MAX_PIXELS = 100 * 100
    before = _nothing_written()

    with pytest.raises(ValidationError) as refused:
        services.patrol_log_create(
            actor=actor(cast.member), segment=cast.segment, photos=[jpeg_upload(size=(200, 200))], **_times()
        )

    assert refused.value.message_dict == {"photos": ["The photo has too many pixels."]}
    assert _nothing_written() == before


def test_a_resident_and_another_street_may_not_log(cast):
    before = _nothing_written()

    with pytest.raises(PermissionDenied):
        services.patrol_log_create(actor=actor(cast.resident), segment=cast.segment, **_times())
    with pytest.raises(PermissionDenied):
        services.patrol_log_create(actor=actor(cast.member), segment=cast.other_segment, **_times())

    assert _nothing_written() == before


def test_a_late_logged_patrol_does_not_move_last_patrolled_back(cast):
    recent = services.patrol_log_create(actor=actor(cast.member), segment=cast.segment, **_times())
    earlier = timezone.now() - dt.timedelta(days=2)

    services.patrol_log_create(
        actor=actor(cast.member), segment=cast.segment, started_at=earlier, ended_at=earlier + dt.timedelta(minutes=30)
    )

    cast.segment.refresh_from_db()
    assert cast.segment.last_patrolled_at == recent.ended_at
