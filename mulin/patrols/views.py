"""River patrols in the browser. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.idempotency import fingerprint, form_key_to_show, key_from_request, run_once
from mulin.core.photos import photo_response
from mulin.core.views import keyset_before
from mulin.organizations.middleware import request_actor
from mulin.patrols import services
from mulin.patrols.forms import CampaignCloseForm, ClaimForm, InspectionForm, PatrolForm
from mulin.patrols.models import Campaign, PatrolLog
from mulin.patrols.permissions import (
    access_campaign_by_id,
    access_patrol_log_by_id,
    access_patrol_photo_by_uuid,
    access_segment_by_id,
    can_claim_segment,
    can_inspect,
    can_log_patrols,
    can_manage_campaign,
    can_view_patrols,
)
from mulin.patrols.selectors import (
    branch_choices_for,
    campaign_list_visible_to,
    campaign_progress,
    inspection_list_visible_to,
    patrol_log_diary_page,
    patrol_photos_of,
    river_list_visible_to,
    segment_list_claimed_by,
    segment_list_loggable_by,
    segment_list_visible_to,
    segment_trend,
)
from mulin.patrols.services import CHECKLIST_FIELDS
from mulin.workorders.selectors import category_list, work_order_list_for_source, work_order_list_for_sources


@require_safe
def river_list_view(request: HttpRequest) -> HttpResponse:
    """The street's rivers and their segments, with who answers for each."""
    actor = request_actor(request)
    if not can_view_patrols(actor):
        raise PermissionDenied(_("You may not see river patrols."))
    segments = list(segment_list_visible_to(actor))
    rivers = list(river_list_visible_to(actor))
    by_river: dict[int, list] = {}
    for segment in segments:
        by_river.setdefault(segment.river_id, []).append(segment)
    mine = set(segment_list_claimed_by(actor).values_list("pk", flat=True))
    context = {"rivers": [(river, by_river.get(river.pk, [])) for river in rivers], "mine": mine}
    return render(request, "patrols/river_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def segment_detail_view(request: HttpRequest, segment_id: int) -> HttpResponse:
    """A segment: its course, plan and claims; claim it here."""
    actor = request_actor(request)
    segment = access_segment_by_id(actor, segment_id)
    branches = [(branch.pk, branch.name) for branch in branch_choices_for(actor)]
    form = ClaimForm(request.POST or None, branches=branches)
    if request.method == "POST":
        if not can_claim_segment(actor, segment):
            raise PermissionDenied(_("You may claim segments only in your own street."))
        if form.is_valid():
            branch = None
            if form.cleaned_data["branch"] is not None:
                branch = next((b for b in branch_choices_for(actor) if b.pk == form.cleaned_data["branch"]), None)
                if branch is None:
                    raise PermissionDenied(_("Only the branch's secretary may claim a segment for the branch."))
            try:
                services.segment_claim(actor=actor, segment=segment, role=form.cleaned_data["role"], branch=branch)
            except (ValidationError, ApplicationError) as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("You answer for this segment now. Thank you!"))
                return redirect(segment.get_absolute_url())
        segment = access_segment_by_id(actor, segment_id)
    context = {
        "segment": segment,
        "claims": segment.active_claims,  # type: ignore[attr-defined]
        "form": form,
        "can_claim": can_claim_segment(actor, segment),
        "can_log": can_log_patrols(actor),
        **_diary(request, actor, segment),
    }
    return render(request, "patrols/segment_detail.html", context, status=400 if form.errors else 200)


DIARY_PAGE = 30


def _diary(request: HttpRequest, actor: Any, segment: Any) -> dict[str, Any]:
    """The segment's diary: a page of logs in time order with their photos and work orders, and
    the monthly trend of the last two years (a constant number of queries at any size)."""
    logs = patrol_log_diary_page(segment, before=keyset_before(request), size=DIARY_PAGE)
    next_url = ""
    if len(logs) > DIARY_PAGE:
        logs = logs[:DIARY_PAGE]
        next_url = f"?before={logs[-1].pk}#diary"
    ids = [log.pk for log in logs]
    photos = patrol_photos_of(ids)
    orders: dict[int, list[Any]] = {}
    for order in work_order_list_for_sources(actor, PatrolLog, ids):
        orders.setdefault(int(order.source_id or 0), []).append(order)
    entries = [(log, photos.get(log.pk, []), orders.get(log.pk, [])) for log in logs]
    trend = segment_trend(segment)
    chart = {
        "months": [f"{month.month:%Y-%m}" for month in trend],
        "clarity": [month.clarity_cm for month in trend],
        "litter": [month.floating_litter for month in trend],
        "patrols": [month.patrols for month in trend],
        "labels": {
            "clarity": _("Clarity (cm)"),
            "litter": _("Floating litter (0 none – 3 much)"),
            "patrols": _("Patrols"),
        },
    }
    return {"entries": entries, "next_url": next_url, "trend": trend, "chart": json.dumps(chart, ensure_ascii=False)}


@require_http_methods(["GET", "HEAD", "POST"])
def patrol_create_view(request: HttpRequest) -> HttpResponse:
    """Log a patrol (phone first): the checklist, photos, a GPX track, and a problem found."""
    actor = request_actor(request)
    if not can_log_patrols(actor):
        raise PermissionDenied(_("You may log patrols only in your own street."))
    segments = [(segment.pk, str(segment)) for segment in segment_list_loggable_by(actor)]
    if not segments:
        return render(request, "patrols/patrol_form.html", {"form": None})
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial: dict[str, Any] = {
        "started_at": now - dt.timedelta(hours=1),
        "ended_at": now,
        "water_colour": PatrolLog.WaterColour.CLEAR,
        "floating_litter": PatrolLog.Amount.NONE,
        "smell": PatrolLog.Smell.NONE,
    }
    wanted = request.GET.get("segment", "")
    if wanted.isdigit() and int(wanted) in dict(segments):
        initial["segment"] = int(wanted)
    else:
        mine = list(segment_list_claimed_by(actor).values_list("pk", flat=True)[:1])
        initial["segment"] = mine[0] if mine else segments[0][0]
    form = PatrolForm(
        request.POST or None, request.FILES or None, segments=segments, categories=category_list(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = None
        if data["problem_found"]:
            problem = services.Problem(data["problem_category"], data["problem_title"], data["problem_description"])
        checklist = services.Checklist(**{name: data[name] for name in CHECKLIST_FIELDS})
        try:
            segment = access_segment_by_id(actor, data["segment"])
            outcome = run_once(
                owner_id=request.user.pk,
                key=key_from_request(request),
                fingerprint=fingerprint(request, request.POST),
                work=lambda: services.patrol_log_create(
                    actor=actor,
                    segment=segment,
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    checklist=checklist,
                    notes=data["notes"],
                    distance_m=data["distance_m"],
                    photos=data["photos"],
                    gpx=data["gpx"],
                    problem=problem,
                ),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome.replayed:
                messages.info(request, _("This patrol had already been logged; here it is."))
            elif problem is not None:
                messages.success(request, _("Patrol logged and the problem sent to the community office. Thank you!"))
            else:
                messages.success(request, _("Patrol logged. Thank you!"))
            return redirect("patrols:log", log_id=int(outcome.target_id))
    context = {"form": form, "idempotency_key": form_key_to_show(request)}
    return render(request, "patrols/patrol_form.html", context, status=400 if form.errors else 200)


@require_safe
def patrol_log_detail_view(request: HttpRequest, log_id: int) -> HttpResponse:
    """One page of the diary: the checklist, notes, photos and the work orders it raised."""
    actor = request_actor(request)
    log = access_patrol_log_by_id(actor, log_id)
    context = {
        "log": log,
        "photos": list(log.photos.order_by("id")),
        "orders": list(work_order_list_for_source(actor, log)),
    }
    return render(request, "patrols/log_detail.html", context)


@require_safe
def patrol_photo_view(request: HttpRequest, photo_uuid: uuid.UUID) -> HttpResponseBase:
    photo = access_patrol_photo_by_uuid(request_actor(request), photo_uuid)
    return photo_response(file_name=photo.file_name, content_type=photo.content_type, photo_uuid=photo.uuid)


@require_safe
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    """The street's inspection campaigns, newest first."""
    actor = request_actor(request)
    if not can_view_patrols(actor):
        raise PermissionDenied(_("You may not see river patrols."))
    return render(request, "patrols/campaign_list.html", {"campaigns": list(campaign_list_visible_to(actor)[:50])})


def _campaign_page(request: HttpRequest, actor: Any, campaign: Campaign, **forms_: Any) -> HttpResponse:
    open_ = campaign.status == Campaign.Status.OPEN
    compounds = [(c.pk, c.name) for c in campaign.compounds.order_by("path")]
    hazards = [(item["code"], item["label"]) for item in campaign.hazards]
    inspect_form = forms_.get("inspect_form")
    if inspect_form is None and open_ and can_inspect(actor, campaign):
        inspect_form = InspectionForm(compounds=compounds, hazards=hazards, categories=category_list())
    close_form = forms_.get("close_form")
    if close_form is None and open_ and can_manage_campaign(actor, campaign.unit):
        close_form = CampaignCloseForm()
    labels = dict(hazards)
    inspections = [
        (inspection, [labels.get(code, code) for code in inspection.found])
        for inspection in inspection_list_visible_to(actor, campaign_id=campaign.pk)[:50]
    ]
    context = {
        "campaign": campaign,
        "progress": campaign_progress(campaign),
        "inspections": inspections,
        "inspect_form": inspect_form,
        "close_form": close_form,
    }
    failed = any(form is not None and form.errors for form in (inspect_form, close_form))
    return render(request, "patrols/campaign_detail.html", context, status=400 if failed else 200)


@require_safe
def campaign_detail_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign: its checklist, progress by compound, inspections, and the forms to inspect and
    to close it."""
    actor = request_actor(request)
    return _campaign_page(request, actor, access_campaign_by_id(actor, campaign_id))


@require_POST
def campaign_inspect_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request_actor(request)
    campaign = access_campaign_by_id(actor, campaign_id)
    if not can_inspect(actor, campaign):
        raise PermissionDenied(_("You may inspect only for your own street's campaigns."))
    form = InspectionForm(
        request.POST,
        request.FILES,
        compounds=[(c.pk, c.name) for c in campaign.compounds.all()],
        hazards=[(item["code"], item["label"]) for item in campaign.hazards],
        categories=category_list(),
    )
    if form.is_valid():
        data = form.cleaned_data
        hazards = []
        if data["hazard_found"]:
            hazards.append(services.Hazard(data["hazard_category"], data["hazard_title"]))
        try:
            compound = campaign.compounds.get(pk=data["compound"])
            services.inspection_create(
                actor=actor,
                campaign=campaign,
                compound=compound,
                found=data["found"],
                notes=data["notes"],
                hazards=hazards,
                photos=data["photos"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Inspection recorded. Thank you!"))
            return redirect(campaign.get_absolute_url())
    return _campaign_page(request, actor, campaign, inspect_form=form)


@require_POST
def campaign_close_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request_actor(request)
    campaign = access_campaign_by_id(actor, campaign_id)
    if not can_manage_campaign(actor, campaign.unit):
        raise PermissionDenied(_("Only the staff of the community or street may run this campaign."))
    form = CampaignCloseForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_close(actor=actor, campaign=campaign, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            form_add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The campaign is closed."))
            return redirect(campaign.get_absolute_url())
    return _campaign_page(request, actor, campaign, close_form=form)
