"""The patrol service API (see docs/patrols.md)."""

from mulin.patrols.services.campaigns import TYPHOON_HAZARDS, Hazard, campaign_close, campaign_create, inspection_create
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
    "TYPHOON_HAZARDS",
    "Checklist",
    "Hazard",
    "Problem",
    "campaign_close",
    "campaign_create",
    "clean_coordinates",
    "clean_gpx",
    "inspection_create",
    "patrol_log_create",
    "polyline_length_m",
    "river_save",
    "segment_claim",
    "segment_claim_release",
    "segment_save",
]
