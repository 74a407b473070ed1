"""Two of the pharmacy's staff recording the same resident's consent at the same moment on
PostgreSQL: one standing consent, both get it, one audit row."""

from __future__ import annotations

import pytest

from mulin.core.models import AuditEvent
from mulin.core.tests.threads import run_at_once
from mulin.health.models import HealthConsent
from mulin.health.services import health_consent_record
from mulin.health.tests.factories import make_health_day, sign_up
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import actor, make_person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_consent_recorded_twice_at_once_is_one_consent(street, reference_data):
    day = make_health_day(street.partner)
    resident = make_person(home=street.nanyuan_building, full_name="王秀英")
    sign_up(day, resident)
    staff = [
        make_person(home=street.cuiyu_building, role=Role.PARTNER_CONTACT, at=street.partner, full_name=f"药师{i}")
        for i in range(4)
    ]

    results = run_at_once(
        [lambda who=who: health_consent_record(actor=actor(who), activity=day, person=resident) for who in staff]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.pk for r in results}) == 1
    assert HealthConsent.objects.filter(person=resident, withdrawn_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(verb="health.consent_recorded").count() == 1
