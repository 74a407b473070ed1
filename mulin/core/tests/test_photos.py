"""The photo pipeline every module uses for evidence: real JPEG/PNG only, no bombs, no metadata;
stored under a random name and served with safe headers."""

from __future__ import annotations

import io
import struct
import uuid
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from mulin.core.photos import photo_clean, photo_response, photo_store
from mulin.core.tests.images import jpeg_upload


def _upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when displayed
    exif[0x8825] = {1: "N", 2: (30.0, 18.0, 22.0), 3: "E", 4: (120.0, 9.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 10)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header for a huge grey image whose data is a few kilobytes of zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_jpeg_is_re_encoded_without_exif_or_gps_and_turned_upright():
    clean = photo_clean(_upload(_jpeg_with_gps()))

    image = Image.open(io.BytesIO(clean.content))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in clean.content
    assert (clean.width, clean.height) == (40, 80)  # the EXIF orientation was applied before dropping it


def test_png_stays_png_and_loses_its_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "住址：南八苑1幢")
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 255, 128)).save(buffer, format="PNG", pnginfo=info)

    clean = photo_clean(_upload(buffer.getvalue(), "x.png", "image/png"))

    assert clean.content_type == "image/png"
    assert "南八苑".encode() not in clean.content
    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


def test_large_photos_are_shrunk():
    clean = photo_clean(jpeg_upload(size=(4000, 3000)))

    assert (clean.width, clean.height) == (2048, 1536)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),  # a web page called .jpg
        (b"GIF89a" + b"\x00" * 100, "photo.png"),  # another image type under a photo name
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.png"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "photo.jpg"),  # JPEG magic, no image behind it
        (b"", "photo.jpg"),
    ],
)
def test_files_that_are_not_real_photos_are_refused(content, name):
    with pytest.raises(ValidationError) as refused:
        photo_clean(_upload(content, name))

    assert "photos" in refused.value.message_dict


def test_truncated_jpeg_is_refused():
    data = jpeg_upload(size=(300, 300)).read()

    with pytest.raises(ValidationError):
        photo_clean(_upload(data[: len(data) // 2]))


def test_image_bomb_is_refused_before_decoding(english):
    # 64 megapixels in a few kilobytes: under Pillow's own limit, over Mulin's.
    with pytest.raises(ValidationError) as refused:
        photo_clean(_upload(_png_bomb(8000, 8000), "bomb.png", "image/png"))

    assert "pixels" in str(refused.value)


def test_pillows_own_decompression_bomb_limit_also_refuses(settings):
    settings.MULIN_PHOTO_MAX_PIXELS = 10**12  # our own limit out of the way: Pillow's must still hold

    with pytest.raises(ValidationError):
        photo_clean(_upload(_png_bomb(30_000, 30_000), "bomb.png", "image/png"))


def test_files_over_five_megabytes_are_refused(settings):
    settings.MULIN_PHOTO_MAX_BYTES = 1000

    with pytest.raises(ValidationError):
        photo_clean(jpeg_upload(size=(400, 400), quality=100))


def test_errors_are_keyed_by_the_field_the_caller_names():
    with pytest.raises(ValidationError) as refused:
        photo_clean(_upload(b"not a photo"), field="evidence")

    assert list(refused.value.message_dict) == ["evidence"]


def test_a_photo_is_stored_in_the_callers_folder_under_a_random_name_and_served_privately(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    clean = photo_clean(jpeg_upload())

    photo_uuid, name = photo_store(clean, folder="patrols")

    assert name.startswith("patrols/") and name.endswith(f"/{photo_uuid.hex}.jpg")
    response = photo_response(file_name=name, content_type=clean.content_type, photo_uuid=photo_uuid)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == clean.content


def test_a_photo_whose_file_is_gone_is_404(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    with pytest.raises(Http404):
        photo_response(file_name="wishes/2026/01/missing.jpg", content_type="image/jpeg", photo_uuid=uuid.uuid4())
