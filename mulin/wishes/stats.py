"""Wish statistics for communities and the street: the rollup that transitions keep current, its
reconciliation, and the selectors the dashboard reads (frozen dataclasses, a few queries whatever
the number of wishes).

Counting is by cohort: everything about a wish is counted in the month it was posted, in its
community. So for any period claimed ≤ published ≤ posted, and the counters only grow, which a
rebuild from the wishes' own timestamps can check exactly.

- fulfilment rate = fulfilled ÷ published (wishes that reached the wall and came true);
- days to claim = publication → first claim; days to fulfil = publication → fulfilment
  (how long a resident waits), medians over whole hours.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, parent_path, scope_q
from mulin.wishes.models import Wish, WishRollup

logger = logging.getLogger(__name__)
M = WishRollup.Metric
DURATION_METRICS = frozenset({M.CLAIM_HOURS, M.FULFIL_HOURS})
Cell = tuple[int, dt.date, str, int]  # community id, month, metric, bucket


def cohort_month(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def hours_between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds() // 3600), 0)


def rollup_bump(wish: Wish, metric: str, *, bucket: int = 0) -> None:
    """Add one to a counter of the wish's community and cohort month (inside the caller's
    transaction). Concurrency-safe: an F() increment, or an insert that falls back to it."""
    key = {
        "community_id": wish.community_id,
        "month": cohort_month(wish.created_at),
        "metric": metric,
        "bucket": bucket,
    }
    if WishRollup.objects.filter(**key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            WishRollup.objects.create(count=1, **key)
    except IntegrityError:  # another transaction inserted the cell first
        WishRollup.objects.filter(**key).update(count=F("count") + 1)


def _cells_of(row: dict) -> Iterable[tuple[str, int]]:
    yield M.POSTED, 0
    if row["published_at"] is not None:
        yield M.PUBLISHED, 0
    if row["status"] == Wish.Status.REJECTED:
        yield M.REJECTED, 0
    if row["status"] == Wish.Status.WITHDRAWN:
        yield M.WITHDRAWN, 0
    if row["first_claimed_at"] is not None:
        yield M.CLAIMED, 0
        hours = hours_between(row["published_at"], row["first_claimed_at"])
        if hours is not None:
            yield M.CLAIM_HOURS, hours
    if row["fulfilled_at"] is not None:
        yield M.FULFILLED, 0
        hours = hours_between(row["published_at"], row["fulfilled_at"])
        if hours is not None:
            yield M.FULFIL_HOURS, hours
    if row["closed_at"] is not None:
        yield M.CLOSED, 0


def _expected_cells(community_ids: list[int] | None) -> Counter[Cell]:
    rows = Wish.objects.all()
    if community_ids is not None:
        rows = rows.filter(community_id__in=community_ids)
    expected: Counter[Cell] = Counter()
    fields = ("community_id", "created_at", "status", "published_at", "first_claimed_at", "fulfilled_at", "closed_at")
    for row in rows.values(*fields).iterator(chunk_size=5000):
        month = cohort_month(row["created_at"])
        for metric, bucket in _cells_of(row):
            expected[(row["community_id"], month, metric, bucket)] += 1
    return expected


@dataclass(frozen=True)
class ReconcileReport:
    checked_cells: int
    wrong_cells: int
    fixed: bool

    @property
    def agrees(self) -> bool:
        return self.wrong_cells == 0


@transaction.atomic
def wish_rollup_reconcile(*, community_ids: list[int] | None = None, fix: bool = False) -> ReconcileReport:
    """Rebuild the counters from the wishes and compare; with `fix`, make the table agree.

    Runs nightly; a difference means a transition bypassed the services (a bug or a manual edit)
    and is logged.
    """
    expected = _expected_cells(community_ids)
    stored_rows = WishRollup.objects.all()
    if community_ids is not None:
        stored_rows = stored_rows.filter(community_id__in=community_ids)
    stored: dict[Cell, int] = {}
    stored_pk: dict[Cell, int] = {}
    for row in stored_rows.iterator():
        cell = (row.community_id, row.month, row.metric, row.bucket)
        stored[cell], stored_pk[cell] = row.count, row.pk
    wrong = {cell for cell in set(expected) | set(stored) if expected.get(cell, 0) != stored.get(cell, 0)}
    if wrong:
        logger.warning("Wish rollup differs from the wishes in %d cells.", len(wrong))
    if wrong and fix:
        # Delete the wrong stored cells by key in batches (not one DELETE per cell), then write them anew.
        doomed = sorted(stored_pk[cell] for cell in wrong if cell in stored_pk)
        for start in range(0, len(doomed), 500):
            WishRollup.objects.filter(pk__in=doomed[start : start + 500]).delete()
        WishRollup.objects.bulk_create(
            [
                WishRollup(community_id=c, month=m, metric=metric, bucket=b, count=expected[(c, m, metric, b)])
                for (c, m, metric, b) in wrong
                if expected.get((c, m, metric, b), 0) > 0
            ],
            batch_size=1000,
        )
    return ReconcileReport(len(set(expected) | set(stored)), len(wrong), bool(wrong and fix))


@dataclass(frozen=True)
class WishStats:
    """Wish figures of one unit (a community or the street) for a span of cohort months."""

    unit_id: int
    unit_name: str
    posted: int
    published: int
    claimed: int
    fulfilled: int
    closed: int
    rejected: int
    withdrawn: int
    fulfilment_rate: float | None
    median_days_to_claim: float | None
    median_days_to_fulfil: float | None


def _median_hours(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    ordered = sorted(histogram.items())

    def nth(n: int) -> int:  # 0-based
        seen = 0
        for bucket, count in ordered:
            seen += count
            if n < seen:
                return bucket
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _stats(unit: OrgUnit, counters: Counter[str], histograms: dict[str, dict[int, int]]) -> WishStats:
    def days(metric: str) -> float | None:
        hours = _median_hours(histograms.get(metric, {}))
        return None if hours is None else round(hours / 24, 1)

    published = counters[M.PUBLISHED]
    return WishStats(
        unit_id=unit.pk,
        unit_name=unit.name,
        posted=counters[M.POSTED],
        published=published,
        claimed=counters[M.CLAIMED],
        fulfilled=counters[M.FULFILLED],
        closed=counters[M.CLOSED],
        rejected=counters[M.REJECTED],
        withdrawn=counters[M.WITHDRAWN],
        fulfilment_rate=round(counters[M.FULFILLED] / published, 3) if published else None,
        median_days_to_claim=days(M.CLAIM_HOURS),
        median_days_to_fulfil=days(M.FULFIL_HOURS),
    )


def wish_stats(actor: Actor, *, start: dt.date, end: dt.date) -> tuple[WishStats | None, list[WishStats]]:
    """Figures for each community the actor moderates and for all of them together, for wishes
    posted in the months from `start` to `end` (inclusive). Three queries, whatever the data size:
    communities, counters, duration histograms (all from the rollup)."""
    communities = list(
        OrgUnit.objects.filter(scope_q(actor, Capability.WISH_MODERATE, "path"), kind=OrgUnit.Kind.COMMUNITY).order_by(
            "path"
        )
    )
    if not communities:
        return None, []
    cells = WishRollup.objects.filter(
        community__in=communities, month__gte=start.replace(day=1), month__lte=end.replace(day=1)
    )
    counters: dict[int, Counter[str]] = {c.pk: Counter() for c in communities}
    for community_id, metric, total in (
        cells.exclude(metric__in=DURATION_METRICS).values_list("community_id", "metric").annotate(total=Sum("count"))
    ):
        counters[community_id][metric] = total
    histograms: dict[int, dict[str, dict[int, int]]] = {c.pk: {} for c in communities}
    for community_id, metric, bucket, total in (
        cells.filter(metric__in=DURATION_METRICS)
        .values_list("community_id", "metric", "bucket")
        .annotate(total=Sum("count"))
    ):
        histograms[community_id].setdefault(metric, {})[bucket] = total
    per_community = [_stats(c, counters[c.pk], histograms[c.pk]) for c in communities]
    overall_counters: Counter[str] = Counter()
    overall_histograms: dict[str, Counter[int]] = {}
    for community in communities:
        overall_counters.update(counters[community.pk])
        for metric, histogram in histograms[community.pk].items():
            overall_histograms.setdefault(metric, Counter()).update(histogram)
    top = _top_unit(actor, communities)
    overall = _stats(top, overall_counters, {m: dict(h) for m, h in overall_histograms.items()})
    return overall, per_community


def _top_unit(actor: Actor, communities: list[OrgUnit]) -> OrgUnit:
    """The unit the totals belong to: the street when the actor's scope is wider than one community."""
    if len(communities) == 1:
        return communities[0]
    street = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET, path__in=[parent_path(c.path) for c in communities]).first()
        if communities
        else None
    )
    return street or communities[0]
