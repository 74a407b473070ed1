"""Photo evidence: real JPEG/PNG only, no bombs, no metadata, served only to those allowed."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.photos import photo_clean
from mulin.wishes.services import wish_fulfil
from mulin.wishes.tests.factories import jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


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
    settings.MULIN_WISH_PHOTO_MAX_PIXELS = 10**12  # our own limit out of the way: Pillow's must still hold

    with pytest.raises(ValidationError):
        photo_clean(_upload(_png_bomb(30_000, 30_000), "bomb.png", "image/png"))


def test_files_over_five_megabytes_are_refused(settings):
    settings.MULIN_WISH_PHOTO_MAX_BYTES = 1000

    with pytest.raises(ValidationError):
        photo_clean(jpeg_upload(size=(400, 400), quality=100))


def test_a_bad_photo_among_good_ones_stores_nothing(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with pytest.raises(ValidationError):
        wish_fulfil(actor=actor(cast.member), wish=wish, note="好了", photos=[jpeg_upload(), _upload(b"<html></html>")])

    wish.refresh_from_db()
    assert wish.status == S.CLAIMED
    assert WishPhoto.objects.count() == 0


def test_photo_is_served_to_the_wisher_with_safe_headers_and_hidden_from_others(cast, client):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    photo = WishPhoto.objects.get(wish=wish)
    url = f"/wishes/photos/{photo.uuid}/"

    client.force_login(cast.resident.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{photo.uuid.hex}.jpg"'
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")

    for outsider in (cast.stranger, cast.neighbour, cast.member2, cast.cuiyu_worker):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_photos_are_not_reachable_under_a_media_url(cast, client):
    wish = make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)
    photo = WishPhoto.objects.get(wish=wish)
    client.force_login(cast.resident.user)

    assert client.get(f"/media/{photo.file_name}").status_code == 404
