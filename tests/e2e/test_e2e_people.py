"""People pages in a phone browser: scoping ("not yours" looks like "does not exist") and the audited
"show in full" of a masked phone number."""

from __future__ import annotations

import re

import pytest

from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import subtree_q

pytestmark = pytest.mark.e2e
CUIYU_WORKER = "13800000008"


def _someone_in(community: str) -> Person:
    unit = OrgUnit.objects.get(kind=OrgUnit.Kind.COMMUNITY, name=community)
    return (
        Person.objects.filter(subtree_q("home_unit__path", unit.path), user__isnull=True)
        .exclude(phone_index=None)
        .order_by("pk")
        .first()
    )


def _page_text_without_reference(page) -> str:  # type: ignore[no-untyped-def]
    """The 404 page shows a per-request reference; everything else must be identical."""
    return re.sub(r"\n.*[0-9a-f]{8,}.*", "", page.inner_text("main"))


def test_cuiyu_community_worker_gets_the_not_found_page_for_a_nanyuan_person(demo_street, page, sign_in):  # type: ignore[no-untyped-def]
    nanyuan_person = _someone_in("南苑社区")
    sign_in(page, CUIYU_WORKER)

    response = page.goto(f"/org/people/{nanyuan_person.pk}/")
    assert response.status == 404
    assert nanyuan_person.full_name not in page.content()
    not_yours = _page_text_without_reference(page)

    missing = page.goto(f"/org/people/{Person.objects.order_by('-pk').first().pk + 1000}/")
    assert missing.status == 404
    assert _page_text_without_reference(page) == not_yours, "'not yours' must look exactly like 'does not exist'"


def test_community_worker_reveals_a_phone_number_in_full_on_a_person_page(demo_street, page, sign_in):  # type: ignore[no-untyped-def]
    cuiyu_person = _someone_in("翠玉社区")
    sign_in(page, CUIYU_WORKER)
    page.goto(f"/org/people/{cuiyu_person.pk}/")
    assert page.inner_text("[data-testid=person-name]") == cuiyu_person.full_name
    masked = page.inner_text("[data-testid=field-phone]")
    assert cuiyu_person.phone not in masked
    reveals_before = AuditEvent.objects.filter(verb="person.revealed").count()

    page.click("[data-testid=reveal-phone]")  # htmx swaps the masked value for the full one

    page.wait_for_selector("[data-testid=field-phone] strong")
    assert page.inner_text("[data-testid=field-phone]").strip() == cuiyu_person.phone
    assert page.locator("[data-testid=reveal-phone]").count() == 0
    assert AuditEvent.objects.filter(verb="person.revealed").count() == reveals_before + 1
    assert cuiyu_person.phone not in page.inner_text("[data-testid=field-id_number]")
