"""The activity journey of issue 10 in a phone browser, with the demo street's accounts: branch
secretary 13800000003 creates a theme party day in a station room → members sign up (member
13800000004 and the secretary) → the member checks in through the rotating QR code's route → the
organiser's page shows attendance 1 of 2; and the station map renders in Chromium with no network
access (every request outside the test server is refused)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e
TITLE = "十二月主题党日：重温入党誓词"


def test_theme_party_day_sign_up_qr_check_in_and_the_map_offline(demo_street, new_page, sign_in, live_server):  # type: ignore[no-untyped-def]
    from mulin.activities.models import Activity, Signup
    from mulin.stations.models import Station

    start = timezone.localtime() + dt.timedelta(minutes=30)
    end = start + dt.timedelta(hours=2)

    # 1. The branch secretary creates the theme party day in a station room.
    secretary = new_page()
    sign_in(secretary, "13800000003")
    secretary.goto("/activities/")
    secretary.click("[data-testid=activity-new]")
    secretary.select_option("select[name=type]", label="主题党日")
    secretary.fill("input[name=title]", TITLE)
    secretary.select_option("select[name=audience]", value="members")
    secretary.fill("input[name=starts_at]", f"{start:%Y-%m-%dT%H:%M}")
    secretary.fill("input[name=ends_at]", f"{end:%Y-%m-%dT%H:%M}")
    secretary.select_option("select[name=room]", label="西一运河城市驿站 · 新四军大讲堂 (80)")
    secretary.fill("input[name=capacity]", "40")
    secretary.click("[data-testid=activity-submit]")
    secretary.wait_for_url(re.compile(r"/activities/\d+/$"))
    activity_url = secretary.url.removeprefix(secretary.url.split("/activities/")[0])
    assert secretary.inner_text("[data-testid=activity-title]") == TITLE
    activity = Activity.objects.get(title=TITLE)
    assert (activity.room.name, activity.booking.status) == ("新四军大讲堂", "requested")

    # 2. Members sign up: the member from the list, the secretary from the page.
    member = new_page()
    sign_in(member, "13800000004")
    member.goto("/activities/")
    member.click(f"[data-testid=activity-list] >> text={TITLE}")
    member.click("[data-testid=signup]")
    assert member.get_attribute("[data-testid=my-signup]", "data-status") == "confirmed"
    secretary.click("[data-testid=signup]")
    assert secretary.get_attribute("[data-testid=my-signup]", "data-status") == "confirmed"

    # 3. The member scans the code on the secretary's phone (its link) and checks in.
    secretary.click("[data-testid=show-code]")
    assert secretary.locator("[data-testid=checkin-qr]").is_visible()
    scanned = secretary.get_attribute("[data-testid=checkin-qr]", "data-url")
    assert scanned is not None and "/checkin/?code=" in scanned
    member.goto(scanned)
    member.click("[data-testid=checkin-submit]")
    member.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert "已签到" in member.inner_text("[data-testid=my-signup]")

    # 4. The organiser sees attendance 1 of 2.
    secretary.goto(activity_url)
    assert secretary.inner_text("[data-testid=attendance-summary]") == "出勤：1 / 2"
    assert Signup.objects.filter(activity=activity, checked_in_at__isnull=False).count() == 1
    box = member.locator("[data-testid=signup-cancel]").count()
    assert box == 0  # checked in: no more cancelling

    # 5. The station map renders with no network access (every request off the test server refused).
    page = new_page()
    outside: list[str] = []

    def only_the_server(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    sign_in(page, "13800000005")
    page.goto("/stations/")
    page.click("[data-testid=station-map-link]")
    page.wait_for_selector("[data-testid=station-map][data-ready]")

    stations = Station.objects.filter(latitude__isnull=False).count()
    assert page.get_attribute("[data-testid=station-map]", "data-ready") == str(stations)
    assert page.locator(".station-point").count() == stations
    assert page.locator(".community-label").count() == 10  # the street's communities, as labels
    assert page.locator(".leaflet-tile").count() == 0  # no tile server: a plain background
    page.locator(".station-point").first.click()
    assert page.locator(".leaflet-popup-content a").count() == 1
    assert outside == []
