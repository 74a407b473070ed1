"""Work orders built through the real services, so tests see what production writes."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.tests.factories import actor
from mulin.workorders import services
from mulin.workorders.models import WorkOrder, WorkOrderCategory

S = WorkOrder.Status


def category(code: str = "river-litter") -> WorkOrderCategory:
    return WorkOrderCategory.objects.get(code=code)


def jpeg_upload(name: str = "photo.jpg", size: tuple[int, int] = (64, 48), **save: Any) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, format="JPEG", **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def jpeg_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 18.0, 22.0), 3: "E", 4: (120.0, 9.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 10)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")


def make_order(
    *,
    reporter: Person,
    community: OrgUnit,
    status: str = S.REPORTED,
    staff: Person | None = None,
    party: Any = None,
    handler: Person | None = None,
    title: str = "胜利河德胜桥下漂浮垃圾",
    **fields: Any,
) -> WorkOrder:
    """An order reported by `reporter` in `community`, walked through the services up to `status`
    (staff accept, dispatch to `party`, close; `handler` starts and resolves; the reporter verifies)."""
    fields.setdefault("category", category())
    order = services.work_order_create(actor=actor(reporter), title=title, community=community, **fields)
    if status == S.REPORTED:
        return order
    assert staff is not None
    services.work_order_accept(actor=actor(staff), order=order)
    if status == S.ACCEPTED:
        return order
    services.work_order_dispatch(actor=actor(staff), order=order, party=party or community)
    if status == S.DISPATCHED:
        return order
    worker = actor(handler or staff)
    services.work_order_start(actor=worker, order=order)
    if status == S.IN_PROGRESS:
        return order
    services.work_order_resolve(actor=worker, order=order, note="已打捞清理", photos=[jpeg_upload()])
    if status == S.RESOLVED:
        return order
    services.work_order_verify(actor=actor(reporter), order=order)
    if status == S.VERIFIED:
        return order
    return services.work_order_close(actor=actor(staff), order=order)
