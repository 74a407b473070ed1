"""Topics built through the real services, so tests see what production writes."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.tests.factories import actor
from mulin.roundtable import services
from mulin.roundtable.models import Topic


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 90)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_topic(
    *, raiser: Person, place: OrgUnit, title: str = "南八苑驿站边绿化带杂草丛生、蚊虫多", **fields: Any
) -> Topic:
    return services.topic_raise(actor=actor(raiser), place=place, title=title, **fields)


def make_meeting(*, staff: Person, topics: list[Topic], invite: list[tuple[Person, str]] | None = None) -> Any:
    import datetime as dt

    from django.utils import timezone

    return services.meeting_schedule(
        actor=actor(staff),
        community=topics[0].community,
        title="南八苑百姓圆桌会",
        starts_at=timezone.now() + dt.timedelta(days=2),
        location="南八苑党建驿站",
        topics=topics,
        invite=invite or [],
    )
