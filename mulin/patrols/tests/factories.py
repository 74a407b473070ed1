"""Rivers and segments built through the real services, so tests see what production writes."""

from __future__ import annotations

from typing import Any

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.tests.factories import SYSTEM
from mulin.patrols import services
from mulin.patrols.models import River, Segment

COURSE = [[30.2986, 120.1431], [30.2990, 120.1447], [30.2994, 120.1462]]


def make_river(street: OrgUnit, *, name: str = "胜利河", folk_chief: Person | None = None) -> River:
    return services.river_save(actor=SYSTEM, street=street, name=name, folk_chief=folk_chief)


def make_segment(river: River, community: OrgUnit, *, name: str = "德胜段", **fields: Any) -> Segment:
    fields.setdefault("coordinates", COURSE)
    return services.segment_save(actor=SYSTEM, river=river, community=community, name=name, **fields)
