"""Health-check pages: my readings (a chart per measure, my consents, withdraw); for a partner's
health staff, the health-check days they record for, and one day's roster where consent and
readings are recorded; one reading (audited when it is not one's own). Thin: parse, call one
selector or service, render."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mulin.activities.models import Activity
from mulin.activities.permissions import access_activity_by_id
from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.health.charts import chart_of
from mulin.health.forms import ConsentForm, ReadingsForm
from mulin.health.measures import MEASURES
from mulin.health.permissions import access_consent_by_id, access_health_check_by_id, ensure_can_record_health
from mulin.health.selectors import (
    HISTORY_MAX,
    health_activity_list_recorded_by,
    health_check_list_own,
    health_consent_list_own,
    health_roster,
)
from mulin.health.services import (
    health_check_read,
    health_check_record,
    health_consent_record,
    health_consent_withdraw,
)
from mulin.organizations.middleware import request_actor
from mulin.organizations.scoping import Actor


@require_safe
def health_mine_view(request: HttpRequest) -> HttpResponse:
    """My readings as charts and a table, my consents; for health staff, their health-check days."""
    actor = request_actor(request)
    if actor.person is None:
        raise PermissionDenied(_("Only a registered person has health checks."))
    checks = list(health_check_list_own(actor)[:HISTORY_MAX])
    series: dict[str, list[Decimal]] = defaultdict(list)
    for check in reversed(checks):
        for code, value in check.values().items():
            series[code].append(value)
    charts = [chart_of(m, series[m.code]) for m in MEASURES if series.get(m.code)]
    return render(
        request,
        "health/health_mine.html",
        {
            "checks": checks,
            "charts": charts,
            "consents": list(health_consent_list_own(actor)),
            "days": list(health_activity_list_recorded_by(actor)[:30]),
        },
    )


def _activity_page(
    request: HttpRequest,
    actor: Actor,
    activity: Activity,
    *,
    consent_form: ConsentForm | None = None,
    readings_form: ReadingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    roster: list[Any] = list(health_roster(activity))
    without = [(s.person_id, s.person.full_name) for s in roster if not s.has_consent]
    with_consent = [(s.person_id, s.person.full_name) for s in roster if s.has_consent]
    return render(
        request,
        "health/health_activity.html",
        {
            "activity": activity,
            "roster": roster,
            "person_times": sum(s.readings for s in roster),
            "consent_form": consent_form or ConsentForm(people=without),
            "readings_form": readings_form or ReadingsForm(people=with_consent),
            "measures": MEASURES,
        },
        status=status,
    )


def _staff_activity(request: HttpRequest, activity_id: int) -> tuple[Actor, Activity]:
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    ensure_can_record_health(actor, activity)
    return actor, activity


@require_safe
def health_activity_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One health-check day for its health staff: who has a place, consent, readings taken."""
    actor, activity = _staff_activity(request, activity_id)
    return _activity_page(request, actor, activity)


def _person_of(roster: list[Any], person_id: int) -> Any:
    return next((s.person for s in roster if s.person_id == person_id), None)


@require_POST
def consent_record_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    actor, activity = _staff_activity(request, activity_id)
    roster = list(health_roster(activity))
    form = ConsentForm(request.POST, people=[(s.person_id, s.person.full_name) for s in roster])
    if form.is_valid():
        try:
            health_consent_record(
                actor=actor,
                activity=activity,
                person=_person_of(roster, form.cleaned_data["person"]),
                form_reference=form.cleaned_data["form_reference"],
            )
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The written consent is recorded."))
            return redirect("health:activity", activity_id=activity.pk)
    return _activity_page(request, actor, activity, consent_form=form, status=400)


@require_POST
def readings_record_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    actor, activity = _staff_activity(request, activity_id)
    roster = list(health_roster(activity))
    form = ReadingsForm(request.POST, people=[(s.person_id, s.person.full_name) for s in roster])
    if form.is_valid():
        try:
            health_check_record(
                actor=actor,
                activity=activity,
                person=_person_of(roster, form.cleaned_data["person"]),
                measurements=form.measurements(),
            )
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The readings are saved."))
            return redirect("health:activity", activity_id=activity.pk)
    return _activity_page(request, actor, activity, readings_form=form, status=400)


@require_safe
def health_check_detail_view(request: HttpRequest, check_id: int) -> HttpResponse:
    actor = request_actor(request)
    check = health_check_read(actor=actor, check=access_health_check_by_id(actor, check_id))
    return render(
        request,
        "health/health_check_detail.html",
        {"check": check, "readings": check.readings(), "own": check.person_id == actor.person_id},
    )


@require_POST
def consent_withdraw_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = request_actor(request)
    consent = access_consent_by_id(actor, consent_id)
    try:
        health_consent_withdraw(actor=actor, consent=consent)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your consent is withdrawn. No new readings will be taken."))
    return redirect("health:mine")
