"""/api/v1/ of duty rosters: points, shifts, sign-up, assignment, check-in/out by the point's code,
pledges, availability, absences, leave and swap requests; scoping (other community, other street)
and refusals that change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, Role
from mulin.organizations.tests.factories import OrgUnitFactory, make_person
from mulin.points.models import LedgerEntry
from mulin.rosters.models import Assignment, DutyAbsence, DutyAvailability, DutyRequest, PledgeSignature, Shift
from mulin.rosters.services.duty import point_code
from mulin.rosters.tests.factories import local, make_week, shift_at, sign

pytestmark = pytest.mark.django_db
API = "/api/v1/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


@pytest.fixture
def week(duty):  # type: ignore[no-untyped-def]
    return make_week(duty.street.cuiyu)


@pytest.fixture
def outsider(duty):  # type: ignore[no-untyped-def]
    """A community worker of another street."""
    other_street = OrgUnitFactory(kind=OrgUnit.Kind.STREET, name="米市巷街道", parent=duty.street.district)
    other = OrgUnitFactory(kind=OrgUnit.Kind.COMMUNITY, name="左家新村社区", parent=other_street)
    return make_person(home=other, role=Role.COMMUNITY_WORKER, at=other, with_account=True, full_name="外街社工")


def _world() -> tuple[int, int, int, int, int]:
    return (
        Assignment.objects.count(),
        sum(Shift.objects.values_list("filled", flat=True)),
        PledgeSignature.objects.count(),
        DutyRequest.objects.count(),
        AuditEvent.objects.exclude(verb="access.refused").count(),  # the refusal's own record is no change
    )


# --- points and shifts ---------------------------------------------------------------------------------


def test_a_volunteer_lists_the_points_and_the_weeks_shifts_of_their_community(duty, week, as_):
    client = as_(duty.volunteer)

    points = client.get(f"{API}duty-points/").json()
    shifts = client.get(f"{API}shifts/", {"from": week.starts_on.isoformat(), "point": duty.point.pk}).json()

    assert [p["name"] for p in points] == ["集翠源1号投放点", "集翠源2号投放点"]
    assert len(shifts) == 14  # 7 days × 07:00 and 18:00
    first = shifts[0]
    assert (first["point"]["name"], first["part"], first["headcount"], first["gap"], first["on_duty"]) == (
        "集翠源1号投放点",
        "morning",
        2,
        2,
        False,
    )


def test_nanyuan_people_and_another_street_see_nothing_of_cuiyus_roster(duty, week, as_, outsider):
    shift = shift_at(duty.point, week.starts_on, 7)
    for person in (duty.nanyuan_volunteer, outsider):
        client = as_(person)
        assert client.get(f"{API}duty-points/").json() == []
        assert client.get(f"{API}shifts/", {"from": week.starts_on.isoformat()}).json() == []
        assert client.get(f"{API}shifts/", {"point": duty.point.pk}).status_code == 404
        before = _world()
        assert client.post(f"{API}shifts/{shift.pk}/signup/").status_code == 404
        assert client.post(f"{API}pledges/{duty.pledge.pk}/sign/").status_code == 404
        assert _world() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-01-10", "to": "2026-01-01"}, "to"),
        ({"from": "2026-01-01", "to": "2026-03-01"}, "to"),
        ({"point": "x"}, "point"),
    ],
)
def test_bad_shift_list_parameters_are_refused_with_the_field_named(duty, as_, params, field):
    response = as_(duty.volunteer).get(f"{API}shifts/", params, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- sign-up, assignment ---------------------------------------------------------------------------------


def test_after_signing_the_pledge_a_volunteer_signs_up_and_withdraws(duty, week, as_):
    shift = shift_at(duty.point, week.starts_on, 7)
    client = as_(duty.volunteer)

    pledges = client.get(f"{API}pledges/").json()
    signed = client.post(f"{API}pledges/{pledges[0]['id']}/sign/")
    taken = client.post(f"{API}shifts/{shift.pk}/signup/")
    listed = client.get(f"{API}shifts/", {"from": week.starts_on.isoformat(), "point": duty.point.pk}).json()
    mine = client.get(f"{API}shifts/mine/").json()
    left = client.delete(f"{API}shifts/{shift.pk}/signup/")

    assert (pledges[0]["version"], pledges[0]["signed_at"]) == (1, None)
    assert signed.status_code == 201, signed.content
    assert taken.status_code == 201, taken.content
    assert (taken.json()["status"], taken.json()["source"]) == ("assigned", "signup")
    assert (listed[0]["filled"], listed[0]["on_duty"]) == (1, True)
    assert [m["shift"]["id"] for m in mine] == [shift.pk]
    assert (left.status_code, left.json()["status"]) == (200, "cancelled")
    shift.refresh_from_db()
    assert shift.filled == 0


def test_without_a_signed_pledge_the_api_refuses_duty_in_the_users_language(duty, week, as_):
    shift = shift_at(duty.point, week.starts_on, 7)
    before = _world()

    response = as_(duty.volunteer).post(f"{API}shifts/{shift.pk}/signup/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Sign the community's responsibility pledge before taking duty.",
        "code": "pledge_missing",
    }
    assert _world() == before


def test_two_overlapping_shifts_are_refused(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    client = as_(duty.volunteer)
    first = shift_at(duty.point, week.starts_on, 7)
    same_time = shift_at(duty.point2, week.starts_on, 7)
    client.post(f"{API}shifts/{first.pk}/signup/")
    before = _world()

    response = client.post(f"{API}shifts/{same_time.pk}/signup/")

    assert (response.status_code, response.json()["code"]) == (409, "overlap")
    assert _world() == before


def test_a_cuiyu_organiser_assigns_a_cuiyu_volunteer_but_not_a_nanyuan_resident(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 18)
    client = as_(duty.cuiyu_worker)

    refused_before = _world()
    refused = client.post(f"{API}shifts/{shift.pk}/assign/", {"person": duty.nanyuan_resident.pk}, format="json")
    refused_after = _world()
    done = client.post(f"{API}shifts/{shift.pk}/assign/", {"person": duty.volunteer.pk}, format="json")

    assert refused.status_code == 403
    assert refused_after == refused_before
    assert (done.status_code, done.json()["source"]) == (201, "organiser")


def test_a_volunteer_cannot_assign_and_a_nanyuan_organiser_gets_404(duty, week, as_):
    shift = shift_at(duty.point, week.starts_on, 18)
    before = _world()

    by_volunteer = as_(duty.volunteer).post(f"{API}shifts/{shift.pk}/assign/", {"person": duty.member.pk})
    by_nanyuan = as_(duty.nanyuan_worker).post(f"{API}shifts/{shift.pk}/assign/", {"person": duty.member.pk})

    assert (by_volunteer.status_code, by_nanyuan.status_code) == (403, 404)
    assert _world() == before


# --- on site ------------------------------------------------------------------------------------------


def test_check_in_and_out_with_the_points_code_credits_the_hours(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    client = as_(duty.volunteer)
    client.post(f"{API}shifts/{shift.pk}/signup/")

    with time_machine.travel(local(week.starts_on, 7, 10), tick=False):
        checked_in = client.post(f"{API}shifts/{shift.pk}/checkin/", {"code": point_code(duty.point.pk)})
    with time_machine.travel(local(week.starts_on, 8, 30), tick=False):
        checked_out = client.post(f"{API}shifts/{shift.pk}/checkout/", {"code": point_code(duty.point.pk)})

    assert checked_in.status_code == 200, checked_in.content
    assert (checked_in.json()["status"], checked_in.json()["late_minutes"]) == ("checked_in", 10)
    assert checked_out.status_code == 200, checked_out.content
    assert (checked_out.json()["status"], checked_out.json()["hours"]) == ("completed", "1.3")
    entry = LedgerEntry.objects.get(person=duty.volunteer)
    assert entry.hours == Decimal("1.3")


def test_a_code_of_another_point_or_a_forged_one_is_refused(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    client = as_(duty.volunteer)
    client.post(f"{API}shifts/{shift.pk}/signup/")
    with time_machine.travel(local(week.starts_on, 6, 0), tick=False):
        code_before = point_code(duty.point.pk)  # an hour old by the time it is used

    with time_machine.travel(local(week.starts_on, 7, 0), tick=False):
        stale = client.post(f"{API}shifts/{shift.pk}/checkin/", {"code": code_before})
        other = client.post(f"{API}shifts/{shift.pk}/checkin/", {"code": point_code(duty.point2.pk)})
        forged = client.post(f"{API}shifts/{shift.pk}/checkin/", {"code": "1.2:forged"})
        empty = client.post(f"{API}shifts/{shift.pk}/checkin/", {"code": ""})

    assert (stale.status_code, stale.json()["code"]) == (400, "qr_expired")
    assert (other.status_code, other.json()["code"]) == (400, "qr_wrong_object")
    assert (forged.status_code, forged.json()["code"]) == (400, "qr_refused")
    assert empty.status_code == 400
    assert Assignment.objects.get(shift=shift).status == "assigned"


def test_checking_in_on_a_shift_one_is_not_on_is_a_conflict(duty, week, as_):
    shift = shift_at(duty.point, week.starts_on, 7)
    with time_machine.travel(local(week.starts_on, 7, 0), tick=False):
        response = as_(duty.member).post(f"{API}shifts/{shift.pk}/checkin/", {"code": point_code(duty.point.pk)})

    assert (response.status_code, response.json()["code"]) == (409, "not_on_shift")


# --- pledges -----------------------------------------------------------------------------------------


def test_an_organiser_publishes_a_new_version_and_the_wall_shows_masked_names(duty, as_):
    sign(duty.member, duty.pledge)
    published = as_(duty.cuiyu_worker).post(
        f"{API}pledges/", {"community": duty.street.cuiyu.pk, "title": "保证书", "body": "第二版"}, format="json"
    )
    wall = as_(duty.resident).get(f"{API}pledges/{duty.pledge.pk}/wall/").json()

    assert (published.status_code, published.json()["version"]) == (201, 2)
    assert wall == [{"public_name": "吴**", "is_party_member": True, "version": 1, "signed_at": wall[0]["signed_at"]}]


def test_a_volunteer_cannot_publish_and_an_empty_pledge_is_refused(duty, as_):
    as_(duty.volunteer)
    refused = as_(duty.volunteer).post(
        f"{API}pledges/", {"community": duty.street.cuiyu.pk, "title": "x", "body": "y"}, format="json"
    )
    empty = as_(duty.cuiyu_worker).post(
        f"{API}pledges/",
        {"community": duty.street.cuiyu.pk, "title": "保证书", "body": " "},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert refused.status_code == 403
    assert (empty.status_code, empty.json()["errors"]["body"]) == (400, ["请填写保证书正文。"])


# --- availability, absences, requests -------------------------------------------------------------------


def test_availability_and_absences_round_trip(duty, as_):
    client = as_(duty.volunteer)

    saved = client.put(
        f"{API}availability/", {"slots": ["6-evening", "0-morning"], "max_shifts_per_week": 3}, format="json"
    )
    bad = client.put(f"{API}availability/", {"slots": ["7-noon"], "max_shifts_per_week": 3}, format="json")
    away = client.post(f"{API}availability/absences/", {"starts_on": "2099-01-01", "ends_on": "2099-01-05"})
    listed = client.get(f"{API}availability/absences/").json()
    removed = client.delete(f"{API}availability/absences/{away.json()['id']}/")

    assert saved.json() == {"slots": ["0-morning", "6-evening"], "max_shifts_per_week": 3}
    assert bad.status_code == 400
    assert DutyAvailability.objects.get(person=duty.volunteer).slots == ["0-morning", "6-evening"]
    assert [row["starts_on"] for row in listed] == ["2099-01-01"]
    assert removed.status_code == 204
    assert DutyAbsence.objects.count() == 0


def test_someone_elses_absence_is_404(duty, as_):
    away = as_(duty.volunteer).post(
        f"{API}availability/absences/", {"starts_on": "2099-01-01", "ends_on": "2099-01-02"}
    )

    response = as_(duty.member).delete(f"{API}availability/absences/{away.json()['id']}/")

    assert response.status_code == 404
    assert DutyAbsence.objects.count() == 1


def test_leave_is_asked_and_approved_by_the_organiser_only(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    assignment_id = as_(duty.volunteer).post(f"{API}shifts/{shift.pk}/signup/").json()["id"]

    asked = as_(duty.volunteer).post(
        f"{API}duty-requests/", {"kind": "leave", "assignment": assignment_id, "reason": "出差"}, format="json"
    )
    request_id = asked.json()["id"]
    by_self = as_(duty.volunteer).post(f"{API}duty-requests/{request_id}/approve/", {})
    by_nanyuan = as_(duty.nanyuan_worker).post(f"{API}duty-requests/{request_id}/approve/", {})
    approved = as_(duty.cuiyu_worker).post(f"{API}duty-requests/{request_id}/approve/", {"note": "好的"})

    assert asked.status_code == 201, asked.content
    assert (by_self.status_code, by_nanyuan.status_code) == (403, 404)
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert Assignment.objects.get(pk=assignment_id).status == "released"
    shift.refresh_from_db()
    assert shift.filled == 0


def test_a_swap_to_a_nanyuan_resident_is_refused_and_a_swap_needs_a_substitute(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    client = as_(duty.volunteer)
    assignment_id = client.post(f"{API}shifts/{shift.pk}/signup/").json()["id"]
    before = _world()

    no_substitute = client.post(f"{API}duty-requests/", {"kind": "swap", "assignment": assignment_id}, format="json")
    wrong = client.post(
        f"{API}duty-requests/",
        {"kind": "swap", "assignment": assignment_id, "substitute": duty.nanyuan_resident.pk},
        format="json",
    )

    assert (no_substitute.status_code, list(no_substitute.json()["errors"])) == (400, ["substitute"])
    assert (wrong.status_code, list(wrong.json()["errors"])) == (400, ["substitute"])
    assert _world() == before


def test_a_swap_is_approved_and_the_substitute_takes_the_shift(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    assignment_id = as_(duty.volunteer).post(f"{API}shifts/{shift.pk}/signup/").json()["id"]
    request_id = (
        as_(duty.volunteer)
        .post(
            f"{API}duty-requests/",
            {"kind": "swap", "assignment": assignment_id, "substitute": duty.member.pk},
            format="json",
        )
        .json()["id"]
    )

    queue = as_(duty.cuiyu_worker).get(f"{API}duty-requests/", {"status": "pending"}).json()
    approved = as_(duty.cuiyu_worker).post(f"{API}duty-requests/{request_id}/approve/", {})

    assert [row["id"] for row in queue] == [request_id]
    assert approved.status_code == 200, approved.content
    assert Assignment.objects.get(shift=shift, status="assigned").person == duty.member


def test_the_requester_withdraws_their_request(duty, week, as_):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    client = as_(duty.volunteer)
    assignment_id = client.post(f"{API}shifts/{shift.pk}/signup/").json()["id"]
    request_id = client.post(f"{API}duty-requests/", {"kind": "leave", "assignment": assignment_id}).json()["id"]

    withdrawn = client.post(f"{API}duty-requests/{request_id}/withdraw/")

    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_list_queries_do_not_grow_with_the_roster(duty, week, as_, django_assert_max_num_queries):
    from mulin.organizations.tests.factories import SYSTEM
    from mulin.rosters.services.setup import period_generate
    from mulin.rosters.tests.factories import make_point, next_monday

    client = as_(duty.volunteer)
    with django_assert_max_num_queries(8):
        small = client.get(f"{API}shifts/", {"from": week.starts_on.isoformat()})
    for n in range(3, 9):
        make_point(duty.street.cuiyu_compound, name=f"集翠源{n}号投放点")
    later = period_generate(actor=SYSTEM, community=duty.street.cuiyu, kind="week", starts_on=next_monday(2))
    with django_assert_max_num_queries(8):
        large = client.get(f"{API}shifts/", {"from": later.starts_on.isoformat()})
    with django_assert_max_num_queries(6):
        points = client.get(f"{API}duty-points/")

    assert (len(small.json()), len(large.json()), len(points.json())) == (28, 112, 8)
