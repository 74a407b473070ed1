"""Duty roster pages: shifts with sign-up, the pledge and its wall, the point's code and the scan
that checks people in and out, the week grid (query count at 40 points × 2 shifts × 7 days) and
its Excel export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from mulin.organizations.tests.factories import SYSTEM
from mulin.points.models import LedgerEntry
from mulin.rosters.models import Assignment, PledgeSignature
from mulin.rosters.services.duty import point_code, shift_sign_up
from mulin.rosters.services.setup import point_update
from mulin.rosters.tests.factories import local, make_point, make_week, shift_at, sign
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(duty):  # type: ignore[no-untyped-def]
    return make_week(duty.street.cuiyu)


@pytest.fixture
def web(client):  # type: ignore[no-untyped-def]
    def as_(person):  # type: ignore[no-untyped-def]
        client.logout()
        sign_in(client, person)
        return client

    return as_


def test_a_volunteer_signs_the_pledge_then_signs_up_on_the_shifts_page(duty, week, web):
    client = web(duty.volunteer)
    shift = shift_at(duty.point, week.starts_on, 7)

    before = client.get(reverse("rosters:shifts"), {"from": week.starts_on.isoformat()})
    signed = client.post(reverse("rosters:pledge"), {"community": duty.street.cuiyu.pk})
    taken = client.post(reverse("rosters:signup", args=[shift.pk]))
    after = client.get(reverse("rosters:shifts"), {"from": week.starts_on.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")

    assert 'data-testid="read-pledge"' in before.content.decode()
    assert f'data-testid="signup-{shift.pk}"' not in before.content.decode()
    assert signed.status_code == taken.status_code == 302
    assert PledgeSignature.objects.filter(person=duty.volunteer).count() == 1
    assert Assignment.objects.get(shift=shift).person == duty.volunteer
    assert "You are on duty" in after.content.decode()


def test_the_pledge_page_shows_the_text_and_the_wall_to_a_resident_who_cannot_sign(duty, web):
    sign(duty.member, duty.pledge)

    page = web(duty.resident).get(reverse("rosters:pledge")).content.decode()

    assert "我自愿参加垃圾分类督导值班" in page
    assert "吴**" in page
    assert 'data-testid="sign-pledge"' not in page


def test_signing_up_without_the_pledge_is_refused_with_a_message(duty, week, web):
    shift = shift_at(duty.point, week.starts_on, 7)

    response = web(duty.volunteer).post(
        reverse("rosters:signup", args=[shift.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Sign the community&#x27;s responsibility pledge before taking duty." in response.content.decode()
    assert Assignment.objects.count() == 0


def test_a_nanyuan_volunteer_gets_404_for_cuiyus_shift_and_pledge(duty, week, web):
    shift = shift_at(duty.point, week.starts_on, 7)
    client = web(duty.nanyuan_volunteer)

    assert client.post(reverse("rosters:signup", args=[shift.pk])).status_code == 404
    assert client.get(reverse("rosters:pledge"), {"community": duty.street.cuiyu.pk}).status_code == 404
    assert client.get(reverse("rosters:week"), {"community": duty.street.cuiyu.pk}).status_code == 404
    assert Assignment.objects.count() == 0


def test_scanning_the_points_code_checks_in_and_out_and_credits_hours(duty, week, web):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    from mulin.organizations.tests.factories import actor

    shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    scan = reverse("rosters:scan", args=[duty.point.pk])

    with time_machine.travel(local(week.starts_on, 6, 55), tick=False):
        client = web(duty.volunteer)  # signed in at the point, that morning
        code = point_code(duty.point.pk)
        page = client.get(scan, {"code": code}).content.decode()
        client.post(scan, {"code": code})
    with time_machine.travel(local(week.starts_on, 8, 30), tick=False):
        client = web(duty.volunteer)  # the session of 06:55 has idled out
        code = point_code(duty.point.pk)
        assert 'data-testid="check-out"' in client.get(scan, {"code": code}).content.decode()
        client.post(scan, {"code": code})
        mine = client.get(reverse("rosters:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-testid="check-in"' in page
    assignment = Assignment.objects.get(shift=shift)
    assert (assignment.status, assignment.hours, assignment.late_minutes) == ("completed", Decimal("1.5"), 0)
    assert LedgerEntry.objects.get(person=duty.volunteer).hours == Decimal("1.5")
    assert "1.5 h credited" in mine


def test_a_stale_code_checks_nobody_in(duty, week, web):
    sign(duty.volunteer, duty.pledge)
    shift = shift_at(duty.point, week.starts_on, 7)
    from mulin.organizations.tests.factories import actor

    shift_sign_up(actor=actor(duty.volunteer), shift=shift)
    with time_machine.travel(local(week.starts_on, 6, 0), tick=False):
        stale = point_code(duty.point.pk)
    with time_machine.travel(local(week.starts_on, 7, 0), tick=False):
        response = web(duty.volunteer).post(
            reverse("rosters:scan", args=[duty.point.pk]), {"code": stale}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )

    assert "This check-in code has expired." in response.content.decode()
    assert Assignment.objects.get(shift=shift).status == "assigned"


def test_the_point_code_is_shown_to_its_leader_and_organisers_only(duty, web):
    point_update(actor=SYSTEM, point=duty.point, leader=duty.member)
    url = reverse("rosters:point_code", args=[duty.point.pk])

    assert 'data-testid="point-qr"' in web(duty.member).get(url).content.decode()
    assert web(duty.cuiyu_worker).get(url).status_code == 200
    assert web(duty.volunteer).get(url).status_code == 403
    assert web(duty.nanyuan_worker).get(url).status_code == 404


def _forty_points(duty):  # type: ignore[no-untyped-def]
    for n in range(3, 41):
        make_point(duty.street.cuiyu_compound, name=f"集翠源{n}号投放点")


def test_the_week_grid_holds_its_query_count_at_40_points(duty, web, django_assert_max_num_queries):
    from mulin.organizations.tests.factories import actor
    from mulin.rosters.tests.factories import next_monday

    sign(duty.volunteer, duty.pledge)
    sign(duty.member, duty.pledge)
    small = make_week(duty.street.cuiyu, next_monday(1))
    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, small.starts_on, 7))
    client = web(duty.cuiyu_worker)
    with django_assert_max_num_queries(16):
        few = client.get(reverse("rosters:week"), {"week": small.starts_on.isoformat()})
    _forty_points(duty)
    large = make_week(duty.street.cuiyu, next_monday(2))
    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, large.starts_on, 7))
    shift_sign_up(actor=actor(duty.volunteer), shift=shift_at(duty.point, large.starts_on, 7))  # now full

    with django_assert_max_num_queries(16):
        many = client.get(reverse("rosters:week"), {"week": large.starts_on.isoformat()})

    assert few.status_code == many.status_code == 200
    body = many.content.decode()
    assert body.count('class="gap') == 40 * 14 - 1
    assert body.count('class="full') == 1
    assert body.count("with-member") == 1
    assert few.context["grid"].shifts == 28
    assert many.context["grid"].shifts == 560


def test_the_week_grid_holds_its_query_count_with_someone_on_each_of_its_560_shifts(
    duty, web, django_assert_max_num_queries
):
    """40 points × 2 shifts × 7 days, every shift with a person on it (one person per point, the
    first a party member): the people and their party membership come in the same few queries."""
    from mulin.organizations.tests.factories import make_person
    from mulin.rosters.models import Shift
    from mulin.rosters.tests.factories import next_monday

    _forty_points(duty)
    week = make_week(duty.street.cuiyu, next_monday(3))
    shifts = list(Shift.objects.filter(period=week).order_by("point_id", "starts_at"))
    points = sorted({shift.point_id for shift in shifts})
    people = [duty.member] + [
        make_person(home=duty.street.cuiyu_building, full_name=f"值班员{n}") for n in range(1, len(points))
    ]
    on_point = dict(zip(points, people, strict=True))
    Assignment.objects.bulk_create(
        Assignment(
            shift=shift,
            person=on_point[shift.point_id],
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            source=Assignment.Source.ORGANISER,
        )
        for shift in shifts
    )
    Shift.objects.filter(period=week).update(filled=1)
    client = web(duty.cuiyu_worker)
    client.get(reverse("rosters:week"), {"week": week.starts_on.isoformat()})

    with django_assert_max_num_queries(16):
        response = client.get(reverse("rosters:week"), {"week": week.starts_on.isoformat()})

    grid = response.context["grid"]
    assert (grid.shifts, len(shifts), len(points)) == (560, 560, 40)
    assert sum(len(cell.people) for row in grid.rows for day in row.cells for cell in day) == 560
    body = response.content.decode()
    assert body.count("with-member") == 14  # the party member's point, every half-day of the week
    assert body.count('class="gap') == 560


def test_the_week_exports_to_excel(duty, week, web):
    from openpyxl import load_workbook

    sign(duty.member, duty.pledge)
    from mulin.organizations.tests.factories import actor

    shift_sign_up(actor=actor(duty.member), shift=shift_at(duty.point, week.starts_on, 7))

    response = web(duty.cuiyu_worker).get(reverse("rosters:week_export"), {"week": week.starts_on.isoformat()})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 28
    assert rows[1][1:] == ("集翠源1号投放点", week.starts_on.isoformat(), "07:00–08:30", 2, 1, 1, "吴红英", 1)
