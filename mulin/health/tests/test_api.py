"""/api/v1/health-checks/ and /health-consents/: a reading out of range or in another unit → 400
and nothing stored; the community worker and the street administrator cannot read a resident's
readings (404), the resident can; staff reads audited; lists at two sizes in constant queries."""

from __future__ import annotations

import pytest

from mulin.core.models import AuditEvent
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.tests.factories import READINGS, consent, make_health_day, measured, sign_up

pytestmark = pytest.mark.django_db
CHECKS, CONSENTS = "/api/v1/health-checks/", "/api/v1/health-consents/"


@pytest.fixture
def as_(api_client):  # type: ignore[no-untyped-def]
    def login(person):  # type: ignore[no-untyped-def]
        api_client.force_authenticate(person.user)
        return api_client

    return login


def _body(cast, readings):  # type: ignore[no-untyped-def]
    return {"activity": cast.day.pk, "person": cast.resident.pk, "measurements": readings}


def test_measures_are_listable_with_units_and_ranges(cast, as_):
    measures = as_(cast.resident).get(f"{CHECKS}measures/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert [(m["code"], m["unit"]) for m in measures] == [
        ("systolic", "mmHg"),
        ("diastolic", "mmHg"),
        ("glucose", "mmol/L"),
        ("uric_acid", "µmol/L"),
        ("bone_density", "T-score"),
    ]
    assert measures[2] == {"code": "glucose", "name": "Blood sugar", "unit": "mmol/L", "low": "1.0", "high": "35.0"}


def test_staff_records_consent_then_readings(cast, as_):
    sign_up(cast.day, cast.resident)
    api = as_(cast.staff)

    given = api.post(CONSENTS, {"activity": cast.day.pk, "person": cast.resident.pk, "form_reference": "JZ-7"})
    recorded = api.post(CHECKS, _body(cast, READINGS), format="json")

    assert given.status_code == 201 and given.json()["standing"] is True
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["readings"] == [
        {"measure": "systolic", "value": "128.0", "unit": "mmHg"},
        {"measure": "diastolic", "value": "82.0", "unit": "mmHg"},
        {"measure": "glucose", "value": "5.6", "unit": "mmol/L"},
    ]


@pytest.mark.parametrize(
    ("reading", "language", "message"),
    [
        ({"measure": "glucose", "value": "120", "unit": "mmol/L"}, "en", "Blood sugar must be from 1.0 to 35.0 mmol/L"),
        ({"measure": "glucose", "value": "5.6", "unit": "mg/dL"}, "en", "Blood sugar is recorded in mmol/L, not “mg"),
        ({"measure": "glucose", "value": "120", "unit": "mmol/L"}, "zh-hans", "血糖"),
        ({"measure": "glucose", "value": "5.6", "unit": "mg/dL"}, "zh-hans", "mmol/L"),
    ],
)
def test_a_value_out_of_range_or_in_the_wrong_unit_is_400_and_nothing_is_stored(cast, as_, reading, language, message):
    consent(cast.day, cast.resident)
    audit_before = AuditEvent.objects.count()

    response = as_(cast.staff).post(CHECKS, _body(cast, [reading]), format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert message in response.json()["errors"]["glucose"][0]
    assert HealthCheck.objects.count() == 0
    assert AuditEvent.objects.exclude(verb="access.refused").count() == audit_before


def test_recording_needs_the_hosting_partners_staff_and_a_consent(cast, as_):
    sign_up(cast.day, cast.resident)

    no_consent = as_(cast.staff).post(CHECKS, _body(cast, READINGS), format="json")
    other_partner = as_(cast.other_staff).post(CHECKS, _body(cast, READINGS), format="json")
    not_there = as_(cast.staff).post(
        CONSENTS, {"activity": cast.day.pk, "person": cast.outsider.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    outsider = as_(cast.outsider).post(CHECKS, _body(cast, READINGS), format="json")

    assert (no_consent.status_code, other_partner.status_code, not_there.status_code) == (400, 403, 400)
    assert outsider.status_code == 404  # another street: the day itself is not theirs to see
    assert "place" in not_there.json()["errors"]["person"][0]
    assert (HealthCheck.objects.count(), HealthConsent.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [("resident", 200), ("staff", 200), ("worker", 404), ("street_admin", 404), ("neighbour", 404), ("outsider", 404)],
)
def test_who_reads_a_residents_readings(cast, as_, who, status):
    check = measured(cast.day, cast.resident)
    audit_before = AuditEvent.objects.filter(verb="health.check_viewed").count()

    response = as_(getattr(cast, who)).get(f"{CHECKS}{check.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["readings"][2] == {"measure": "glucose", "value": "5.6", "unit": "mmol/L"}
    audited = AuditEvent.objects.filter(verb="health.check_viewed").count() - audit_before
    assert audited == (1 if who == "staff" else 0)


def test_my_list_shows_only_my_readings_and_staff_get_none_of_others(cast, as_):
    mine = measured(cast.day, cast.resident)
    measured(cast.day, cast.neighbour)

    own = as_(cast.resident).get(CHECKS).json()
    staff = as_(cast.staff).get(CHECKS).json()
    worker = as_(cast.worker).get(CHECKS).json()

    assert [c["id"] for c in own["results"]] == [mine.pk]
    assert staff["results"] == worker["results"] == []


def test_the_roster_shows_consent_and_counts_never_values(cast, as_):
    measured(cast.day, cast.resident)
    sign_up(cast.day, cast.neighbour)

    roster = as_(cast.staff).get(f"{CHECKS}activities/{cast.day.pk}/").json()

    assert roster["person_times"] == 1
    assert sorted((p["name"], p["has_consent"], p["readings"]) for p in roster["people"]) == [
        ("李大爷", False, 0),
        ("王秀英", True, 1),
    ]
    assert "128" not in str(roster)
    assert as_(cast.worker).get(f"{CHECKS}activities/{cast.day.pk}/").status_code == 403
    assert as_(cast.outsider).get(f"{CHECKS}activities/{cast.day.pk}/").status_code == 404


def test_the_resident_withdraws_their_consent_and_staff_then_get_404(cast, as_):
    check = measured(cast.day, cast.resident)
    standing = HealthConsent.objects.get()

    withdrawn = as_(cast.resident).post(f"{CONSENTS}{standing.pk}/withdraw/")
    again = as_(cast.resident).post(f"{CONSENTS}{standing.pk}/withdraw/")
    by_worker = as_(cast.worker).post(f"{CONSENTS}{standing.pk}/withdraw/")

    assert (withdrawn.status_code, again.status_code, by_worker.status_code) == (200, 409, 404)
    assert withdrawn.json()["standing"] is False
    assert as_(cast.staff).get(f"{CHECKS}{check.pk}/").status_code == 404
    assert as_(cast.resident).get(f"{CHECKS}{check.pk}/").status_code == 200
    assert [c["standing"] for c in as_(cast.resident).get(CONSENTS).json()["results"]] == [False]


@pytest.mark.parametrize("days", [1, 6])
def test_my_list_and_the_roster_take_the_same_queries_at_two_sizes(cast, as_, django_assert_max_num_queries, days):
    for i in range(days):
        day = cast.day if i == 0 else make_health_day(cast.street.partner, title=f"检测日{i}")
        measured(day, cast.resident)
        for person in (cast.neighbour, cast.cuiyu_resident) if i == 0 else ():
            measured(day, person)
    resident, staff = as_(cast.resident), None

    with django_assert_max_num_queries(8):
        assert len(resident.get(CHECKS).json()["results"]) == days
    with django_assert_max_num_queries(8):
        assert len(resident.get(CONSENTS).json()["results"]) == 1
    staff = as_(cast.staff)
    with django_assert_max_num_queries(9):
        assert len(staff.get(f"{CHECKS}activities/{cast.day.pk}/").json()["people"]) == 3
