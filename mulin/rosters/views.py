"""Duty rosters in the browser. Thin: parse, call one selector or service, render; buttons are
shown by the same predicates the services enforce. Phone first: a volunteer reads the pledge and
signs it, picks shifts, and checks in and out at the point by scanning its code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mulin.core.exceptions import ApplicationError
from mulin.core.qrcodes import qr_seconds_left, qr_svg_data_uri
from mulin.organizations.middleware import request_actor
from mulin.organizations.models import OrgUnit
from mulin.rosters.models import ACTIVE_ASSIGNMENT_STATUSES, Assignment
from mulin.rosters.permissions import (
    access_point_by_id,
    access_shift_by_id,
    can_manage_rosters,
    can_take_duty,
    can_view_roster,
)
from mulin.rosters.selectors import (
    communities_visible_to,
    my_duty,
    pledge_current,
    pledge_wall,
    shift_list_visible_to,
    signature_of,
    signed_up_shift_ids,
    week_grid,
)
from mulin.rosters.services import duty as duty_services
from mulin.rosters.services import pledges as pledge_services


def _community(request: HttpRequest) -> OrgUnit:
    """The community the page is about: ?community= if the actor may see its roster, else the
    first one they may see (their own, for residents)."""
    actor = request_actor(request)
    visible = communities_visible_to(actor)
    raw = request.GET.get("community") or request.POST.get("community") or ""
    if raw:
        community = visible.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
        if community is None:
            raise Http404
        return community
    person = actor.person
    if person is not None and person.home_unit is not None:
        own = visible.filter(path__in=_ancestor_paths(person.home_unit.path)).first()
        if own is not None:
            return own
    community = visible.first()
    if community is None:
        raise PermissionDenied(_("You may not see this community's duty roster."))
    return community


def _ancestor_paths(path: str) -> list[str]:
    from mulin.organizations.scoping import unit_ancestor_paths

    return list(unit_ancestor_paths(path))


@require_safe
def my_duty_view(request: HttpRequest) -> HttpResponse:
    """My coming duty and what I served lately, sized for a phone."""
    person = request_actor(request).person
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    since = timezone.now() - dt.timedelta(days=14)
    return render(request, "rosters/my_duty.html", {"assignments": list(my_duty(person, start=since)[:100])})


@require_safe
def shifts_view(request: HttpRequest) -> HttpResponse:
    """The coming week's shifts of a community, with a sign-up button on each open one, and the
    pledge to sign first for whoever has not."""
    actor = request_actor(request)
    community = _community(request)
    try:
        first = dt.date.fromisoformat(request.GET.get("from") or "") if request.GET.get("from") else None
    except ValueError:
        first = None
    first = max(first or timezone.localdate(), timezone.localdate())
    tz = timezone.get_current_timezone()
    start = max(dt.datetime.combine(first, dt.time.min, tzinfo=tz), timezone.now())
    end = dt.datetime.combine(first + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    shifts = list(shift_list_visible_to(actor, community=community, start=start, end=end).filter(status="scheduled"))
    mine = signed_up_shift_ids(actor.person, [s.pk for s in shifts])
    days: dict[dt.date, list[Any]] = {}
    for shift in shifts:
        days.setdefault(timezone.localtime(shift.starts_at).date(), []).append(shift)
    context = {
        "community": community,
        "days": sorted(days.items()),
        "mine": mine,
        "can_take_duty": can_take_duty(actor, community),
        "signature": signature_of(actor.person, community),
        "pledge": pledge_current(community),
        "first": first.isoformat(),
        "next_from": (first + dt.timedelta(days=7)).isoformat(),
        "organiser": can_manage_rosters(actor, community.path),
    }
    return render(request, "rosters/shifts.html", context)


def _back_to_shifts(request: HttpRequest, community_id: int) -> HttpResponse:
    """Back to the shifts page the form was on (the same community and first day)."""
    url = f"{reverse('rosters:shifts')}?community={community_id}"
    try:
        first = dt.date.fromisoformat(request.POST.get("from") or "")
    except ValueError:
        return redirect(url)
    return redirect(f"{url}&from={first.isoformat()}")


@require_POST
def shift_signup_view(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = request_actor(request)
    shift = access_shift_by_id(actor, shift_id)
    try:
        duty_services.shift_sign_up(actor=actor, shift=shift)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are on duty then. Thank you!"))
    return _back_to_shifts(request, shift.community_id)


@require_POST
def shift_withdraw_view(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = request_actor(request)
    shift = access_shift_by_id(actor, shift_id)
    assignment = Assignment.objects.filter(
        shift=shift, person=actor.person, status__in=ACTIVE_ASSIGNMENT_STATUSES
    ).first()
    if assignment is None:
        raise Http404
    try:
        duty_services.assignment_withdraw(actor=actor, assignment=assignment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are no longer on this shift."))
    return _back_to_shifts(request, shift.community_id)


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_view(request: HttpRequest) -> HttpResponse:
    """The community's pledge to read and sign, and its public wall of who signed (亮身份)."""
    actor = request_actor(request)
    community = _community(request)
    pledge = pledge_current(community)
    if request.method == "POST":
        if pledge is None:
            raise Http404
        try:
            pledge_services.pledge_sign(actor=actor, pledge=pledge)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for signing. You can now sign up for duty."))
            return redirect(f"{reverse('rosters:shifts')}?community={community.pk}")
        return redirect(f"{reverse('rosters:pledge')}?community={community.pk}")
    context = {
        "community": community,
        "pledge": pledge,
        "signature": signature_of(actor.person, community),
        "can_sign": can_take_duty(actor, community),
        "wall": pledge_wall(community, limit=200),
    }
    return render(request, "rosters/pledge.html", context)


# --- at the point ---------------------------------------------------------------------------------------


@require_safe
def point_code_view(request: HttpRequest, point_id: int) -> HttpResponse:
    """The point leader's (or an organiser's) phone shows the point's rotating code; people on
    duty scan it to check in and out. The page reloads itself when the code changes."""
    actor = request_actor(request)
    point = access_point_by_id(actor, point_id)
    if not (can_manage_rosters(actor, point.scope_path) or (actor.person_id and actor.person_id == point.leader_id)):
        raise PermissionDenied(_("Only the point leader or an organiser may tick people present."))
    code = duty_services.point_code(point.pk)
    url = request.build_absolute_uri(f"{reverse('rosters:scan', args=[point.pk])}?code={code}")
    context = {"point": point, "qr": qr_svg_data_uri(url), "refresh": qr_seconds_left(), "url": url}
    return render(request, "rosters/point_code.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def scan_view(request: HttpRequest, point_id: int) -> HttpResponse:
    """Where the scanned code leads: one's duty at this point now, with a button to check in or
    out (the code travels with the form, so a stale one is refused)."""
    actor = request_actor(request)
    point = access_point_by_id(actor, point_id)
    code = (request.POST.get("code") or request.GET.get("code") or "")[:200]
    person = actor.person
    assignment = duty_services.assignment_for_check_in(person, point.pk) if person is not None else None
    if request.method == "POST":
        if assignment is None:
            messages.error(request, _("You have no duty at this point now."))
            return redirect("rosters:mine")
        try:
            if assignment.status == Assignment.Status.ASSIGNED:
                done = duty_services.shift_check_in_by_code(actor=actor, shift=assignment.shift, code=code)
                messages.success(request, _("Checked in. Thank you for standing duty!"))
            else:
                done = duty_services.shift_check_out_by_code(actor=actor, shift=assignment.shift, code=code)
                messages.success(request, _("Checked out. %(hours)s hours go to your points.") % {"hours": done.hours})
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])))
        return redirect("rosters:mine")
    return render(request, "rosters/scan.html", {"point": point, "assignment": assignment, "code": code})


# --- the week grid ----------------------------------------------------------------------------------------


def shown_name(person: Any, *, full: bool) -> str:
    """Organisers see names in full; neighbours the name the person lets them see."""
    from mulin.core.masking import mask_name

    return str(person.full_name if full or person.shows_full_name else mask_name(person.full_name))


def _week_start(request: HttpRequest) -> dt.date:
    raw = request.GET.get("week") or ""
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def _grid(request: HttpRequest) -> Any:
    actor = request_actor(request)
    community = _community(request)
    if not can_view_roster(actor, community):
        raise PermissionDenied(_("You may not see this community's duty roster."))
    return week_grid(actor, community, _week_start(request))


@require_safe
def week_view(request: HttpRequest) -> HttpResponse:
    """A community's week: points × days × morning/evening, gaps highlighted, who stands on each
    shift and whether a party member is among them; coverage and the party members' share."""
    grid = _grid(request)
    actor = request_actor(request)
    first = grid.days[0]
    context = {
        "grid": grid,
        "community": grid.community,
        "organiser": can_manage_rosters(actor, grid.community.path),
        "previous": (first - dt.timedelta(days=7)).isoformat(),
        "next": (first + dt.timedelta(days=7)).isoformat(),
    }
    return render(request, "rosters/week.html", context)


@require_safe
def week_export_view(request: HttpRequest) -> HttpResponse:
    """The week grid as an Excel workbook (one row per shift), for printing and the notice board."""
    from mulin.core.spreadsheets import Sheet, write_xlsx

    grid = _grid(request)
    full = can_manage_rosters(request_actor(request), grid.community.path)
    rows = []
    for row in grid.rows:
        for d, day in enumerate(grid.days):
            for cell in row.cells[d]:
                if cell.shift is None:
                    continue
                rows.append(
                    [
                        row.point.compound.name,
                        row.point.name,
                        day.isoformat(),
                        f"{timezone.localtime(cell.shift.starts_at):%H:%M}–{timezone.localtime(cell.shift.ends_at):%H:%M}",
                        cell.shift.headcount,
                        len(cell.people),
                        cell.gap,
                        "、".join(shown_name(a.person, full=full) for a in cell.people),
                        cell.members,
                    ]
                )
    header = [
        _("Compound"),
        _("Point"),
        _("Date"),
        _("Hours"),
        _("People needed"),
        _("People on duty"),
        _("Missing"),
        _("Who"),
        _("Party members"),
    ]
    widths = (14, 18, 12, 12, 8, 8, 8, 40, 8)
    data = write_xlsx([Sheet(title=_("Week roster"), header=header, rows=rows, widths=widths)])
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="roster-{grid.days[0].isoformat()}.xlsx"'
    return response
