"""Point events are declared by the apps that report them: unknown events are refused, and the
starting rules come from the declarations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from mulin.organizations.tests.factories import make_person
from mulin.points import events
from mulin.points.defaults import ensure_default_rules
from mulin.points.models import LedgerEntry, PointRule
from mulin.points.services import points_award

pytestmark = pytest.mark.django_db


def test_an_event_nobody_declared_is_refused_and_credits_nothing(street):
    person = make_person(home=street.nanyuan_building)

    with pytest.raises(ValueError, match=r"Unknown point event 'wish\.closed'"):
        points_award(
            event="wish.closed",  # the old name
            person=person,
            source=street.nanyuan,
            occurred_at=timezone.now(),
            scope_path=street.nanyuan.path,
        )

    assert LedgerEntry.objects.count() == 0


def test_the_wish_event_is_declared_by_the_wishes_app_with_its_rules():
    closed = events.get("wishes.closed")

    assert [rule.code for rule in closed.default_rules] == ["wish-fulfilled", "wish-fulfilled-assessment"]
    assert "wishes.closed" in [event.key for event in events.all_events()]


def test_default_rules_come_from_the_declared_events_and_keep_changed_amounts():
    PointRule.objects.all().delete()
    ensure_default_rules(PointRule, events=["wishes.closed"])
    PointRule.objects.filter(code="wish-fulfilled").update(points=Decimal(12))

    ensure_default_rules(PointRule)

    assert sorted(PointRule.objects.filter(event="wishes.closed").values_list("code", "event", "points")) == [
        ("wish-fulfilled", "wishes.closed", Decimal(12)),
        ("wish-fulfilled-assessment", "wishes.closed", Decimal(2)),
    ]


def test_two_events_cannot_claim_the_same_rule_code():
    clash = events.PointEvent(
        key="tests.clashed",
        label="clash",
        default_rules=(events.DefaultRule("wish-fulfilled", "service", "冲突", "Clash", Decimal(1)),),
    )

    with pytest.raises(ValueError, match="already used"):
        events.register(clash)
    assert not events.is_registered("tests.clashed")


def test_the_stored_rules_of_the_migrated_database_use_the_new_name():
    # Migrations ran for the test database: points.0003 wrote "wish.closed", wishes.0003 renamed it.
    assert "wish.closed" not in set(PointRule.objects.values_list("event", flat=True))
    assert not PointRule.objects.filter(event="wish.closed").exists()
