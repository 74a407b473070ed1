"""The escalation ladder: told once per stage, however often the hourly job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mulin.core.schedule import jobs
from mulin.notifications.models import Notification
from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishEvent
from mulin.wishes.services import wish_claim, wish_escalate_due, wish_release
from mulin.wishes.tests.factories import make_wish

pytestmark = pytest.mark.django_db
S = Wish.Status


def _later(days: float):  # type: ignore[no-untyped-def]
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def _told(kind: str, person) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(kind=kind, recipient=person).count()


def test_escalation_and_reconcile_are_scheduled():
    names = {job.name: job.every for job in jobs()}

    assert names["wishes.escalate"] == timedelta(hours=1)
    assert names["wishes.reconcile_rollup"] == timedelta(days=1)


def test_unclaimed_for_three_days_tells_the_community_secretary_once(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    with _later(2.9):
        assert wish_escalate_due().unclaimed_alerts == 0
    with _later(3.1):
        assert wish_escalate_due().unclaimed_alerts == 1
        assert wish_escalate_due().unclaimed_alerts == 0
    with _later(5):
        wish_escalate_due()

    assert _told("wishes.unclaimed", cast.nanyuan_secretary) == 1
    assert _told("wishes.unclaimed", cast.nanyuan_worker) == 0  # the secretary is there, so only them
    assert WishEvent.objects.filter(wish=wish, verb="unclaimed_alert").count() == 1


def test_settings_change_the_ladder(cast, settings):
    settings.MULIN_WISH_UNCLAIMED_ALERT_DAYS = 1
    make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)

    with _later(1.1):
        assert wish_escalate_due().unclaimed_alerts == 1


def test_a_released_wish_starts_a_new_unclaimed_clock(cast):
    wish = make_wish(wisher=cast.resident, status=S.PUBLISHED, moderator=cast.nanyuan_worker)
    with _later(3.1):
        wish_escalate_due()
        wish_claim(actor=actor(cast.member), wish=wish)
        wish_release(actor=actor(cast.member), wish=wish)
    with _later(5):
        assert wish_escalate_due().unclaimed_alerts == 0
    with _later(6.2):
        assert wish_escalate_due().unclaimed_alerts == 1

    assert _told("wishes.unclaimed", cast.nanyuan_secretary) == 2


def test_claimed_for_seven_days_reminds_the_claimant_once(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with _later(6.9):
        assert wish_escalate_due().reminders == 0
    with _later(7.1):
        assert wish_escalate_due().reminders == 1
    with _later(8):
        assert wish_escalate_due().reminders == 0

    assert _told("wishes.claim_reminder", cast.member) == 1
    wish.refresh_from_db()
    assert wish.status == S.CLAIMED


def test_claimed_for_fourteen_days_is_released_and_staff_are_told(cast):
    wish = make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with _later(7.5):
        wish_escalate_due()
    with _later(14.1):
        report = wish_escalate_due()
        assert wish_escalate_due().expired == 0

    assert report.expired == 1
    wish.refresh_from_db()
    assert (wish.status, wish.claimant, wish.claimant_name) == (S.PUBLISHED, None, "")
    assert _told("wishes.claim_expired", cast.member) == 1
    assert _told("wishes.claim_expired", cast.nanyuan_secretary) == 1
    assert _told("wishes.claim_expired", cast.nanyuan_worker) == 1
    assert _told("wishes.claim_reminder", cast.member) == 1
    assert list(wish.events.values_list("verb", flat=True))[-2:] == ["claim_reminder", "claim_expired"]


def test_a_claim_past_fourteen_days_is_released_without_a_pointless_reminder(cast):
    make_wish(wisher=cast.resident, status=S.CLAIMED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with _later(20):
        report = wish_escalate_due()

    assert (report.expired, report.reminders) == (1, 0)


def test_fulfilled_wishes_are_left_alone(cast):
    make_wish(wisher=cast.resident, status=S.FULFILLED, moderator=cast.nanyuan_worker, claimant=cast.member)

    with _later(30):
        report = wish_escalate_due()

    assert (report.unclaimed_alerts, report.reminders, report.expired) == (0, 0, 0)
