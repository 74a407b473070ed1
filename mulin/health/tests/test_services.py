"""Recording consent and readings, withdrawing, and who reads what: readings out of range or in
another unit are refused whole and nothing is stored; values are encrypted at rest and never in
an audit row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.permissions import access_health_check_by_id
from mulin.health.services import health_check_read, health_check_record, health_consent_record, health_consent_withdraw
from mulin.health.tests.factories import READINGS, consent, measured, sign_up
from mulin.organizations.tests.factories import actor

pytestmark = pytest.mark.django_db


def _nothing_stored() -> tuple[int, int]:
    return HealthCheck.objects.count(), AuditEvent.objects.filter(verb="health.check_recorded").count()


def _record(cast, readings, *, person=None, by=None):  # type: ignore[no-untyped-def]
    return health_check_record(
        actor=actor(by or cast.staff), activity=cast.day, person=person or cast.resident, measurements=readings
    )


def test_staff_records_readings_of_a_consenting_resident_encrypted_and_audited_without_values(cast):
    consent(cast.day, cast.resident)

    check = _record(cast, READINGS)

    assert check.values() == {"systolic": Decimal(128), "diastolic": Decimal(82), "glucose": Decimal("5.6")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT measurements FROM health_healthcheck WHERE id = %s", [check.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("v") and "128" not in raw and "glucose" not in raw
    row = AuditEvent.objects.get(verb="health.check_recorded")
    assert row.data == {"measures": ["diastolic", "glucose", "systolic"]}
    assert row.actor_person_id == cast.staff.pk


@pytest.mark.parametrize(
    ("readings", "field", "words"),
    [
        ([{"measure": "glucose", "value": "120", "unit": "mmol/L"}], "glucose", "1.0 to 35.0 mmol/L"),
        ([{"measure": "glucose", "value": "5.6", "unit": "mg/dL"}], "glucose", "recorded in mmol/L"),
        ([{"measure": "uric_acid", "value": "6", "unit": "mg/dL"}], "uric_acid", "recorded in µmol/L"),
        ([{"measure": "bone_density", "value": "-9", "unit": "T-score"}], "bone_density", "-6.0 to 4.0"),
        ([{"measure": "systolic", "value": "300", "unit": "mmHg"}], "systolic", "60 to 260 mmHg"),
        ([{"measure": "systolic", "value": "120", "unit": "mmHg"}], "diastolic", "needs both"),
        (
            [
                {"measure": "systolic", "value": "80", "unit": "mmHg"},
                {"measure": "diastolic", "value": "90", "unit": "mmHg"},
            ],
            "diastolic",
            "lower than the systolic",
        ),
        ([{"measure": "glucose", "value": "abc", "unit": "mmol/L"}], "glucose", "Enter a number"),
        ([{"measure": "glucose", "value": "NaN", "unit": "mmol/L"}], "glucose", "1.0 to 35.0"),
        ([{"measure": "weight", "value": "60", "unit": "kg"}], "measurements", "Unknown measure"),
        ([], "measurements", "at least one"),
        ([*READINGS, {"measure": "glucose", "value": "5.0", "unit": "mmol/L"}], "glucose", "once"),
        # one good and one bad reading: the good one is not kept either
        ([*READINGS[:2], {"measure": "glucose", "value": "0.2", "unit": "mmol/L"}], "glucose", "1.0 to 35.0"),
    ],
)
def test_a_reading_out_of_range_or_in_another_unit_is_refused_and_nothing_is_stored(cast, readings, field, words):
    consent(cast.day, cast.resident)
    before = _nothing_stored()

    with pytest.raises(ValidationError) as refused:
        _record(cast, readings)

    assert words in " ".join(refused.value.message_dict[field])
    assert _nothing_stored() == before


def test_uric_acid_in_micromoles_is_accepted_however_the_micro_sign_is_typed(cast):
    consent(cast.day, cast.resident)
    for unit in ("µmol/L", "μmol/L", "umol/L"):
        check = _record(cast, [{"measure": "uric_acid", "value": "380", "unit": unit}])
        assert check.values() == {"uric_acid": Decimal(380)}


def test_without_consent_or_a_place_nothing_is_recorded(cast):
    sign_up(cast.day, cast.neighbour)
    with pytest.raises(ValidationError) as no_consent:
        _record(cast, READINGS, person=cast.neighbour)
    with pytest.raises(ValidationError) as no_place:
        health_consent_record(actor=actor(cast.staff), activity=cast.day, person=cast.cuiyu_resident)

    assert "written consent" in no_consent.value.message_dict["person"][0]
    assert "place" in no_place.value.message_dict["person"][0]
    assert (HealthCheck.objects.count(), HealthConsent.objects.count()) == (0, 0)


@pytest.mark.parametrize("who", ["other_staff", "worker", "street_admin", "resident"])
def test_only_the_hosting_partners_staff_record(cast, who):
    consent(cast.day, cast.resident)

    with pytest.raises(PermissionDenied):
        _record(cast, READINGS, by=getattr(cast, who))
    with pytest.raises(PermissionDenied):
        health_consent_record(actor=actor(getattr(cast, who)), activity=cast.day, person=cast.resident)

    assert HealthCheck.objects.count() == 0


def test_consent_is_recorded_once(cast):
    first = consent(cast.day, cast.resident)
    again = health_consent_record(actor=actor(cast.staff), activity=cast.day, person=cast.resident)

    assert again.pk == first.pk
    assert AuditEvent.objects.filter(verb="health.consent_recorded").count() == 1


@pytest.mark.parametrize("who", ["worker", "street_admin", "neighbour", "other_staff", "outsider"])
def test_community_worker_street_admin_and_others_cannot_read_a_residents_values(cast, who):
    check = measured(cast.day, cast.resident)

    with pytest.raises(Http404):
        access_health_check_by_id(actor(getattr(cast, who)), check.pk)


def test_the_resident_reads_their_own_unaudited_and_the_staff_reads_audited(cast):
    check = measured(cast.day, cast.resident)

    own = health_check_read(actor=actor(cast.resident), check=access_health_check_by_id(actor(cast.resident), check.pk))
    assert AuditEvent.objects.filter(verb="health.check_viewed").count() == 0
    staff = health_check_read(actor=actor(cast.staff), check=access_health_check_by_id(actor(cast.staff), check.pk))

    assert own.values() == staff.values() == {"systolic": 128, "diastolic": 82, "glucose": Decimal("5.6")}
    row = AuditEvent.objects.get(verb="health.check_viewed")
    assert (row.actor_person_id, row.target_id, row.data) == (cast.staff.pk, str(check.pk), {})


def test_after_withdrawal_the_staff_neither_reads_nor_records_and_the_resident_still_reads(cast):
    check = measured(cast.day, cast.resident)
    standing = HealthConsent.objects.get()

    health_consent_withdraw(actor=actor(cast.resident), consent=standing)

    with pytest.raises(Http404):
        access_health_check_by_id(actor(cast.staff), check.pk)
    assert access_health_check_by_id(actor(cast.resident), check.pk) == check
    with pytest.raises(ValidationError):
        _record(cast, READINGS)
    with pytest.raises(StateConflict):
        health_consent_withdraw(actor=actor(cast.resident), consent=standing)
    assert HealthCheck.objects.count() == 1
    assert AuditEvent.objects.filter(verb="health.consent_withdrawn").count() == 1


def test_someone_else_cannot_withdraw_a_residents_consent(cast):
    standing = consent(cast.day, cast.resident)

    with pytest.raises(PermissionDenied):
        health_consent_withdraw(actor=actor(cast.worker), consent=standing)

    standing.refresh_from_db()
    assert standing.withdrawn_at is None
