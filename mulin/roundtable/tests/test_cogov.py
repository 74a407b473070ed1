"""Three-party co-governance: joint meetings of a compound's 居委会, 业委会 and 物业, the responsibility
list and the follow-ups carried to the next meeting — who records, who reads, refused input,
other community / other street, query counts, and the demo's 南八苑."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, Role
from mulin.organizations.tests.factories import SYSTEM, OrgUnitFactory, actor, make_person
from mulin.roundtable import services
from mulin.roundtable.models import JointMeeting, ResponsibilityItem
from mulin.roundtable.permissions import can_record_joint_meeting
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind
TODAY = timezone.localdate()


@pytest.fixture
def gov(cast):  # type: ignore[no-untyped-def]
    """南八苑 governed by three parties, the property management's officer, and 集翠源's too."""
    compound = cast.street.nanyuan_compound
    units = {
        kind: OrgUnitFactory(kind=kind, name=f"南八苑{kind}", parent=compound)
        for kind in (K.RESIDENTS_COMMITTEE, K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT)
    }
    cuiyu_property = OrgUnitFactory(kind=K.PROPERTY_MANAGEMENT, name="集翠源物业", parent=cast.street.cuiyu_compound)
    officer = make_person(
        home=cast.street.nanyuan_building,
        role=Role.GOVERNANCE_OFFICER,
        at=units[K.PROPERTY_MANAGEMENT],
        with_account=True,
        full_name="物业经理",
    )
    cast.officer = officer
    cast.cuiyu_property = cuiyu_property
    return cast


def _record(who, compound, *, days_ago: int = 10, **fields):  # type: ignore[no-untyped-def]
    data = {
        "residents_committee_attendees": "居民小组长",
        "owners_committee_attendees": "业委会主任",
        "property_attendees": "物业经理",
        "discussed": "楼道杂物清理",
        **fields,
    }
    return services.joint_meeting_record(
        actor=who, compound=compound, held_on=TODAY - dt.timedelta(days=days_ago), **data
    )


def _web(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sign_in(client, person)
    return client


def _api(person) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user=person.user)
    return client


def _snapshot():  # type: ignore[no-untyped-def]
    return (
        sorted(JointMeeting.objects.values_list("pk", "discussed")),
        sorted(ResponsibilityItem.objects.values_list("pk", "status", "note", "done_on")),
        AuditEvent.objects.filter(verb__startswith="roundtable.").count(),
    )


# --- who records ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "compound", "allowed"),
    [
        ("nanyuan_worker", "nanyuan_compound", True),
        ("street_admin", "nanyuan_compound", True),
        ("officer", "nanyuan_compound", True),
        ("officer", "cuiyu_compound", False),  # an officer of 南八苑's 物业 has no say in 集翠源
        ("cuiyu_worker", "nanyuan_compound", False),
        ("resident", "nanyuan_compound", False),
        ("outsider_worker", "nanyuan_compound", False),
    ],
)
def test_who_may_record_joint_meetings(gov, who, compound, allowed):
    assert can_record_joint_meeting(actor(getattr(gov, who)), getattr(gov.street, compound).path) is allowed


def test_staff_record_a_meeting_with_each_partys_attendees_and_it_is_audited(gov):
    meeting = _record(actor(gov.nanyuan_worker), gov.street.nanyuan_compound)

    assert (meeting.compound, meeting.scope_path) == (gov.street.nanyuan_compound, gov.street.nanyuan_compound.path)
    assert (meeting.residents_committee_attendees, meeting.owners_committee_attendees, meeting.property_attendees) == (
        "居民小组长",
        "业委会主任",
        "物业经理",
    )
    assert meeting.recorded_by == gov.nanyuan_worker
    assert AuditEvent.objects.filter(verb="roundtable.joint_meeting_recorded").count() == 1


def test_an_officer_of_the_property_management_records_and_keeps_the_list(gov):
    officer = actor(gov.officer)
    meeting = _record(officer, gov.street.nanyuan_compound)

    item = services.responsibility_add(
        actor=officer, meeting=meeting, text="清理楼道", party="property", due_on=TODAY + dt.timedelta(days=7)
    )
    done = services.responsibility_set_status(actor=officer, item=item, status="done", note="已清理")

    assert (done.status, done.note, done.done_on) == ("done", "已清理", TODAY)


def test_another_communitys_worker_and_a_resident_are_refused_and_nothing_is_written(gov):
    before = _snapshot()
    for who in (gov.cuiyu_worker, gov.resident, gov.outsider_worker):
        with pytest.raises(PermissionDenied):
            _record(actor(who), gov.street.nanyuan_compound)
    with pytest.raises(PermissionDenied):
        _record(actor(gov.officer), gov.street.cuiyu_compound)
    assert _snapshot() == before


# --- refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"discussed": "   "}, "discussed"),
        ({"owners_committee_attendees": ""}, "owners_committee_attendees"),
        ({"property_attendees": "x" * 201}, "property_attendees"),
        ({"days_ago": -1}, "held_on"),
    ],
)
def test_bad_meeting_input_is_refused_by_field_and_nothing_is_written(gov, fields, field):
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        _record(actor(gov.nanyuan_worker), gov.street.nanyuan_compound, **fields)
    assert field in refused.value.message_dict
    assert _snapshot() == before


def test_a_second_meeting_on_the_same_day_is_refused(gov):
    _record(actor(gov.nanyuan_worker), gov.street.nanyuan_compound)
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        _record(actor(gov.officer), gov.street.nanyuan_compound)
    assert "held_on" in refused.value.message_dict
    assert _snapshot() == before


def test_bad_items_are_refused_and_marking_twice_is_a_conflict(gov):
    worker = actor(gov.nanyuan_worker)
    meeting = _record(worker, gov.street.nanyuan_compound)
    before = _snapshot()
    for kwargs, field in [
        ({"text": "", "party": "property", "due_on": TODAY}, "text"),
        ({"text": "修门禁", "party": "street", "due_on": TODAY}, "party"),
        ({"text": "修门禁", "party": "property", "due_on": meeting.held_on - dt.timedelta(days=1)}, "due_on"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.responsibility_add(actor=worker, meeting=meeting, **kwargs)
        assert field in refused.value.message_dict
    assert _snapshot() == before

    item = services.responsibility_add(actor=worker, meeting=meeting, text="修门禁", party="property", due_on=TODAY)
    services.responsibility_set_status(actor=worker, item=item, status="done")
    marked = _snapshot()
    with pytest.raises(StateConflict):
        services.responsibility_set_status(actor=worker, item=item, status="done")
    assert _snapshot() == marked


# --- follow-ups ----------------------------------------------------------------------------------


def test_open_items_of_the_previous_meeting_show_on_the_next(gov):
    worker = actor(gov.nanyuan_worker)
    first = _record(worker, gov.street.nanyuan_compound, days_ago=40)
    still_open = services.responsibility_add(
        actor=worker, meeting=first, text="公示绿化方案", party="owners_committee", due_on=first.held_on
    )
    done_before = services.responsibility_add(
        actor=worker, meeting=first, text="清理楼道", party="property", due_on=first.held_on
    )
    services.responsibility_set_status(actor=worker, item=done_before, status="done")
    ResponsibilityItem.objects.filter(pk=done_before.pk).update(done_on=first.held_on + dt.timedelta(days=3))
    second = _record(worker, gov.street.nanyuan_compound, days_ago=10)

    page = _web(gov.resident).get(f"/roundtable/cogov/{second.pk}/").content.decode()
    data = _api(gov.resident).get(f"/api/v1/cogov/meetings/{second.pk}/").json()

    assert [row["id"] for row in data["followups"]] == [still_open.pk]
    assert data["items"] == []
    assert "公示绿化方案" in page and "清理楼道" not in page
    # Done since the second meeting: it was still open then, so that meeting reviewed it.
    services.responsibility_set_status(actor=worker, item=still_open, status="done", note="已公示")
    data = _api(gov.resident).get(f"/api/v1/cogov/meetings/{second.pk}/").json()
    assert [(row["id"], row["status"], row["note"]) for row in data["followups"]] == [(still_open.pk, "done", "已公示")]


# --- pages ---------------------------------------------------------------------------------------


def test_record_add_and_mark_on_the_pages(gov):
    client = _web(gov.officer)
    listing = client.get("/roundtable/cogov/")
    sent = client.post(
        "/roundtable/cogov/",
        {
            "record-compound": gov.street.nanyuan_compound.pk,
            "record-held_on": (TODAY - dt.timedelta(days=2)).isoformat(),
            "record-residents_committee_attendees": "居民小组长",
            "record-owners_committee_attendees": "业委会主任",
            "record-property_attendees": "物业经理",
            "record-discussed": "电动车进楼道",
        },
    )
    meeting = JointMeeting.objects.get()
    added = client.post(
        f"/roundtable/cogov/{meeting.pk}/items/",
        {"item-text": "每周巡查电动车", "item-party": "residents_committee", "item-due_on": TODAY.isoformat()},
    )
    item = ResponsibilityItem.objects.get()
    marked = client.post(f"/roundtable/cogov/items/{item.pk}/status/", {"status": "done", "note": "已巡查"})

    assert listing.status_code == 200 and 'data-testid="record-submit"' in listing.content.decode()
    assert sent.status_code == 302 and sent["Location"] == f"/roundtable/cogov/{meeting.pk}/"
    assert added.status_code == 302 and marked.status_code == 302
    item.refresh_from_db()
    assert (item.party, item.status, item.note) == ("residents_committee", "done", "已巡查")


def test_a_resident_reads_the_record_without_the_forms_and_cannot_write(gov):
    meeting = _record(actor(gov.nanyuan_worker), gov.street.nanyuan_compound)
    client = _web(gov.resident)

    listing = client.get("/roundtable/cogov/").content.decode()
    page = client.get(f"/roundtable/cogov/{meeting.pk}/").content.decode()
    refused = client.post(f"/roundtable/cogov/{meeting.pk}/items/", {"item-text": "x", "item-party": "property"})

    assert "楼道杂物清理" in listing and 'data-testid="record-submit"' not in listing
    assert "业委会主任" in page and 'data-testid="item-submit"' not in page
    assert refused.status_code == 403 and ResponsibilityItem.objects.count() == 0


def test_refused_input_on_the_page_comes_back_in_chinese_and_nothing_is_written(gov):
    client = _web(gov.nanyuan_worker)
    before = _snapshot()

    answer = client.post(
        "/roundtable/cogov/",
        {
            "record-compound": gov.street.nanyuan_compound.pk,
            "record-held_on": (TODAY + dt.timedelta(days=3)).isoformat(),
            "record-residents_committee_attendees": "居民小组长",
            "record-owners_committee_attendees": "业委会主任",
            "record-property_attendees": "物业经理",
            "record-discussed": "电动车",
        },
    )

    assert answer.status_code == 400
    assert "会议开过之后再记录" in answer.content.decode()
    assert _snapshot() == before


# --- API -----------------------------------------------------------------------------------------


def test_the_api_records_adds_and_marks_and_lists_what_a_client_must_send(gov):
    client = _api(gov.nanyuan_worker)
    compounds = client.get("/api/v1/cogov/compounds/").json()
    parties = client.get("/api/v1/cogov/parties/").json()
    created = client.post(
        "/api/v1/cogov/meetings/",
        {
            "compound": gov.street.nanyuan_compound.pk,
            "held_on": (TODAY - dt.timedelta(days=1)).isoformat(),
            "residents_committee_attendees": "居民小组长",
            "owners_committee_attendees": "业委会主任",
            "property_attendees": "物业经理",
            "discussed": "维修资金公示",
        },
        format="json",
    )
    meeting_id = created.json()["id"]
    item = client.post(
        f"/api/v1/cogov/meetings/{meeting_id}/items/",
        {"text": "公示维修资金", "party": "owners_committee", "due_on": TODAY.isoformat()},
        format="json",
    )
    marked = client.post(f"/api/v1/cogov/items/{item.json()['id']}/status/", {"status": "done"}, format="json")

    assert [row["id"] for row in compounds] == [gov.street.nanyuan_compound.pk]
    assert [row["value"] for row in parties] == ["residents_committee", "owners_committee", "property"]
    assert created.status_code == 201 and item.status_code == 201
    assert marked.status_code == 200 and marked.json()["done_on"] == TODAY.isoformat()


def test_bad_api_input_is_a_translated_400_and_nothing_is_written(gov):
    client = _api(gov.nanyuan_worker)
    before = _snapshot()

    answer = client.post(
        "/api/v1/cogov/meetings/",
        {
            "compound": gov.street.nanyuan_compound.pk,
            "held_on": (TODAY - dt.timedelta(days=1)).isoformat(),
            "residents_committee_attendees": "居民小组长",
            "owners_committee_attendees": "业委会主任",
            "property_attendees": "物业经理",
            "discussed": "   ",
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "discussed" in answer.json()["errors"]
    assert _snapshot() == before


def test_another_community_and_another_street_get_404_and_nothing_changes(gov):
    meeting = _record(actor(gov.nanyuan_worker), gov.street.nanyuan_compound)
    item = services.responsibility_add(actor=SYSTEM, meeting=meeting, text="修门禁", party="property", due_on=TODAY)
    before = _snapshot()
    for person in (gov.cuiyu_worker, gov.cuiyu_resident, gov.outsider_worker, gov.outsider):
        client = _api(person)
        assert client.get(f"/api/v1/cogov/meetings/{meeting.pk}/").status_code == 404
        assert (
            client.post(
                f"/api/v1/cogov/meetings/{meeting.pk}/items/",
                {"text": "x", "party": "property", "due_on": "2099-01-01"},
            ).status_code
            == 404
        )
        assert client.post(f"/api/v1/cogov/items/{item.pk}/status/", {"status": "done"}).status_code == 404
        assert client.get("/api/v1/cogov/meetings/").json()["results"] == []
        assert _web(person).get(f"/roundtable/cogov/{meeting.pk}/").status_code == 404
    assert _snapshot() == before


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 6])
def test_lists_and_pages_do_not_grow_with_rows(gov, n, django_assert_max_num_queries):
    worker = actor(gov.nanyuan_worker)
    meetings = []
    for i in range(n):
        meeting = _record(worker, gov.street.nanyuan_compound, days_ago=100 - i)
        for j in range(3):
            services.responsibility_add(
                actor=worker, meeting=meeting, text=f"事项{i}-{j}", party="property", due_on=meeting.held_on
            )
        meetings.append(meeting)
    web, api = _web(gov.resident), _api(gov.resident)
    staff = _web(gov.nanyuan_worker)

    for client, url, limit in [
        (web, "/roundtable/cogov/", 14),
        (staff, "/roundtable/cogov/", 16),
        (web, f"/roundtable/cogov/{meetings[-1].pk}/", 14),
        (staff, f"/roundtable/cogov/{meetings[-1].pk}/", 16),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    for url, limit in [("/api/v1/cogov/meetings/", 8), (f"/api/v1/cogov/meetings/{meetings[-1].pk}/", 8)]:
        with django_assert_max_num_queries(limit):
            assert api.get(url).status_code == 200


# --- demo ----------------------------------------------------------------------------------------


def test_the_demo_has_two_nanbayuan_meetings_with_open_done_and_carried_items(daguan):
    from mulin.core.crypto import blind_index
    from mulin.organizations.models import Person

    meetings = list(JointMeeting.objects.filter(compound__name="南八苑").order_by("held_on"))
    assert len(meetings) == 2
    statuses = sorted(ResponsibilityItem.objects.filter(meeting__in=meetings).values_list("status", flat=True))
    assert statuses.count("open") == 3 and statuses.count("done") == 4
    resident = Person.objects.get(phone_index=blind_index("phone", "13800000005"))  # 王秀英, lives in 南八苑
    data = _api(resident).get(f"/api/v1/cogov/meetings/{meetings[1].pk}/").json()
    assert [row["text"] for row in data["followups"]] == ["绿化带改造方案征求业主意见（公示7天）"]
    assert _web(resident).get("/roundtable/cogov/").status_code == 200
