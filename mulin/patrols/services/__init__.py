"""The patrol service API (see docs/patrols.md)."""

from mulin.patrols.services.layout import (
    clean_coordinates,
    polyline_length_m,
    river_save,
    segment_claim,
    segment_claim_release,
    segment_save,
)
from mulin.patrols.services.logs import CHECKLIST_FIELDS, Checklist, Problem, clean_gpx, patrol_log_create

__all__ = [
    "CHECKLIST_FIELDS",
    "Checklist",
    "Problem",
    "clean_coordinates",
    "clean_gpx",
    "patrol_log_create",
    "polyline_length_m",
    "river_save",
    "segment_claim",
    "segment_claim_release",
    "segment_save",
]
