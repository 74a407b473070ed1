"""Dataset tiers (docs/benchmarks.md, shared BENCHMARKS.md). Rates are per community and year, so
tier S is one community-year of tier M and the M/S scaling ratio compares like with like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The data ends here (not "now"), so the same seed gives the same rows whatever day it runs.
DEFAULT_END = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)
DEFAULT_SEED = 20260501


@dataclass(frozen=True)
class Tier:
    name: str
    communities: int
    years: int
    residents: int  # people living in the tier's communities
    party_members: int
    branches: int
    volunteers: int  # volunteer profiles (party members among them)
    wishes: int
    compounds_per_community: tuple[int, int]
    buildings_per_compound: tuple[int, int]
    workers_per_community: int  # community workers besides the secretary
    account_share: float  # residents with a login (members and volunteers nearly always have one)
    partner_units: int


TIERS: dict[str, Tier] = {
    # Tier S: one community-year at tier M's rates (the community is as large as M's average one).
    "S": Tier("S", 1, 1, 12_000, 600, 30, 2_000, 2_000, (10, 14), (8, 14), 10, 0.35, 2),
    # Tier M: Daguan street, 10 communities, 5 years (shared/BENCHMARKS.md).
    "M": Tier("M", 10, 5, 120_000, 6_000, 300, 20_000, 100_000, (10, 14), (8, 14), 10, 0.35, 6),
    # Tier L: a large sub-district, 30 communities, 5 years (optional, by hand).
    "L": Tier("L", 30, 5, 360_000, 18_000, 900, 60_000, 300_000, (10, 14), (8, 14), 10, 0.35, 15),
    # Tier XS: for the gate's own tests only (seconds to build in a test database).
    "XS": Tier("XS", 1, 1, 600, 40, 4, 80, 400, (3, 3), (2, 3), 3, 0.5, 1),
}
