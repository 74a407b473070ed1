"""Health pages: my readings with a chart, consents withdrawable; the staff's day page records
consent and readings, a bad reading comes back on the page with what was typed and a message in
the user's language, nothing stored; reading someone's values is audited; query counts at two
sizes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mulin.core.models import AuditEvent
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.tests.factories import make_health_day, measured, sign_up
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db


def _as(person, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    sign_in(client, person)
    return client


def test_my_page_shows_a_chart_per_measure_and_my_consent(cast):
    measured(cast.day, cast.resident)
    later = make_health_day(cast.street.partner, title="九洲健康检测日（二）")
    measured(
        later,
        cast.resident,
        [
            {"measure": "systolic", "value": "135", "unit": "mmHg"},
            {"measure": "diastolic", "value": "85", "unit": "mmHg"},
        ],
    )

    page = _as(cast.resident, "zh-hans").get(reverse("health:mine")).content.decode()

    assert 'data-testid="chart-systolic"' in page and 'data-testid="chart-glucose"' in page
    assert "<polyline" in page  # two systolic readings make a line
    assert "最近一次 135 mmHg" in page
    assert "撤回我的知情同意" in page


def test_the_staff_records_consent_and_readings_through_the_page(cast):
    sign_up(cast.day, cast.resident)
    staff = _as(cast.staff)

    consented = staff.post(reverse("health:consent_record", args=[cast.day.pk]), {"person": cast.resident.pk})
    saved = staff.post(
        reverse("health:record", args=[cast.day.pk]),
        {"person": cast.resident.pk, "systolic": "128", "diastolic": "80", "glucose": "", "uric_acid": "402"},
    )

    assert (consented.status_code, saved.status_code) == (302, 302)
    assert HealthCheck.objects.get().values() == {"systolic": 128, "diastolic": 80, "uric_acid": 402}
    roster = staff.get(reverse("health:activity", args=[cast.day.pk])).content.decode()
    assert "1 person-time measured" in roster and "128" not in roster


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Blood sugar must be from 1.0 to 35.0 mmol/L"), ("zh-hans", "血糖应在 1.0 到 35.0 mmol/L 之间")],
)
def test_a_bad_reading_comes_back_with_its_message_and_nothing_is_stored(cast, language, message):
    sign_up(cast.day, cast.resident)
    HealthConsent.objects.create(person=cast.resident, partner=cast.street.partner, partner_path=cast.day.host_path)

    response = _as(cast.staff, language).post(
        reverse("health:record", args=[cast.day.pk]),
        {"person": cast.resident.pk, "systolic": "128", "diastolic": "80", "glucose": "108"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="108"' in page
    assert HealthCheck.objects.count() == 0


def test_staff_reading_a_residents_values_is_audited_and_others_get_404(cast):
    check = measured(cast.day, cast.resident)
    url = reverse("health:detail", args=[check.pk])

    staff_page = _as(cast.staff).get(url)
    own_page = _as(cast.resident).get(url)

    assert staff_page.status_code == own_page.status_code == 200
    assert "5.6 mmol/L" in staff_page.content.decode()
    assert AuditEvent.objects.filter(verb="health.check_viewed", actor_person_id=cast.staff.pk).count() == 1
    assert AuditEvent.objects.filter(verb="health.check_viewed").count() == 1
    for who in (cast.worker, cast.street_admin, cast.neighbour, cast.outsider):
        assert _as(who).get(url).status_code == 404


def test_the_resident_withdraws_through_the_page(cast):
    measured(cast.day, cast.resident)
    standing = HealthConsent.objects.get()

    response = _as(cast.resident).post(reverse("health:consent_withdraw", args=[standing.pk]))

    assert response.status_code == 302
    standing.refresh_from_db()
    assert standing.withdrawn_at is not None


def test_the_activity_page_links_its_health_staff_to_the_roster(cast):
    page = _as(cast.staff).get(reverse("activities:detail", args=[cast.day.pk])).content.decode()

    assert reverse("health:activity", args=[cast.day.pk]) in page


@pytest.mark.parametrize("days", [1, 6])
def test_pages_take_the_same_queries_at_two_sizes(cast, django_assert_max_num_queries, days):
    people = [cast.resident, cast.neighbour, cast.cuiyu_resident][: 1 if days == 1 else 3]
    for i in range(days):
        day = cast.day if i == 0 else make_health_day(cast.street.partner, title=f"检测日{i}")
        for person in people if i == 0 else [cast.resident]:
            measured(day, person)
    resident, staff = _as(cast.resident), _as(cast.staff)

    with django_assert_max_num_queries(14):
        assert resident.get(reverse("health:mine")).status_code == 200
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("health:mine")).status_code == 200
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("health:activity", args=[cast.day.pk])).status_code == 200
