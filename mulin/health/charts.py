"""A small line chart of one measure over time, as points for an inline SVG (no JavaScript, no
library): the resident's own history on their page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mulin.health.measures import Measure

WIDTH, HEIGHT, PAD = 300, 90, 8


@dataclass(frozen=True)
class Chart:
    measure: Measure
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[int, int, Decimal]]
    latest: Decimal
    count: int


def chart_of(measure: Measure, series: list[Decimal]) -> Chart:
    """`series` oldest first; scaled to the measure's plausible range so charts read alike."""
    span = measure.high - measure.low
    step = (WIDTH - 2 * PAD) / max(len(series) - 1, 1)
    dots = []
    for i, value in enumerate(series):
        x = round(PAD + i * step) if len(series) > 1 else WIDTH // 2
        y = round(HEIGHT - PAD - float((value - measure.low) / span) * (HEIGHT - 2 * PAD))
        dots.append((x, y, value))
    return Chart(measure, " ".join(f"{x},{y}" for x, y, _ in dots), dots, series[-1], len(series))
