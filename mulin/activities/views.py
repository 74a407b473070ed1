"""Activity pages: upcoming activities with places left and my sign-up, one activity with
sign-up and cancel, creating one, and for organisers the rotating check-in code and the
attendance list where names are ticked. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.activities.forms import ActivityForm, split_repeat
from mulin.activities.ical import calendar_text
from mulin.activities.models import Signup
from mulin.activities.permissions import (
    access_activity_by_id,
    access_series_by_id,
    can_join_activity,
    can_manage_activity,
    can_organise_for,
    ensure_can_manage_activity,
)
from mulin.activities.selectors import (
    activity_list_for_calendar,
    activity_list_visible_to,
    attendance_of,
    calendar_feed_by_key,
    calendar_feed_of,
    host_choices,
    series_activity_list,
    signup_list,
    signup_of,
)
from mulin.activities.services import (
    QR_PURPOSE,
    activity_cancel,
    activity_check_in,
    activity_create,
    activity_series_cancel,
    activity_series_create,
    activity_sign_up,
    activity_sign_up_cancel,
    activity_tick,
    calendar_feed_reset,
)
from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors
from mulin.core.qrcodes import qr_seconds_left, qr_svg_data_uri, qr_token
from mulin.organizations.middleware import request_actor
from mulin.organizations.roles import Capability
from mulin.stations.selectors import room_list_bookable_by


@require_safe
def activity_list_view(request: HttpRequest) -> HttpResponse:
    """Upcoming activities open to me, soonest first, with places left and my sign-up."""
    actor = request_actor(request)
    if not actor.can_anywhere(Capability.ACTIVITY_VIEW):
        raise PermissionDenied(_("You may not see activities."))
    activities = list(activity_list_visible_to(actor, upcoming_from=timezone.now())[:50])
    return render(
        request,
        "activities/activity_list.html",
        {"activities": activities, "can_create": actor.can_anywhere(Capability.ACTIVITY_ORGANISE)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def activity_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    hosts = host_choices(actor)
    if not hosts:
        raise PermissionDenied(_("You do not organise activities for any unit."))
    form = ActivityForm(request.POST or None, hosts=hosts, rooms=room_list_bookable_by(actor))
    if request.method == "POST" and form.is_valid():
        repeat, fields = split_repeat(form.cleaned_data)
        try:
            if repeat is None:
                created: Any = activity_create(actor=actor, **fields)
            else:
                created = activity_series_create(actor=actor, **repeat, **fields)
        except (ValidationError, ApplicationError) as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The activity is published."))
            return redirect(created)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/activity_form.html", {"form": form}, status=status)


@require_safe
def activity_detail_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    manage = can_manage_activity(actor, activity)
    attended, confirmed = attendance_of(activity) if manage else (0, 0)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "mine": signup_of(activity, actor.person_id),
            "can_join": can_join_activity(actor, activity),
            "can_manage": manage,
            "attended": attended,
            "confirmed": confirmed,
        },
    )


def _act(request: HttpRequest, activity_id: int, work, done: str):  # type: ignore[no-untyped-def]
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    try:
        work(actor, activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(activity)


@require_POST
def signup_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _act(
        request,
        activity_id,
        lambda actor, activity: activity_sign_up(actor=actor, activity=activity),
        _("You are signed up. If the activity was full, you are on the waiting list."),
    )


@require_POST
def signup_cancel_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _act(
        request,
        activity_id,
        lambda actor, activity: activity_sign_up_cancel(actor=actor, activity=activity),
        _("Your sign-up is cancelled."),
    )


@require_POST
def activity_cancel_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _act(
        request,
        activity_id,
        lambda actor, activity: activity_cancel(actor=actor, activity=activity),
        _("The activity is cancelled; everyone signed up has been told."),
    )


@require_safe
def checkin_code_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The organiser's phone shows this at the venue: a code that changes every 30 seconds."""
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    ensure_can_manage_activity(actor, activity)
    token = qr_token(QR_PURPOSE, activity.pk)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk])) + f"?code={token}"
    attended, confirmed = attendance_of(activity)
    return render(
        request,
        "activities/checkin_code.html",
        {
            "activity": activity,
            "qr": qr_svg_data_uri(url),
            "checkin_url": url,
            "refresh": qr_seconds_left(),
            "attended": attended,
            "confirmed": confirmed,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Where the scanned code leads: one button to check in (the code travels in the form)."""
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    code = (request.POST.get("code") if request.method == "POST" else request.GET.get("code")) or ""
    if request.method == "POST":
        try:
            activity_check_in(actor=actor, activity=activity, code=code)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
        return redirect(activity)
    return render(request, "activities/checkin.html", {"activity": activity, "code": code})


@require_safe
def attendance_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The organiser's roll: who has a place, who came; tick those without a phone."""
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    ensure_can_manage_activity(actor, activity)
    attended, confirmed = attendance_of(activity)
    return render(
        request,
        "activities/attendance.html",
        {"activity": activity, "signups": list(signup_list(activity)), "attended": attended, "confirmed": confirmed},
    )


@require_POST
def tick_view(request: HttpRequest, activity_id: int, signup_id: int) -> HttpResponse:
    actor = request_actor(request)
    activity = access_activity_by_id(actor, activity_id)
    ensure_can_manage_activity(actor, activity)
    signup = get_object_or_404(Signup.objects.select_related("person", "activity"), pk=signup_id, activity=activity)
    try:
        activity_tick(actor=actor, activity=activity, signup=signup)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("activities:attendance", activity_id=activity.pk)


@require_safe
def series_view(request: HttpRequest, series_id: int) -> HttpResponse:
    """A repeating activity: how it repeats and its activities (the ones the reader sees)."""
    actor = request_actor(request)
    series = access_series_by_id(actor, series_id)
    return render(
        request,
        "activities/series_detail.html",
        {
            "series": series,
            "activities": list(series_activity_list(actor, series.pk)),
            "can_manage": can_organise_for(actor, series.host),
        },
    )


@require_POST
def series_cancel_view(request: HttpRequest, series_id: int) -> HttpResponse:
    actor = request_actor(request)
    series = access_series_by_id(actor, series_id)
    try:
        cancelled = activity_series_cancel(actor=actor, series=series)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The series is cancelled: %(n)s coming activities, everyone signed up told.") % {"n": cancelled}
        )
    return redirect(series)


def _feed_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("activities:calendar_feed", args=[key]))


@require_safe
def calendar_view(request: HttpRequest) -> HttpResponse:
    """My calendar address, to subscribe to in a phone's calendar; reset it if it leaked."""
    actor = request_actor(request)
    if actor.person is None:
        raise PermissionDenied(_("Only a registered person has a calendar of activities."))
    feed = calendar_feed_of(actor.person_id)
    url = _feed_url(request, feed.key) if feed else ""
    return render(
        request,
        "activities/calendar.html",
        {"url": url, "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)},
    )


@require_POST
def calendar_reset_view(request: HttpRequest) -> HttpResponse:
    calendar_feed_reset(actor=request_actor(request))
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("activities:calendar")


@login_not_required
@require_safe
def calendar_feed_view(request: HttpRequest, key: str) -> HttpResponse:
    """Public by its secret address (a phone calendar cannot sign in): the person's activities
    as iCalendar. An unknown or reset address is 404."""
    feed = calendar_feed_by_key(key)
    if feed is None:
        raise Http404
    now = timezone.now()
    body = calendar_text(
        activity_list_for_calendar(feed.person_id, now=now),
        name=_("My activities"),
        host=request.get_host().split(":")[0],
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
