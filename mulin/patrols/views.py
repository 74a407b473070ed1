"""River patrols in the browser. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.organizations.middleware import request_actor
from mulin.patrols import services
from mulin.patrols.forms import ClaimForm
from mulin.patrols.permissions import access_segment_by_id, can_claim_segment, can_view_patrols
from mulin.patrols.selectors import (
    branch_choices_for,
    river_list_visible_to,
    segment_list_claimed_by,
    segment_list_visible_to,
)


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
    }
    return render(request, "patrols/segment_detail.html", context, status=400 if form.errors else 200)
