"""Pages of the three-party co-governance (三方共治): a compound's joint meetings of 居委会, 业委会 and
物业, the responsibility list and its follow-ups. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
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
from mulin.core.views import keyset_before, keyset_page
from mulin.organizations.middleware import request_actor
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.roundtable import forms as F
from mulin.roundtable import services
from mulin.roundtable.models import JointMeeting, PropertyEvaluation
from mulin.roundtable.permissions import (
    access_joint_meeting_by_id,
    access_responsibility_by_id,
    can_record_joint_meeting,
)
from mulin.roundtable.selectors import (
    cogov_compounds_for,
    joint_meeting_followups,
    joint_meeting_items,
    joint_meeting_list_visible_to,
    property_evaluation_given,
    property_evaluation_home,
    property_evaluation_results,
)


def _may_look(actor: Actor) -> bool:
    return actor.can_anywhere(Capability.TOPIC_VIEW) or actor.can_anywhere(Capability.COGOV_RECORD)


@require_http_methods(["GET", "HEAD", "POST"])
def joint_meeting_list_view(request: HttpRequest) -> HttpResponse:
    """The joint meetings the visitor may read, newest first; recorders record a new one here."""
    actor = request_actor(request)
    if not _may_look(actor):
        raise PermissionDenied(_("You may not see the three-party meetings."))
    compounds = {unit.pk: unit for unit in cogov_compounds_for(actor)}
    form = None
    if compounds:
        form = F.JointMeetingForm(
            request.POST if request.method == "POST" else None,
            compounds=[(pk, unit.name) for pk, unit in compounds.items()],
            prefix="record",
        )
    elif request.method == "POST":
        raise PermissionDenied(
            _("Only the community's staff and the officers of the compound's three parties may do this.")
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting = services.joint_meeting_record(actor=actor, compound=compounds[data.pop("compound")], **data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Joint meeting recorded."))
            return redirect(meeting.get_absolute_url())
    meetings, next_url = keyset_page(request, joint_meeting_list_visible_to(actor, before=keyset_before(request)))
    context = {"meetings": meetings, "next_url": next_url, "form": form}
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "roundtable/jointmeeting_list.html", context, status=status)


def _detail(request: HttpRequest, meeting: JointMeeting, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    actor = request_actor(request)
    records = can_record_joint_meeting(actor, meeting.scope_path)
    sections = [
        {
            "key": "followups",
            "title": _("Follow-ups from earlier meetings"),
            "items": joint_meeting_followups(meeting),
            "empty": _("Nothing was left open at the earlier meetings."),
        },
        {
            "key": "responsibilities",
            "title": _("Responsibility list"),
            "items": joint_meeting_items(meeting),
            "empty": _("No items agreed at this meeting."),
        },
    ]
    context: dict[str, Any] = {
        "meeting": meeting,
        "sections": sections,
        "records": records,
        "today": timezone.localdate(),
        "item_form": forms_.get("item_form") or (F.ResponsibilityForm(prefix="item") if records else None),
        "status_form": forms_.get("status_form"),
    }
    return render(request, "roundtable/jointmeeting_detail.html", context, status=status)


@require_safe
def joint_meeting_detail_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _detail(request, access_joint_meeting_by_id(request_actor(request), meeting_id))


@require_POST
def responsibility_add_view(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    actor = request_actor(request)
    meeting = access_joint_meeting_by_id(actor, meeting_id)
    if not can_record_joint_meeting(actor, meeting.scope_path):
        raise PermissionDenied(
            _("Only the community's staff and the officers of the compound's three parties may do this.")
        )
    form = F.ResponsibilityForm(request.POST, prefix="item")
    if form.is_valid():
        try:
            services.responsibility_add(actor=actor, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Item added to the responsibility list."))
            return redirect(meeting.get_absolute_url())
    return _detail(request, meeting, 400, item_form=form)


@require_POST
def responsibility_status_view(request: HttpRequest, item_id: int) -> HttpResponseBase:
    """Mark an item done or open again; back to the meeting page it was marked from."""
    actor = request_actor(request)
    item = access_responsibility_by_id(actor, item_id)
    if not can_record_joint_meeting(actor, item.scope_path):
        raise PermissionDenied(
            _("Only the community's staff and the officers of the compound's three parties may do this.")
        )
    back = item.meeting
    back_id = request.POST.get("back", "")
    if back_id.isdigit() and int(back_id) != back.pk:
        back = access_joint_meeting_by_id(actor, back_id)
    form = F.ResponsibilityStatusForm(request.POST)
    if form.is_valid():
        try:
            services.responsibility_set_status(actor=actor, item=item, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Item marked."))
            return redirect(back.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return _detail(request, back, 400, status_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def property_evaluation_view(request: HttpRequest) -> HttpResponse:
    """Residents evaluate their compound's property service once a year; the results below (in
    full for the parties and staff, totals for residents)."""
    actor = request_actor(request)
    if not _may_look(actor):
        raise PermissionDenied(_("You may not see the three-party meetings."))
    home = property_evaluation_home(actor)
    year = timezone.localdate().year
    given = home is not None and property_evaluation_given(actor, home, year)
    form = F.PropertyEvaluationForm(request.POST or None, prefix="eval") if home is not None and not given else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only residents of a compound with a property management evaluate its service."))
        if form.is_valid():
            try:
                services.property_evaluation_submit(actor=actor, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your evaluation is recorded."))
                return redirect("roundtable:cogov_evaluation")
    context = {
        "home": home,
        "year": year,
        "given": given,
        "form": form,
        "results": property_evaluation_results(actor),
        "aspects": [(name, F.PropertyEvaluationForm.base_fields[name].label) for name in PropertyEvaluation.ASPECTS],
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "roundtable/property_evaluation.html", context, status=status)
