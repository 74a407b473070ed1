"""The patrol form, a log's page, its photos, and /api/v1/patrols/: scoping, the one-step work
order, bad input with nothing written, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import PatrolLog
from mulin.workorders.models import WorkOrder
from mulin.workorders.tests.factories import jpeg_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _form(segment_id: int, **extra):  # type: ignore[no-untyped-def]
    ended = timezone.localtime() - dt.timedelta(minutes=5)
    return {
        "segment": segment_id,
        "started_at": (ended - dt.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": ended.strftime("%Y-%m-%dT%H:%M"),
        "water_colour": "clear",
        "floating_litter": "1",
        "smell": "0",
        "clarity_cm": "60",
        **extra,
    }


def _log(cast, **fields):  # type: ignore[no-untyped-def]
    ended = timezone.now() - dt.timedelta(minutes=5)
    fields.setdefault("segment", cast.segment)
    return services.patrol_log_create(
        actor=actor(cast.member), started_at=ended - dt.timedelta(minutes=30), ended_at=ended, **fields
    )


def test_a_member_logs_a_patrol_with_a_problem_from_the_phone_form(cast, client):
    client.force_login(cast.member.user)
    assert client.get(f"/patrols/new/?segment={cast.segment.pk}").status_code == 200

    response = client.post(
        "/patrols/new/",
        _form(
            cast.segment.pk,
            photos=[jpeg_upload()],
            problem_found="on",
            problem_category=WorkOrder._meta.get_field("category").related_model.objects.get(code="river-litter").pk,
            problem_title="桥下漂浮垃圾",
        ),
    )

    log = PatrolLog.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/patrols/logs/{log.pk}/"
    order = WorkOrder.objects.get()
    assert (order.source_id, order.community, order.title) == (log.pk, cast.street.nanyuan, "桥下漂浮垃圾")
    page = client.get(response["Location"]).content.decode()
    assert "桥下漂浮垃圾" in page and log.photos.get().get_absolute_url() in page
    assert client.get(log.photos.get().get_absolute_url()).status_code == 200


def test_a_bad_form_keeps_what_was_typed_and_writes_nothing(cast, client, english):
    client.force_login(cast.member.user)

    response = client.post("/patrols/new/", _form(cast.segment.pk, clarity_cm="900", notes="水有点浑"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "水有点浑" in page
    assert "Ensure this value is less than or equal to 500." in page
    assert PatrolLog.objects.count() == 0


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels (a decompression bomb if it were decoded)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (width + 1) * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("huge.png", "bomb", "照片像素过大。"),  # 20,000 × 20,000: refused from its header, never decoded
        ("report.jpg", b"%PDF-1.4 not a photo", "请上传 JPEG 或 PNG 格式的照片。"),
    ],
    ids=["20000x20000", "non-image"],
)
def test_a_huge_image_or_a_non_image_on_the_phone_form_is_refused_with_a_clear_message(
    cast, client, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _png_header_only(20_000, 20_000) if content == "bomb" else content
    client.force_login(cast.member.user)

    response = client.post(
        "/patrols/new/",
        _form(cast.segment.pk, notes="桥下有垃圾", photos=[SimpleUploadedFile(name, data, content_type="image/png")]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "桥下有垃圾" in page
    assert (PatrolLog.objects.count(), WorkOrder.objects.count()) == (0, 0)


def test_a_resident_may_not_open_the_patrol_form(cast, client):
    client.force_login(cast.resident.user)

    assert client.get("/patrols/new/").status_code == 403


def test_another_streets_log_and_photo_are_404(cast, client):
    log = _log(cast, segment=cast.segment, photos=[jpeg_upload()])
    client.force_login(cast.outsider.user)

    assert client.get(f"/patrols/logs/{log.pk}/").status_code == 404
    assert client.get(log.photos.get().get_absolute_url()).status_code == 404


def test_a_resident_of_the_street_reads_the_diary(cast, client):
    log = _log(cast, segment=cast.cuiyu_segment)
    client.force_login(cast.resident.user)

    assert client.get(f"/patrols/logs/{log.pk}/").status_code == 200


def test_the_api_logs_a_patrol_with_a_problem_and_a_retry_logs_one(cast, api_client):
    api_client.force_authenticate(cast.member.user)
    ended = timezone.now() - dt.timedelta(minutes=5)
    payload = {
        "segment": cast.segment.pk,
        "started_at": (ended - dt.timedelta(minutes=30)).isoformat(),
        "ended_at": ended.isoformat(),
        "clarity_cm": 50,
        "problem_category": "river-outfall",
        "problem_title": "排口有浑水",
    }

    first = api_client.post("/api/v1/patrols/", payload, format="json", HTTP_IDEMPOTENCY_KEY="patrol-0123456789ab")
    second = api_client.post("/api/v1/patrols/", payload, format="json", HTTP_IDEMPOTENCY_KEY="patrol-0123456789ab")

    assert first.status_code == 201, first.content
    assert second.json()["id"] == first.json()["id"]
    assert (PatrolLog.objects.count(), WorkOrder.objects.count()) == (1, 1)
    assert first.json()["work_orders"] == [WorkOrder.objects.get().pk]
    listed = api_client.get(f"/api/v1/patrols/?segment={cast.segment.pk}").json()["results"]
    assert [(item["id"], item["clarity_cm"]) for item in listed] == [(first.json()["id"], 50)]


def test_the_api_refuses_bad_input_and_other_streets(cast, api_client):
    api_client.force_authenticate(cast.member.user)
    ended = timezone.now()
    payload = {"segment": cast.segment.pk, "started_at": ended.isoformat(), "ended_at": ended.isoformat()}

    bad = api_client.post("/api/v1/patrols/", {**payload, "water_colour": "purple"}, format="json")
    other = api_client.post("/api/v1/patrols/", {**payload, "segment": cast.other_segment.pk}, format="json")

    assert (bad.status_code, other.status_code) == (400, 404)
    assert PatrolLog.objects.count() == 0
    log = _log(cast)
    api_client.force_authenticate(cast.outsider.user)
    assert api_client.get(f"/api/v1/patrols/{log.pk}/").status_code == 404


@pytest.mark.parametrize("extra", [1, 12])
def test_the_patrol_list_takes_a_fixed_number_of_queries(cast, api_client, django_assert_max_num_queries, extra):
    for _ in range(extra):
        _log(cast, photos=[jpeg_upload()])
    api_client.force_authenticate(cast.resident.user)
    api_client.get("/api/v1/patrols/")

    with django_assert_max_num_queries(9):
        response = api_client.get("/api/v1/patrols/")

    assert len(response.json()["results"]) == extra
