"""What the generator's steps share: the seeded random source, the tier, the time span, the
tree and people built so far, and the sinks that later steps write in time order."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

from tools.bench.tiers import Tier

# Seasonality of requests for help in a Hangzhou community: Spring Festival and winter up, the
# summer heat (older people) and the school start up; February lower after the festival week.
MONTH_WEIGHT = {1: 1.35, 2: 1.0, 3: 1.0, 4: 0.95, 5: 0.95, 6: 1.0, 7: 1.15, 8: 1.15, 9: 1.1, 10: 0.9, 11: 1.0, 12: 1.2}
WEEKDAY_WEIGHT = [1.1, 1.1, 1.05, 1.05, 1.0, 0.8, 0.7]  # Monday first
# Hour-of-day profile (local time): office hours and the after-dinner peak.
HOUR_WEIGHT = [
    0.1,
    0.05,
    0.05,
    0.05,
    0.1,
    0.3,
    0.8,
    1.5,
    2.5,
    3.0,
    3.0,
    2.2,
    1.2,
    1.5,
    2.5,
    2.8,
    2.6,
    2.0,
    1.6,
    2.0,
    2.2,
    1.5,
    0.8,
    0.3,
]


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


@dataclass
class Unit:
    id: int
    kind: str
    name: str
    path: str
    parent_id: int | None
    depth: int
    local_root_id: int | None = None


@dataclass
class PersonRow:
    id: int
    community: int  # index into ctx.communities
    home_id: int  # a building
    compound_id: int
    full_name: str
    birth_year: int
    has_phone: bool
    shows_full_name: bool
    user_id: int | None = None
    member_status: str = ""  # party status, "" for none
    branch_id: int | None = None
    skills: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    partner_unit_id: int | None = None


@dataclass
class GenContext:
    tier: Tier
    seed: int
    end: dt.datetime
    rng: random.Random
    units: dict[int, Unit] = field(default_factory=dict)
    street: Unit | None = None
    communities: list[Unit] = field(default_factory=list)
    compounds: dict[int, list[Unit]] = field(default_factory=dict)  # community index → compounds
    buildings: dict[int, list[Unit]] = field(default_factory=dict)  # compound id → buildings
    branches: dict[int, list[Unit]] = field(default_factory=dict)  # community index → branches
    people: list[PersonRow] = field(default_factory=list)
    residents_by_community: dict[int, list[PersonRow]] = field(default_factory=dict)
    helpers_by_community: dict[int, list[PersonRow]] = field(default_factory=dict)
    secretaries: dict[int, PersonRow] = field(default_factory=dict)
    workers: dict[int, list[PersonRow]] = field(default_factory=dict)
    # Sinks, written in time order by the final steps.
    notifications: list[tuple[Any, ...]] = field(default_factory=list)
    ledger: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> dt.datetime:
        return self.end - dt.timedelta(days=round(365.25 * self.tier.years))

    def person(self, person_id: int) -> PersonRow:
        return self.people[person_id - self.people[0].id]

    # --- time ------------------------------------------------------------------------------------

    def sample_times(self, n: int, *, growth: tuple[float, float] = (0.55, 1.3)) -> list[dt.datetime]:
        """`n` moments between start and end, sorted, with adoption growth (linear from
        growth[0] to growth[1]), monthly seasonality, weekday and hour-of-day profiles."""
        days = (self.end.date() - self.start.date()).days
        weights = []
        for offset in range(days):
            day = self.start.date() + dt.timedelta(days=offset)
            trend = growth[0] + (growth[1] - growth[0]) * offset / max(days - 1, 1)
            weights.append(trend * MONTH_WEIGHT[day.month] * WEEKDAY_WEIGHT[day.weekday()])
        cumulative = list(itertools.accumulate(weights))
        hours = list(itertools.accumulate(HOUR_WEIGHT))
        rng = self.rng
        moments = []
        for _ in range(n):
            offset = bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
            hour = bisect.bisect_left(hours, rng.random() * hours[-1])
            day = self.start.date() + dt.timedelta(days=offset)
            moments.append(
                dt.datetime(
                    day.year,
                    day.month,
                    day.day,
                    hour,
                    rng.randrange(60),
                    rng.randrange(60),
                    rng.randrange(1_000_000),
                    tzinfo=self.end.tzinfo,
                )
            )
        moments.sort()
        return moments

    def lognormal_hours(self, median: float, sigma: float) -> dt.timedelta:
        return dt.timedelta(hours=median * math.exp(self.rng.gauss(0, sigma)))

    # --- sinks -------------------------------------------------------------------------------------

    def notify(self, at: dt.datetime, recipient: PersonRow, kind: str, params: dict[str, Any], url: str) -> None:
        """An in-app notification as notification_send writes it; read later by people who sign in."""
        read_at = None
        if recipient.user_id is not None and self.rng.random() < 0.88:
            read_at = at + self.lognormal_hours(4, 1.3)
            if read_at > self.end:
                read_at = None
        self.notifications.append((at, recipient.id, kind, params, url, read_at, recipient.has_phone))

    def credit(self, row: tuple[Any, ...]) -> None:
        self.ledger.append(row)

    def audit_event(
        self,
        at: dt.datetime,
        verb: str,
        *,
        actor: PersonRow | None,
        target_type: str = "",
        target_id: str = "",
        scope_path: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        self.audit.append((at, verb, actor, target_type, target_id, scope_path, data or {}))
