"""The work-order loop through its services: each step, who may take it, and that a refused or
skipped step changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import SYSTEM, actor
from mulin.workorders import services
from mulin.workorders.models import ExternalDepartment, WorkOrder, WorkOrderEvent, WorkOrderPhoto
from mulin.workorders.selectors import work_order_list_for_source
from mulin.workorders.tests.factories import category, jpeg_upload, make_order

pytestmark = pytest.mark.django_db
S = WorkOrder.Status


def _snapshot(order: WorkOrder) -> tuple:
    row = WorkOrder.objects.filter(pk=order.pk).values().get()
    return (
        row,
        list(WorkOrderEvent.objects.filter(order=order).values_list("verb", flat=True)),
        WorkOrderPhoto.objects.filter(order=order).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_the_whole_loop_from_report_to_closed_with_a_readable_timeline(cast):
    s = cast.street
    order = services.work_order_create(
        actor=actor(cast.member),
        category=category(),
        title="胜利河德胜桥下漂浮垃圾",
        description="一片塑料袋和泡沫",
        community=s.nanyuan,
        location=services.Location("30.299200", "120.145500", "德胜桥东侧"),
        photos=[jpeg_upload()],
    )
    staff, partner, reporter = actor(cast.nanyuan_worker), actor(cast.partner), actor(cast.member)

    services.work_order_accept(actor=staff, order=order)
    services.work_order_dispatch(actor=staff, order=order, party=s.partner, note="请协助打捞")
    services.work_order_start(actor=partner, order=order)
    services.work_order_resolve(actor=partner, order=order, note="已打捞", photos=[jpeg_upload()])
    services.work_order_verify(actor=reporter, order=order, note="看过了，干净了")
    services.work_order_close(actor=staff, order=order)
    services.work_order_rate(actor=reporter, order=order, fixed=True, satisfaction=5, comment="谢谢")

    order.refresh_from_db()
    assert (order.status, order.resolution, order.satisfaction, order.reporter_says_fixed) == (
        S.CLOSED,
        "fixed",
        5,
        True,
    )
    assert order.assignee_unit == s.partner and order.assignee_name == "九洲大药房"
    assert order.reporter_name == "汪**"
    assert (order.latitude, order.address) == (Decimal("30.299200"), "德胜桥东侧")
    assert list(order.events.order_by("id").values_list("verb", "actor_role")) == [
        ("reported", "reporter"),
        ("accepted", "staff"),
        ("dispatched", "staff"),
        ("started", "handler"),
        ("resolved", "handler"),
        ("verified", "reporter"),
        ("closed", "staff"),
        ("rated", "reporter"),
    ]
    assert sorted(order.photos.values_list("stage", flat=True)) == ["report", "resolution"]
    kinds = list(Notification.objects.filter(recipient=cast.member).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "workorders.accepted",
        "workorders.dispatched",
        "workorders.resolved",
        "workorders.closed",
    ]
    assert Notification.objects.filter(recipient=cast.partner, kind="workorders.dispatched").count() == 1
    assert Notification.objects.filter(recipient=cast.nanyuan_worker, kind="workorders.reported").count() == 1


@pytest.mark.parametrize(
    ("status", "skip"),
    [
        (S.REPORTED, "close"),
        (S.REPORTED, "dispatch"),
        (S.ACCEPTED, "resolve"),
        (S.DISPATCHED, "verify"),
        (S.DISPATCHED, "close"),
        (S.IN_PROGRESS, "close"),
        (S.RESOLVED, "close"),
        (S.VERIFIED, "reopen"),
    ],
)
def test_a_step_cannot_be_skipped_and_nothing_changes(cast, status, skip):
    staff = actor(cast.nanyuan_worker)
    order = make_order(reporter=cast.member, community=cast.street.nanyuan, status=status, staff=cast.nanyuan_worker)
    before = _snapshot(order)
    calls = {
        "close": lambda: services.work_order_close(actor=staff, order=order),
        "dispatch": lambda: services.work_order_dispatch(actor=staff, order=order, party=cast.street.nanyuan),
        "resolve": lambda: services.work_order_resolve(actor=staff, order=order, note="x", photos=[jpeg_upload()]),
        "verify": lambda: services.work_order_verify(actor=staff, order=order),
        "reopen": lambda: services.work_order_reopen(actor=staff, order=order, reason="还没好"),
    }

    with pytest.raises(StateConflict) as refused:
        calls[skip]()

    assert refused.value.status == 409
    assert refused.value.code == f"workorder_{skip}_conflict"
    assert _snapshot(order) == before


def test_staff_of_another_community_cannot_accept_and_nothing_changes(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)
    before = _snapshot(order)

    with pytest.raises(PermissionDenied):
        services.work_order_accept(actor=actor(cast.cuiyu_worker), order=order)

    assert _snapshot(order) == before


def test_someone_of_another_street_cannot_report_here(cast):
    with pytest.raises(PermissionDenied):
        services.work_order_create(
            actor=actor(cast.outsider), category=category(), title="外街上报", community=cast.street.nanyuan
        )

    assert WorkOrder.objects.count() == 0


def test_a_member_reports_in_another_community_of_the_street(cast):
    # Members patrol rivers beyond their own community.
    order = services.work_order_create(
        actor=actor(cast.member), category=category(), title="集翠源门口积水", community=cast.street.cuiyu
    )

    assert (order.community, order.scope_path) == (cast.street.cuiyu, cast.street.cuiyu.path)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("title", {"title": "  "}),
        ("title", {"title": "长" * 81}),
        ("description", {"description": "长" * 4001}),
        ("lat", {"location": services.Location("91", "120")}),
        ("lat", {"location": services.Location("30.1", None)}),
        ("category", {"category": None}),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(cast, field, kwargs):
    data = {"title": "垃圾", "category": category(), "community": cast.street.nanyuan, **kwargs}

    with pytest.raises(ValidationError) as refused:
        services.work_order_create(actor=actor(cast.member), **data)

    assert field in refused.value.message_dict
    assert (WorkOrder.objects.count(), AuditEvent.objects.filter(verb__startswith="workorders.").count()) == (0, 0)


def test_a_retired_category_is_refused(cast):
    retired = category("other")
    retired.is_active = False
    retired.save()

    with pytest.raises(ValidationError) as refused:
        services.work_order_create(actor=actor(cast.member), category=retired, title="x", community=cast.street.nanyuan)

    assert "category" in refused.value.message_dict


def test_a_non_image_among_photos_stores_nothing(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")

    with pytest.raises(ValidationError) as refused:
        services.work_order_create(
            actor=actor(cast.member),
            category=category(),
            title="x",
            community=cast.street.nanyuan,
            photos=[jpeg_upload(), page],
        )

    assert refused.value.message_dict == {"photos": ["Upload a JPEG or PNG photo."]}
    assert (WorkOrder.objects.count(), WorkOrderPhoto.objects.count()) == (0, 0)


def test_resolving_needs_a_note_and_a_photo(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker
    )
    before = _snapshot(order)
    staff = actor(cast.nanyuan_worker)

    with pytest.raises(ValidationError) as no_photo:
        services.work_order_resolve(actor=staff, order=order, note="已处理", photos=[])
    with pytest.raises(ValidationError) as no_note:
        services.work_order_resolve(actor=staff, order=order, note=" ", photos=[jpeg_upload()])

    assert no_photo.value.message_dict == {"photos": ["Add at least one photo as evidence."]}
    assert list(no_note.value.message_dict) == ["note"]
    assert _snapshot(order) == before


def test_dispatch_goes_to_a_unit_or_department_of_the_same_street_only(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.ACCEPTED, staff=cast.nanyuan_worker
    )
    foreign = ExternalDepartment.objects.create(
        street=cast.other_street, code="river", name_zh_hans="外区河道所", name_en="Other river office"
    )
    before = _snapshot(order)
    staff = actor(cast.nanyuan_worker)

    for party in (cast.other_community, foreign, cast.street.nanyuan_building):
        with pytest.raises(ValidationError) as refused:
            services.work_order_dispatch(actor=staff, order=order, party=party)
        assert list(refused.value.message_dict) == ["party"]

    assert _snapshot(order) == before


def test_an_external_department_gets_the_order_and_staff_record_its_steps(cast):
    office = ExternalDepartment.objects.create(
        street=cast.street.street, code="river-office", name_zh_hans="拱墅区河道监管中心", name_en="River office"
    )
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.RESOLVED, staff=cast.nanyuan_worker, party=office
    )

    assert (order.assignee_department, order.assignee_unit, order.assignee_path) == (office, None, "")
    assert order.events.get(verb="dispatched").party_name == "拱墅区河道监管中心"
    assert order.events.get(verb="resolved").actor_role == "staff"


def test_the_party_returns_an_order_that_is_not_theirs_and_staff_send_it_elsewhere(cast):
    s = cast.street
    order = make_order(
        reporter=cast.member, community=s.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker, party=s.partner
    )

    services.work_order_return(actor=actor(cast.partner), order=order, reason="不是药房的责任范围")

    order.refresh_from_db()
    assert (order.status, order.assignee_unit, order.assignee_path, order.due_at) == (S.ACCEPTED, None, "", None)
    assert order.status_note == "不是药房的责任范围"
    returned = order.events.get(verb="returned")
    assert (returned.actor_role, returned.party_name, returned.note) == ("handler", "九洲大药房", "不是药房的责任范围")
    assert Notification.objects.filter(recipient=cast.nanyuan_worker, kind="workorders.returned").count() == 1

    services.work_order_dispatch(actor=actor(cast.nanyuan_worker), order=order, party=cast.property)

    order.refresh_from_db()
    assert (order.status, order.assignee_unit) == (S.DISPATCHED, cast.property)


def test_a_partner_cannot_work_on_an_order_sent_to_someone_else(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker
    )
    before = _snapshot(order)

    with pytest.raises(PermissionDenied):
        services.work_order_start(actor=actor(cast.partner), order=order)

    assert _snapshot(order) == before


def test_reassigning_from_a_stale_page_is_a_conflict(cast):
    s = cast.street
    order = make_order(reporter=cast.member, community=s.nanyuan, status=S.DISPATCHED, staff=cast.nanyuan_worker)
    stale = WorkOrder.objects.get(pk=order.pk)
    services.work_order_reassign(actor=actor(cast.street_admin), order=order, party=s.partner, reason="药房更近")

    with pytest.raises(StateConflict):
        services.work_order_reassign(
            actor=actor(cast.nanyuan_worker), order=stale, party=cast.property, reason="物业管"
        )

    order.refresh_from_db()
    assert order.assignee_unit == s.partner
    assert Notification.objects.filter(kind="workorders.taken_away").count() == 0  # the community had no handler


def test_sending_back_returns_it_to_the_party_with_the_reason(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.RESOLVED, staff=cast.nanyuan_worker
    )

    services.work_order_send_back(actor=actor(cast.member), order=order, reason="桥洞里还有")

    order.refresh_from_db()
    assert (order.status, order.resolved_at, order.status_note) == (S.IN_PROGRESS, None, "桥洞里还有")


def test_closing_without_a_fix_says_why_and_never_says_fixed(cast):
    order = make_order(
        reporter=cast.member, community=cast.street.nanyuan, status=S.ACCEPTED, staff=cast.nanyuan_worker
    )

    services.work_order_close_unfixed(
        actor=actor(cast.nanyuan_worker), order=order, resolution="duplicate", reason="与 #12 是同一处"
    )

    order.refresh_from_db()
    assert (order.status, order.resolution, order.status_note) == (S.CLOSED, "duplicate", "与 #12 是同一处")
    assert Notification.objects.get(recipient=cast.member, kind="workorders.closed_unfixed").params["resolution"]


def test_closing_without_a_fix_refuses_fixed_as_the_reason(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan)

    with pytest.raises(ValidationError):
        services.work_order_close_unfixed(actor=actor(cast.nanyuan_worker), order=order, resolution="fixed", reason="x")

    assert WorkOrder.objects.get(pk=order.pk).status == S.REPORTED


def test_the_reporter_reopens_within_the_window_and_it_goes_back_to_staff(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan, status=S.CLOSED, staff=cast.nanyuan_worker)

    services.work_order_reopen(actor=actor(cast.member), order=order, reason="又有垃圾了")

    order.refresh_from_db()
    assert (order.status, order.resolution, order.closed_at, order.assignee_unit, order.reopen_count) == (
        S.ACCEPTED,
        "",
        None,
        None,
        1,
    )
    assert Notification.objects.filter(recipient=cast.nanyuan_worker, kind="workorders.reopened").count() == 1


def test_after_the_window_only_staff_may_reopen(cast, settings):
    settings.MULIN_WORKORDER_REOPEN_DAYS = 30
    order = make_order(reporter=cast.member, community=cast.street.nanyuan, status=S.CLOSED, staff=cast.nanyuan_worker)
    WorkOrder.objects.filter(pk=order.pk).update(closed_at=timezone.now() - timedelta(days=31))
    order.refresh_from_db()
    before = _snapshot(order)

    with pytest.raises(PermissionDenied):
        services.work_order_reopen(actor=actor(cast.member), order=order, reason="又脏了")
    assert _snapshot(order) == before

    services.work_order_reopen(actor=actor(cast.nanyuan_worker), order=order, reason="居民来电")
    assert WorkOrder.objects.get(pk=order.pk).status == S.ACCEPTED


def test_the_reporter_answers_once_and_only_the_reporter(cast):
    order = make_order(reporter=cast.member, community=cast.street.nanyuan, status=S.CLOSED, staff=cast.nanyuan_worker)

    with pytest.raises(PermissionDenied):
        services.work_order_rate(actor=actor(cast.resident), order=order, fixed=True, satisfaction=5)
    with pytest.raises(ValidationError):
        services.work_order_rate(actor=actor(cast.member), order=order, fixed=True, satisfaction=6)
    services.work_order_rate(actor=actor(cast.member), order=order, fixed=False, satisfaction=2)
    with pytest.raises(StateConflict):
        services.work_order_rate(actor=actor(cast.member), order=order, fixed=True, satisfaction=5)

    order.refresh_from_db()
    assert (order.reporter_says_fixed, order.satisfaction) == (False, 2)
    assert order.events.filter(verb="rated").count() == 1


def test_orders_of_a_source_are_found_again(cast):
    source = cast.street.nanyuan_compound  # any saved row may be a source
    first = make_order(reporter=cast.member, community=cast.street.nanyuan, source=source)
    make_order(reporter=cast.member, community=cast.street.nanyuan)

    found = list(work_order_list_for_source(actor(cast.resident), source))

    assert found == [first]
    assert list(work_order_list_for_source(actor(cast.outsider), source)) == []


def test_staff_file_an_order_for_a_resident_who_phoned(cast):
    order = services.work_order_create(
        actor=actor(cast.nanyuan_worker),
        reporter=cast.resident,
        category=category("fallen-tree"),
        title="南八苑3幢旁树枝断裂",
        community=cast.street.nanyuan,
        place=cast.street.nanyuan_compound,
    )

    assert (order.reporter, order.entered_by, order.place) == (
        cast.resident,
        cast.nanyuan_worker,
        cast.street.nanyuan_compound,
    )
    assert order.events.get().verb == "entered"


def test_only_staff_file_for_someone_else(cast):
    with pytest.raises(PermissionDenied):
        services.work_order_create(
            actor=actor(cast.member),
            reporter=cast.resident,
            category=category(),
            title="x",
            community=cast.street.nanyuan,
        )

    assert WorkOrder.objects.count() == 0


def test_system_actor_files_for_open311_without_a_reporter(cast):
    order = services.work_order_create(actor=SYSTEM, category=category(), title="热线", community=cast.street.nanyuan)

    assert (order.reporter, order.reporter_name) == (None, "")
