"""The duty journey of issue 12 on a phone, with the demo street: volunteer 13800000007 (孙小燕)
reads and signs 翠玉's pledge, signs up for a 07:00 shift, checks in and out by opening the point's
scanned code, and sees the hours in her points. The clock is moved to the shift (the live server
runs in this process, so it sees the same time)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

pytestmark = pytest.mark.e2e
VOLUNTEER = "13800000007"


def test_volunteer_signs_the_pledge_signs_up_checks_in_and_out_and_sees_the_hours(
    demo_street, new_page, sign_in, results_dir
):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from mulin.rosters.models import Assignment, Shift
    from mulin.rosters.services.duty import point_code

    # A 07:00 shift of next month's roster (generated, not yet filled) at 集翠源2号投放点.
    shift = (
        Shift.objects.filter(point__name="集翠源2号投放点", filled=0, starts_at__gt=timezone.now())
        .filter(starts_at__time=dt.time(7, 0))
        .order_by("-starts_at")
        .first()
    )
    assert shift is not None
    day = timezone.localtime(shift.starts_at).date()

    page = new_page()
    sign_in(page, VOLUNTEER)
    page.goto("/rosters/pledge/")
    assert "垃圾分类督导责任保证书" in page.inner_text("h1")
    page.click("[data-testid=sign-pledge]")
    page.wait_for_url(re.compile(r"/rosters/shifts/"))

    page.goto(f"/rosters/shifts/?from={day.isoformat()}")
    page.click(f"[data-testid=signup-{shift.pk}]")
    page.wait_for_url(re.compile(r"/rosters/shifts/"))
    assert "您已在班上" in page.inner_text(f"[data-testid=shift-{shift.pk}]")
    page.screenshot(path=str(results_dir / "rosters-signed-up.png"), full_page=True)

    scan = f"/rosters/points/{shift.point_id}/scan/?code="
    tz = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 58), tzinfo=tz), tick=True):
        sign_in(page, VOLUNTEER)
        page.goto(scan + point_code(shift.point_id))
        page.click("[data-testid=check-in]")
        page.wait_for_url(re.compile(r"/rosters/mine/"))
    with time_machine.travel(dt.datetime.combine(day, dt.time(8, 31), tzinfo=tz), tick=True):
        sign_in(page, VOLUNTEER)
        page.goto(scan + point_code(shift.point_id))
        page.click("[data-testid=check-out]")
        page.wait_for_url(re.compile(r"/rosters/mine/"))
        assert "1.5" in page.inner_text("[data-testid=my-duty]")
        page.goto("/points/")
        points_page = page.inner_text("main")
    page.screenshot(path=str(results_dir / "rosters-points.png"), full_page=True)

    assignment = Assignment.objects.get(shift=shift, person__full_name="孙小燕")
    assert (assignment.status, str(assignment.hours)) == ("completed", "1.5")
    assert "垃圾分类督导值班" in points_page
