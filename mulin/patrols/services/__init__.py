"""The patrol service API (see docs/patrols.md)."""

from mulin.patrols.services.layout import (
    clean_coordinates,
    polyline_length_m,
    river_save,
    segment_claim,
    segment_claim_release,
    segment_save,
)

__all__ = [
    "clean_coordinates",
    "polyline_length_m",
    "river_save",
    "segment_claim",
    "segment_claim_release",
    "segment_save",
]
