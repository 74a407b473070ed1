"""The points ledger: credits once, corrections as new rows, the database refuses edits,
balances keep the assessment score apart, and yearly certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from mulin.core.exceptions import ApplicationError
from mulin.core.models import AuditEvent
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import actor, make_person
from mulin.points.ledger_guard import ledger_guard_install, ledger_guard_remove
from mulin.points.models import Account, LedgerEntry, PointRule, ServiceCertificate
from mulin.points.selectors import points_balance
from mulin.points.services import certificate_issue, points_award, points_correct, rule_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(street):  # type: ignore[no-untyped-def]
    from mulin.points.defaults import ensure_default_rules

    ensure_default_rules(PointRule)  # emptied by transaction=True tests that ran before
    s = street
    return {
        "member": make_person(
            home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True, full_name="汪孙聚"
        ),
        "resident": make_person(home=s.nanyuan_building, with_account=True, full_name="王秀英"),
        "secretary": make_person(
            home=s.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=s.nanyuan, with_account=True
        ),
        "cuiyu_secretary": make_person(
            home=s.cuiyu_building, role=Role.COMMUNITY_SECRETARY, at=s.cuiyu, with_account=True
        ),
        "admin": make_person(home=s.nanyuan_building, role=Role.STREET_ADMIN, at=s.street, with_account=True),
        "street": s,
    }


def _award(people, *, source=None, hours=Decimal("2.5"), when=None):  # type: ignore[no-untyped-def]
    return points_award(
        event="wishes.closed",
        person=people["member"],
        source=source or people["street"].nanyuan,  # any row stands in for the source here
        occurred_at=when or timezone.now(),
        scope_path=people["street"].nanyuan.path,
        hours=hours,
        label="帮忙修水龙头",
    )


def test_an_event_credits_every_active_rule_once(people):
    first = _award(people)
    again = _award(people)

    assert sorted((e.account, e.points, e.hours) for e in first) == [
        ("assessment", Decimal(2), Decimal(0)),
        ("service", Decimal(10), Decimal("2.5")),
    ]
    assert again == []
    assert LedgerEntry.objects.count() == 2


def test_the_database_refuses_a_second_credit_for_the_same_source_and_rule(people):
    entry = _award(people)[0]

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            person=entry.person,
            account=entry.account,
            kind="credit",
            points=entry.points,
            rule=entry.rule,
            source_type=entry.source_type,
            source_id=entry.source_id,
        )


def test_hours_from_the_source_are_capped_by_the_rule(people):
    entries = _award(people, hours=Decimal(30))

    assert next(e for e in entries if e.account == "service").hours == Decimal(8)


def test_inactive_rules_and_non_members_earn_nothing_on_the_assessment_account(people):
    PointRule.objects.filter(code="wish-fulfilled").update(is_active=False)
    entries = points_award(
        event="wishes.closed",
        person=people["resident"],
        source=people["street"].cuiyu,
        occurred_at=timezone.now(),
        scope_path="",
        hours=Decimal(1),
    )

    assert entries == []


def test_balance_keeps_the_assessment_score_apart_and_counts_the_year(people):
    _award(people, source=people["street"].nanyuan)
    _award(people, source=people["street"].cuiyu, when=timezone.now().replace(year=timezone.now().year - 1))

    balance = points_balance(people["member"])

    assert (balance.points, balance.hours, balance.assessment) == (Decimal(20), Decimal(5), Decimal(4))
    assert (balance.year_points, balance.year_hours, balance.year_assessment) == (
        Decimal(10),
        Decimal("2.5"),
        Decimal(2),
    )


def test_a_correction_is_a_new_entry_and_the_original_stays(people):
    service = next(e for e in _award(people) if e.account == "service")

    correction = points_correct(
        actor=actor(people["secretary"]), entry=service, points=Decimal(-4), hours=Decimal("-0.5"), reason="重复计时"
    )

    service.refresh_from_db()
    assert (service.points, service.hours) == (Decimal(10), Decimal("2.5"))
    assert (correction.kind, correction.corrects, correction.points, correction.hours) == (
        "correction",
        service,
        Decimal(-4),
        Decimal("-0.5"),
    )
    assert points_balance(people["member"]).points == Decimal(6)
    assert AuditEvent.objects.filter(verb="points.corrected").count() == 1


@pytest.mark.parametrize(
    ("points", "hours", "reason"),
    [(Decimal(-11), Decimal(0), "太多"), (Decimal(0), Decimal(0), "无变化"), (Decimal(1), Decimal(0), " ")],
)
def test_bad_corrections_change_nothing(people, points, hours, reason):
    service = next(e for e in _award(people) if e.account == "service")

    with pytest.raises(ValidationError):
        points_correct(actor=actor(people["secretary"]), entry=service, points=points, hours=hours, reason=reason)

    assert LedgerEntry.objects.count() == 2


def test_corrections_are_made_where_the_service_was_given(people):
    service = next(e for e in _award(people) if e.account == "service")

    for who in ("cuiyu_secretary", "member", "resident"):
        with pytest.raises(PermissionDenied):
            points_correct(actor=actor(people[who]), entry=service, points=Decimal(-1), hours=Decimal(0), reason="x")
    points_correct(actor=actor(people["admin"]), entry=service, points=Decimal(-1), hours=Decimal(0), reason="x")

    assert LedgerEntry.objects.filter(kind="correction").count() == 1


def test_only_street_level_staff_change_rules_and_booked_entries_keep_their_amounts(people):
    _award(people)
    rule = PointRule.objects.get(code="wish-fulfilled")

    with pytest.raises(PermissionDenied):
        rule_update(actor=actor(people["secretary"]), rule=rule, points=Decimal(50))
    rule_update(actor=actor(people["admin"]), rule=rule, points=Decimal(50))

    assert LedgerEntry.objects.get(account="service").points == Decimal(10)
    assert PointRule.objects.get(code="wish-fulfilled").points == Decimal(50)


@pytest.mark.parametrize("statement", ["UPDATE points_ledgerentry SET points = 99", "DELETE FROM points_ledgerentry"])
def test_the_database_refuses_to_change_or_delete_entries(people, statement):
    _award(people)
    ledger_guard_install(connection)
    try:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        ledger_guard_remove(connection)

    assert sorted(LedgerEntry.objects.values_list("points", flat=True)) == [Decimal(2), Decimal(10)]


def test_the_guard_still_lets_corrections_in(people):
    service = next(e for e in _award(people) if e.account == "service")
    ledger_guard_install(connection)
    try:
        points_correct(actor=actor(people["admin"]), entry=service, points=Decimal(-1), hours=Decimal(0), reason="x")
    finally:
        ledger_guard_remove(connection)

    assert LedgerEntry.objects.count() == 3


# --- certificates ---------------------------------------------------------------------------------


def test_certificate_states_the_years_hours_and_is_idempotent(people):
    _award(people)
    year = timezone.localdate().year

    first = certificate_issue(actor=actor(people["member"]), person=people["member"], year=year)
    again = certificate_issue(actor=actor(people["member"]), person=people["member"], year=year)

    assert first == again
    assert (first.hours, first.points, first.services_count, first.issuer_name) == (
        Decimal("2.5"),
        Decimal(10),
        1,
        "大关街道",
    )
    assert first.number.startswith(f"ZY{year}-")


def test_more_service_supersedes_the_certificate_with_a_new_number(people):
    _award(people)
    year = timezone.localdate().year
    first = certificate_issue(actor=actor(people["member"]), person=people["member"], year=year)
    _award(people, source=people["street"].cuiyu)

    second = certificate_issue(actor=actor(people["member"]), person=people["member"], year=year)

    first.refresh_from_db()
    assert second.number != first.number
    assert first.superseded_at is not None
    assert second.hours == Decimal(5)


def test_no_certificate_without_service_or_for_others(people):
    year = timezone.localdate().year
    with pytest.raises(ApplicationError):
        certificate_issue(actor=actor(people["resident"]), person=people["resident"], year=year)
    _award(people)
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=actor(people["resident"]), person=people["member"], year=year)
    with pytest.raises(ApplicationError):
        certificate_issue(actor=actor(people["member"]), person=people["member"], year=year + 1)

    assert ServiceCertificate.objects.count() == 0


def test_verify_page_is_public_and_shows_only_the_masked_name(people, client):
    _award(people)
    certificate = certificate_issue(
        actor=actor(people["member"]), person=people["member"], year=timezone.localdate().year
    )

    page = client.get(reverse("points:verify"), {"number": certificate.number.lower()}, HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(reverse("points:verify"), {"number": "ZY2020-AAAA-AAAA"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "汪**" in text
    assert "汪孙聚" not in text
    assert "genuine" in text or "真实" in text
    assert missing.context["certificate"] is None


def test_certificate_page_is_for_the_holder_and_points_staff(people, client):
    _award(people)
    certificate = certificate_issue(
        actor=actor(people["member"]), person=people["member"], year=timezone.localdate().year
    )
    url = reverse("points:certificate", args=[certificate.number])

    client.force_login(people["member"].user)
    page = client.get(url)
    assert page.status_code == 200
    assert "汪孙聚" in page.content.decode()
    assert "data-print" in page.content.decode()
    client.force_login(people["secretary"].user)
    assert client.get(url).status_code == 200
    client.force_login(people["resident"].user)
    assert client.get(url).status_code == 404
    client.force_login(people["cuiyu_secretary"].user)
    assert client.get(url).status_code == 404


# --- pages ----------------------------------------------------------------------------------------


def test_my_points_page_shows_balance_history_and_issues_a_certificate(people, client):
    _award(people)
    year = timezone.localdate().year
    client.force_login(people["member"].user)

    page = client.get(reverse("points:mine"))
    assert page.context["balance"].points == Decimal(10)
    assert len(page.context["entries"]) == 2
    assert page.context["years"] == [year]
    response = client.post(reverse("points:certificate_issue", args=[year]))

    assert response.status_code == 302
    assert ServiceCertificate.objects.get().person == people["member"]


def test_history_pages_by_keyset(people, client):
    for i in range(30):
        points_award(
            event="wishes.closed",
            person=people["member"],
            source=make_person(home=people["street"].nanyuan_building),
            occurred_at=timezone.now() - dt.timedelta(days=i),
            scope_path=people["street"].nanyuan.path,
        )
    client.force_login(people["member"].user)

    first = client.get(reverse("points:mine"))
    more = client.get(reverse("points:mine"), {"before": first.context["next_before"]}, HTTP_HX_REQUEST="true")

    assert len(first.context["entries"]) == 25
    assert len(more.context["entries"]) == 25
    assert more.templates[0].name == "points/_entries.html"


def test_staff_correct_through_the_page(people, client):
    service = next(e for e in _award(people) if e.account == "service")
    client.force_login(people["secretary"].user)

    page = client.get(reverse("points:person", args=[people["member"].pk]))
    assert service.pk in page.context["correctable"]
    client.post(reverse("points:correct", args=[service.pk]), {"points": "-2", "hours": "0", "reason": "计错"})

    assert points_balance(people["member"]).points == Decimal(8)
    client.force_login(people["cuiyu_secretary"].user)
    assert client.get(reverse("points:person", args=[people["member"].pk])).status_code == 404
    assert (
        client.post(
            reverse("points:correct", args=[service.pk]), {"points": "-2", "hours": "0", "reason": "计错"}
        ).status_code
        == 404
    )


def test_rules_page_is_for_the_street_admin(people, client):
    rule = PointRule.objects.get(code="wish-fulfilled")
    client.force_login(people["secretary"].user)
    assert client.get(reverse("points:rules")).status_code == 403

    client.force_login(people["admin"].user)
    assert client.get(reverse("points:rules")).status_code == 200
    client.post(
        reverse("points:rule_update", args=[rule.pk]),
        {
            f"rule{rule.pk}-points": "12",
            f"rule{rule.pk}-hours": "0",
            f"rule{rule.pk}-max_hours": "6",
            f"rule{rule.pk}-is_active": "on",
        },
    )
    rule.refresh_from_db()
    assert (rule.points, rule.max_hours) == (Decimal(12), Decimal(6))
    assert rule.account == Account.SERVICE
