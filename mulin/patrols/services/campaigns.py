"""Inspection campaigns (排查行动, e.g. 抗台防汛): set up with a hazard checklist and the compounds
it covers, inspected compound by compound (hazards to fix become work orders), closed with a
summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.patrols.models import DESCRIPTION_MAX, NOTES_MAX, Campaign, Inspection, public_name
from mulin.patrols.permissions import ensure_can_inspect, ensure_can_manage_campaign
from mulin.patrols.points import INSPECTED
from mulin.patrols.services._common import audit
from mulin.points.services import points_award
from mulin.workorders.models import TITLE_MAX, WorkOrder, WorkOrderCategory
from mulin.workorders.services import Location, work_order_create

# The typhoon checklist (抗台防汛排查), used when a campaign names none.
TYPHOON_HAZARDS = [
    {"code": "loose-objects", "label": "阳台花盆、空调外机等高空坠物"},
    {"code": "trees", "label": "树木倒伏、断枝"},
    {"code": "drains", "label": "雨水井、排水沟堵塞"},
    {"code": "basements", "label": "地下室、车库进水风险"},
    {"code": "hoardings", "label": "广告牌、围挡松动"},
    {"code": "power", "label": "电线、配电箱隐患"},
]
MAX_HAZARDS = 20


@dataclass(frozen=True)
class Hazard:
    """A hazard found in an inspection to be fixed: it becomes a work order for the compound."""

    category: WorkOrderCategory | None
    title: str
    description: str = ""


def _clean_hazards(hazards: Any) -> list[dict[str, str]]:
    if not hazards:
        return [dict(item) for item in TYPHOON_HAZARDS]
    if not isinstance(hazards, list | tuple) or len(hazards) > MAX_HAZARDS:
        raise ValidationError({"hazards": [_("List 1 to %(n)s hazards to check.") % {"n": MAX_HAZARDS}]})
    cleaned, codes = [], set()
    for item in hazards:
        code = str(item.get("code", "")).strip() if isinstance(item, dict) else ""
        label = str(item.get("label", "")).strip() if isinstance(item, dict) else ""
        if not code or not label or len(code) > 40 or len(label) > 80 or code in codes:
            raise ValidationError({"hazards": [_("Each hazard needs its own short code and a label.")]})
        codes.add(code)
        cleaned.append({"code": code, "label": label})
    return cleaned


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    compounds: Iterable[OrgUnit],
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    hazards: Any = None,
) -> Campaign:
    """Start a campaign run by `unit` (a community or the street) over some of its compounds. Staff
    of the unit only; ValidationError (nothing written) for a bad title, dates, checklist or a
    compound outside the unit."""
    ensure_can_manage_campaign(actor, unit)
    title = clean_text(title, field="title", max_length=80, required=True, message=_("Give the campaign a title."))
    description = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date) or ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The campaign must end on or after the day it starts.")]})
    compounds = list(compounds)
    if not compounds:
        raise ValidationError({"compounds": [_("Choose at least one compound.")]})
    if any(c.kind != OrgUnit.Kind.COMPOUND or not c.path.startswith(unit.path) for c in compounds):
        raise ValidationError({"compounds": [_("Choose compounds of %(unit)s.") % {"unit": unit.name}]})
    campaign = Campaign.objects.create(
        unit=unit,
        scope_path=unit.path,
        title=title,
        description=description,
        hazards=_clean_hazards(hazards),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    campaign.compounds.set(compounds)
    audit("campaign_started", actor, campaign, scope_path=campaign.scope_path, compounds=len(compounds))
    return campaign


@transaction.atomic
def inspection_create(
    *,
    actor: Actor,
    campaign: Campaign,
    compound: OrgUnit,
    found: Sequence[str] = (),
    notes: str = "",
    hazards: Sequence[Hazard] = (),
    photos: Sequence[Any] = (),
) -> Inspection:
    """Record one inspection of a compound: the checklist's hazards `found`, notes, and hazards to
    fix, each filed as a work order for the compound (its community's staff run it). Members,
    volunteers and staff of the street; only while the campaign is under way (409 after it
    closed); ValidationError (nothing written) for an unknown hazard code or a compound the
    campaign does not cover."""
    ensure_can_inspect(actor, campaign)
    if campaign.status != Campaign.Status.OPEN:
        raise StateConflict(_("This campaign is closed."), code="campaign_closed")
    if not campaign.compounds.filter(pk=compound.pk).exists():
        raise ValidationError({"compound": [_("This campaign does not cover that compound.")]})
    codes = {item["code"] for item in campaign.hazards}
    found = sorted(set(found))
    if set(found) - codes:
        raise ValidationError({"found": [_("Choose hazards from the campaign's checklist.")]})
    notes = clean_text(notes, field="notes", max_length=NOTES_MAX)
    cleaned = []
    for hazard in hazards:
        title = clean_text(
            hazard.title,
            field="hazard_title",
            max_length=TITLE_MAX,
            required=True,
            message=_("Say what the hazard is."),
        )
        if not isinstance(hazard.category, WorkOrderCategory) or not hazard.category.is_active:
            raise ValidationError({"hazard_category": [_("Choose the kind of problem.")]})
        cleaned.append(Hazard(hazard.category, title, hazard.description))
    person = actor.person
    assert person is not None
    inspection = Inspection.objects.create(
        campaign=campaign,
        compound=compound,
        scope_path=compound.path,
        inspector=person,
        inspector_name=public_name(person)[:50],
        inspected_at=timezone.now(),
        found=found,
        notes=notes,
    )
    orders: list[WorkOrder] = [
        work_order_create(
            actor=actor,
            category=hazard.category,  # type: ignore[arg-type]
            title=hazard.title,
            description=hazard.description,
            place=compound,
            source=inspection,
            location=Location(address=compound.name),
            photos=photos[:3] if index == 0 else (),
        )
        for index, hazard in enumerate(cleaned)
    ]
    points_award(
        event=INSPECTED.key,
        person=person,
        source=inspection,
        occurred_at=inspection.inspected_at,
        scope_path=inspection.scope_path,
        label=str(inspection),
    )
    audit("inspected", actor, inspection, scope_path=inspection.scope_path, found=len(found), orders=len(orders))
    return inspection


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign, summary: str) -> Campaign:
    """Close a campaign with its summary (how many compounds, hazards, what was fixed). Staff of
    its unit; 409 when it is closed already (also when two close it at once)."""
    ensure_can_manage_campaign(actor, campaign.unit)
    summary = clean_text(
        summary, field="summary", max_length=NOTES_MAX, required=True, message=_("Write the closing summary.")
    )
    updated = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.OPEN).update(
        status=Campaign.Status.CLOSED, summary=summary, closed_at=timezone.now(), closed_by=actor.person
    )
    if not updated:
        raise StateConflict(_("This campaign is closed already."), code="campaign_closed")
    campaign.refresh_from_db()
    audit("campaign_closed", actor, campaign, scope_path=campaign.scope_path)
    return campaign
