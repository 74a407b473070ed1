"""Small real images for tests of uploads."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_upload(name: str = "photo.jpg", size: tuple[int, int] = (64, 48), **save: Any) -> SimpleUploadedFile:
    """A real JPEG of `size`, as a browser would upload it; `save` goes to Pillow (e.g. quality=)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="JPEG", **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
