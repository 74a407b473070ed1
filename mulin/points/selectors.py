"""Reads of the ledger: balances, history, years of service, rules and certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mulin.organizations.models import Person
from mulin.points.models import Account, LedgerEntry, PointRule, ServiceCertificate

ZERO = Decimal(0)


@dataclass(frozen=True)
class Balance:
    """A person's totals: all time and for one year, service points and hours apart from the
    assessment score."""

    points: Decimal
    hours: Decimal
    assessment: Decimal
    year: int
    year_points: Decimal
    year_hours: Decimal
    year_assessment: Decimal


@dataclass(frozen=True)
class YearTotals:
    year: int
    points: Decimal
    hours: Decimal
    services: int


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of `year` and of the next one, in the street's time zone."""
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def points_balance(person: Person, *, year: int | None = None) -> Balance:
    """Totals for `person` in one query: all time and for `year` (default: this year)."""
    year = year or timezone.localdate().year
    start, end = year_bounds(year)
    in_year = Q(occurred_at__gte=start, occurred_at__lt=end)
    service, assessment = Q(account=Account.SERVICE), Q(account=Account.ASSESSMENT)
    # Aggregate names must differ from the columns they sum.
    totals = LedgerEntry.objects.filter(person=person).aggregate(
        total_points=Sum("points", filter=service),
        total_hours=Sum("hours", filter=service),
        total_assessment=Sum("points", filter=assessment),
        total_year_points=Sum("points", filter=service & in_year),
        total_year_hours=Sum("hours", filter=service & in_year),
        total_year_assessment=Sum("points", filter=assessment & in_year),
    )
    return Balance(year=year, **{key.removeprefix("total_"): value or ZERO for key, value in totals.items()})


def year_totals(person: Person, year: int) -> YearTotals:
    """Service hours, points and the number of services credited for `year` (corrections included)."""
    start, end = year_bounds(year)
    totals = LedgerEntry.objects.filter(
        person=person, account=Account.SERVICE, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(
        total_points=Sum("points"),
        total_hours=Sum("hours"),
        services=Count("pk", filter=Q(kind=LedgerEntry.Kind.CREDIT)),
    )
    return YearTotals(year, totals["total_points"] or ZERO, totals["total_hours"] or ZERO, totals["services"] or 0)


def ledger_history(person: Person, *, before: int | None = None, limit: int = 25) -> list[LedgerEntry]:
    """The person's entries, newest first, a page at a time (keyset on id: no COUNT, no OFFSET)."""
    entries = LedgerEntry.objects.filter(person=person).select_related("rule", "corrects", "corrects__rule")
    if before is not None:
        entries = entries.filter(pk__lt=before)
    return list(entries.order_by("-id")[:limit])


def ledger_years(person: Person) -> list[int]:
    """Years in which the person has service on record, newest first."""
    moments = (
        LedgerEntry.objects.filter(person=person, account=Account.SERVICE)
        .datetimes("occurred_at", "year", order="DESC")
        .distinct()
    )
    return [moment.year for moment in moments]


def certificate_list_for(person: Person) -> QuerySet[ServiceCertificate]:
    return ServiceCertificate.objects.filter(person=person, superseded_at__isnull=True).order_by("-year")


def certificate_get_by_number(number: str) -> ServiceCertificate | None:
    """The certificate with this number, for the public verify page (no permission needed)."""
    cleaned = number.strip().upper()[:32]
    if not cleaned:
        return None
    return ServiceCertificate.objects.select_related("person").filter(number=cleaned).first()


def rule_list() -> QuerySet[PointRule]:
    return PointRule.objects.order_by("event", "code")


def rules_for_event(event: str) -> list[PointRule]:
    return list(PointRule.objects.filter(event=event, is_active=True).order_by("code"))
