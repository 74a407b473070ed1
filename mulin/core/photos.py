"""Photo evidence for any module (a fulfilled wish, a patrol finding, an activity): accept only real
JPEG or PNG images, re-encode them, keep no metadata, store them privately and serve them only
after the caller's own permission check.

Order of checks, cheapest first: size; magic bytes; Pillow's header must agree with the magic
bytes (a PNG called .jpg is fine, an HTML page called .jpg is not); the pixel count must be under
the limit before any decoding (an image bomb is a tiny file of enormous dimensions; Pillow's own
decompression-bomb warning is an error here too); then decode, apply the EXIF orientation, shrink
to at most 2048 px and encode afresh without EXIF (GPS included), ICC or text chunks. Stored
under MEDIA_ROOT with a random name; never served from a public URL.

A module keeps its own photo rows (who uploaded, which record; e.g. `wishes.models.WishPhoto`)
and its own scoped fetch; this file does the checking, storing and serving.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_EDGE = 2048
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "MULIN_PHOTO_MAX_BYTES", 5 * 1024 * 1024),
        getattr(settings, "MULIN_PHOTO_MAX_PIXELS", 40_000_000),
    )


def photo_clean(upload: Any, *, field: str = "photos") -> CleanPhoto:
    """Check one uploaded file and return it re-encoded; raise ValidationError keyed by `field`."""

    def _refuse(message: str) -> ValidationError:
        return ValidationError({field: [message]})

    max_bytes, max_pixels = _limits()
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise _refuse(_("A photo may be at most %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)})
    if size == 0:
        raise _refuse(_("The photo is empty."))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(JPEG_MAGIC):
        expected = "JPEG"
    elif head.startswith(PNG_MAGIC):
        expected = "PNG"
    else:
        raise _refuse(_("Upload a JPEG or PNG photo."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[expected]) as probe:
                width, height = probe.size
                if width * height > max_pixels or width < 1 or height < 1:
                    raise _refuse(_("The photo has too many pixels."))
                probe.verify()
            upload.seek(0)
            with Image.open(upload, formats=[expected]) as image:
                image.load()
                return _encode(image, expected)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses a header of hundreds of millions of pixels (a 20,000 × 20,000 image) before
        # our own limit is asked: the same message as that limit, not "not a photo".
        raise _refuse(_("The photo has too many pixels.")) from exc
    except UnidentifiedImageError as exc:
        raise _refuse(_("This file is not a photo Mulin can accept.")) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # truncated or corrupt image data
        raise _refuse(_("This file is not a photo Mulin can accept.")) from exc


def _encode(image: Image.Image, kind: str) -> CleanPhoto:
    image = ImageOps.exif_transpose(image) or image
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    # Pillow's encoders copy some of image.info into the new file unless told otherwise: a JPEG's
    # comment (COM segment, which can carry a script or a note) and ICC profiles. Keep none of it
    # (found by tests/security/test_sec_bad_files.py).
    image.info = {}
    buffer = io.BytesIO()
    if kind == "JPEG":
        image = image.convert("RGB")
        # No exif=, icc_profile= or comment: the new file carries none of the original's metadata.
        image.save(buffer, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    else:
        image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
        image.save(buffer, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    return CleanPhoto(buffer.getvalue(), content_type, extension, image.width, image.height)


def photo_store(clean: CleanPhoto, *, folder: str) -> tuple[uuid.UUID, str]:
    """Write a cleaned photo under MEDIA_ROOT/<folder>/<year>/<month>/ with a random name; return
    its uuid and storage name. The caller writes its photo row in the same transaction: if that
    rolls back, an orphan file may stay behind, which is harmless (random name, never served
    without a row)."""
    photo_uuid = uuid.uuid4()
    today = timezone.localdate()
    name = default_storage.save(
        f"{folder}/{today:%Y}/{today:%m}/{photo_uuid.hex}.{clean.extension}", ContentFile(clean.content)
    )
    return photo_uuid, name


def photo_response(*, file_name: str, content_type: str, photo_uuid: uuid.UUID) -> FileResponse:
    """Serve a stored photo to someone the caller has already allowed: never cached publicly,
    never sniffed as anything else, sandboxed if opened on its own; 404 if the file is gone."""
    try:
        handle = default_storage.open(file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    extension = "png" if content_type == "image/png" else "jpg"
    response["Content-Disposition"] = f'inline; filename="{photo_uuid.hex}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
