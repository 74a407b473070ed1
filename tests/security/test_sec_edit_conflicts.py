"""Concurrent edits lose no update: edit forms carry the record's version, and a save over a newer
version is refused with 409 and a clear message (mulin/core/concurrency.py, ADR 0009).
The threaded PostgreSQL versions are in test_sec_concurrency.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mulin.core.concurrency import version_token
from mulin.core.exceptions import StateConflict
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.services import person_update
from mulin.points.models import PointRule
from mulin.points.services import rule_update
from mulin.web.tests.cast import sign_in
from mulin.wishes.models import WishCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast, client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, cast.people["street_admin"])
    return client


def _rule_form(rule: PointRule, points: str, version: str) -> dict[str, str]:
    prefix = f"rule{rule.pk}"
    return {
        f"{prefix}-points": points,
        f"{prefix}-hours": "0",
        f"{prefix}-max_hours": "8",
        f"{prefix}-is_active": "on",
        f"{prefix}-version": version,
    }


def test_rules_page_carries_each_rules_version(admin_client):
    rule = PointRule.objects.get(code="wish-fulfilled")

    page = admin_client.get(reverse("points:rules")).content.decode()

    assert f'name="rule{rule.pk}-version" value="{version_token(rule)}"' in page


def test_rule_saved_from_a_stale_page_is_refused_with_409_and_the_newer_value_stays(cast, admin_client):
    rule = PointRule.objects.get(code="wish-fulfilled")
    stale = version_token(rule)
    admin_client.post(reverse("points:rule_update", args=[rule.pk]), _rule_form(rule, "15", stale))

    response = admin_client.post(reverse("points:rule_update", args=[rule.pk]), _rule_form(rule, "99", stale))

    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in response.content.decode()
    rule.refresh_from_db()
    assert rule.points == Decimal(15)


def test_rule_saved_from_a_fresh_page_is_saved(admin_client):
    rule = PointRule.objects.get(code="wish-fulfilled")

    response = admin_client.post(
        reverse("points:rule_update", args=[rule.pk]), _rule_form(rule, "12", version_token(rule))
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == Decimal(12)


def test_a_damaged_version_is_refused_and_nothing_changes(admin_client):
    rule = PointRule.objects.get(code="wish-fulfilled")
    before = rule.points

    response = admin_client.post(reverse("points:rule_update", args=[rule.pk]), _rule_form(rule, "77", "not-a-time"))

    assert response.status_code == 400
    rule.refresh_from_db()
    assert rule.points == before


def test_category_saved_from_a_stale_page_is_refused_with_409(cast, admin_client):
    category = WishCategory.objects.get(code="other")
    page = admin_client.get(reverse("wishes:categories")).content.decode()
    stale = re.search(rf'name="c{category.pk}-version" value="([^"]+)"', page).group(1)
    form = {
        f"c{category.pk}-name_zh_hans": "其他",
        f"c{category.pk}-name_en": "Other",
        f"c{category.pk}-default_hours": "2",
        f"c{category.pk}-order": "90",
        f"c{category.pk}-version": stale,
    }
    admin_client.post(reverse("wishes:category_edit", args=[category.pk]), {**form, f"c{category.pk}-name_en": "First"})

    response = admin_client.post(
        reverse("wishes:category_edit", args=[category.pk]), {**form, f"c{category.pk}-name_en": "Second"}
    )

    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()
    category.refresh_from_db()
    assert category.name_en == "First"


def test_person_update_over_a_newer_version_is_refused_and_writes_nothing(cast):
    person = cast.cuiyu_plain
    worker = actor_for_person(cast.people["worker_cuiyu"])
    stale = person.updated_at
    person_update(actor=worker, person=person, full_name="先改的名字")

    with pytest.raises(StateConflict) as refused:
        person_update(actor=worker, person=person, expected_version=stale, full_name="后改的名字")

    assert refused.value.status == 409
    person.refresh_from_db()
    assert person.full_name == "先改的名字"


def test_person_update_with_the_current_version_saves(cast):
    person = cast.cuiyu_plain
    worker = actor_for_person(cast.people["worker_cuiyu"])

    person_update(actor=worker, person=person, expected_version=person.updated_at, full_name="新名字")

    person.refresh_from_db()
    assert person.full_name == "新名字"


def test_rule_update_service_refuses_a_version_from_before_the_last_save(cast):
    rule = PointRule.objects.get(code="wish-fulfilled")
    admin = actor_for_person(cast.people["street_admin"])

    with pytest.raises(StateConflict):
        rule_update(
            actor=admin, rule=rule, expected_version=rule.updated_at - dt.timedelta(seconds=1), points=Decimal(1)
        )
