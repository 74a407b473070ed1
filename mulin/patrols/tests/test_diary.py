"""The segment diary: history in time order with photos and work orders, the monthly trend, and a
query count that holds at five years of daily patrols."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import PatrolLog
from mulin.patrols.selectors import segment_trend
from mulin.workorders.models import WorkOrderCategory
from mulin.workorders.tests.factories import jpeg_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _log(cast, minutes_ago: int, **fields):  # type: ignore[no-untyped-def]
    ended = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return services.patrol_log_create(
        actor=actor(cast.member),
        segment=cast.segment,
        started_at=ended - dt.timedelta(minutes=20),
        ended_at=ended,
        **fields,
    )


def _history(cast, days: int) -> None:  # type: ignore[no-untyped-def]
    """`days` daily patrols written straight into the table (a scale test, not a service test)."""
    now = timezone.now()
    PatrolLog.objects.bulk_create(
        PatrolLog(
            segment=cast.segment,
            scope_path=cast.segment.scope_path,
            patroller=cast.member,
            patroller_name="汪**",
            started_at=now - dt.timedelta(days=day, hours=2),
            ended_at=now - dt.timedelta(days=day, hours=1),
            distance_m=300,
            clarity_cm=20 + (days - day) * 60 // days,
            floating_litter=3 * day // days,
        )
        for day in range(1, days + 1)
    )


def test_the_diary_shows_patrols_in_time_order_with_photos_and_work_orders(cast, client):
    late = _log(cast, 10, notes="较早的一次")  # logged first, walked later
    problem = services.Problem(WorkOrderCategory.objects.get(code="river-litter"), "桥下漂浮垃圾")
    early = _log(cast, 120, photos=[jpeg_upload()], problem=problem)
    client.force_login(cast.resident.user)

    page = client.get(f"/patrols/segments/{cast.segment.pk}/").content.decode()

    assert page.index(late.get_absolute_url()) < page.index(early.get_absolute_url())
    assert early.photos.get().get_absolute_url() in page
    assert "桥下漂浮垃圾" in page
    assert 'data-trend="' in page and "echarts.min.js" in page
    assert "<script>" not in page


def test_the_trend_has_one_row_per_month_with_averages(cast):
    _history(cast, 70)

    trend = segment_trend(cast.segment)

    assert sum(month.patrols for month in trend) == 70
    assert 2 <= len(trend) <= 4
    assert trend[0].clarity_cm < trend[-1].clarity_cm
    assert trend[0].floating_litter > trend[-1].floating_litter


def test_the_diary_pages_back_in_time(cast, client):
    _history(cast, 45)
    client.force_login(cast.member.user)

    first = client.get(f"/patrols/segments/{cast.segment.pk}/")
    next_page = first.context["next_url"].split("#")[0]
    second = client.get(f"/patrols/segments/{cast.segment.pk}/{next_page}")

    assert [len(first.context["entries"]), len(second.context["entries"])] == [30, 15]
    assert second.context["next_url"] == ""
    shown = [log.pk for log, _p, _o in first.context["entries"] + second.context["entries"]]
    assert shown == list(PatrolLog.objects.order_by("-started_at").values_list("pk", flat=True))


@pytest.mark.parametrize("days", [3, 5 * 365])
def test_the_diary_takes_a_fixed_number_of_queries_up_to_five_years_of_daily_patrols(
    cast, client, django_assert_max_num_queries, days
):
    _history(cast, days)
    _log(cast, 5, photos=[jpeg_upload()], problem=services.Problem(
        WorkOrderCategory.objects.get(code="river-litter"), "漂浮物"))  # fmt: skip
    client.force_login(cast.member.user)
    client.get(f"/patrols/segments/{cast.segment.pk}/")

    with django_assert_max_num_queries(16):
        response = client.get(f"/patrols/segments/{cast.segment.pk}/")

    assert response.status_code == 200
    assert len(response.context["entries"]) == min(days + 1, 30)
