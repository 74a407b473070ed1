"""Photo evidence of a fulfilled wish: all or nothing, served only to those allowed. The checks of
each file are tested with the pipeline itself (mulin/core/tests/test_photos.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.services import wish_fulfil
from mulin.wishes.tests.factories import jpeg_upload, make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def _upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


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
