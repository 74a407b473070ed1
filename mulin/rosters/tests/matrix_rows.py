"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for duty rosters, with
the objects they act on and what a refusal must leave unchanged.

Identities and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py). For shifts and pledges "own" and "same" are both of the identity's home
community, "other" of the other community; for absences and requests "own" is the identity's own,
"same" a neighbour's, "other" someone's in the other community. Everyone who lives in a community
sees its roster; party members and volunteers stand duty (after signing the pledge: without it a
sign-up is a 409); the community's workers and the street organise.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.services import volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, make_person
from mulin.rosters.models import (
    Assignment,
    AutofillJob,
    DutyAbsence,
    DutyPoint,
    DutyRequest,
    Pledge,
    PledgeSignature,
    RosterPeriod,
    Shift,
)
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast

R_SHIFT, R_PLEDGE, R_ABSENCE, R_REQUEST = "roster_shift", "roster_pledge", "roster_absence", "roster_request"
R_PERIOD, R_JOB, R_POINT = "roster_period", "roster_job", "roster_point"
OBJECT_KINDS = frozenset({R_SHIFT, R_PLEDGE, R_ABSENCE, R_REQUEST, R_PERIOD, R_JOB, R_POINT})

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
# Who sees a community's roster: whoever lives there or organises it (the branch secretary of
# 南苑 lives there; the administrators live in one community each).
ORGANISERS = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})
DUTY = frozenset({"party_member", "volunteer", "branch_secretary"})
Triple = tuple[int, int, int]
_counter = itertools.count()


def _web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _api(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _objects(table: dict[str, Triple], *, default: Triple) -> dict[str, Triple]:
    return {role: (401, 401, 401) if role in OUT else table.get(role, default) for role in ROLES}


def _home(ok: int, refused: int = 404) -> Triple:
    """Allowed on the identity's own community's objects, not found in the other one."""
    return (ok, ok, refused)


def _staff(ok: int) -> dict[str, Triple]:
    return {"worker_cuiyu": _home(ok), "worker_nanyuan": _home(ok), "street_admin": (ok, ok, ok)}


def rows(Route: Any, PERSON: str) -> list[Any]:
    """The matrix rows of the roster routes."""
    everyone_sees = _objects(_staff(200), default=_home(200))
    web_objects = {ANONYMOUS: (302, 302, 302), DISABLED: (302, 302, 302)}
    return [
        Route("rosters:mine", expect=_web(200)),
        Route("rosters:shifts", expect=_web(200)),
        Route("rosters:pledge", expect=_web(200)),
        # The cast's communities have published no pledge: nothing to sign.
        Route("rosters:pledge", "POST", data=lambda c, r: {}, expect=_web(404)),
        Route("rosters:week", expect=_web(200)),
        Route("rosters:week_export", expect=_web(200)),
        Route(
            "rosters:signup",
            "POST",
            obj=R_SHIFT,
            # Duty-takers are sent back with the refusal (no pledge signed); others may not take duty.
            expect={
                **_objects({**dict.fromkeys(DUTY, _home(302)), "street_admin": (403, 403, 403)}, default=_home(403)),
                **web_objects,
            },
        ),
        Route(
            "rosters:withdraw",
            "POST",
            obj=R_SHIFT,
            expect={**_objects({}, default=_home(404)), **web_objects},
        ),
        Route(
            "rosters:point_code",
            obj=R_POINT,
            expect={**_objects(_staff(200), default=_home(403)), **web_objects},
        ),
        Route(
            "rosters:scan",
            obj=R_POINT,
            expect={**_objects({"street_admin": (200, 200, 200)}, default=_home(200)), **web_objects},
        ),
        Route(
            "rosters:scan",
            "POST",
            obj=R_POINT,
            data=lambda c, r: {"code": "forged"},
            expect={**_objects({"street_admin": (302, 302, 302)}, default=_home(302)), **web_objects},
        ),
        # --- API ---
        Route("api:duty-points", expect=_api(200), api=True),
        Route("api:shifts", expect=_api(200), api=True),
        Route("api:shifts-mine", expect=_api(200), api=True),
        Route(
            "api:shift-signup",
            "POST",
            obj=R_SHIFT,
            # Party members and volunteers reach the sign-up; without a signed pledge it is a 409.
            expect=_objects({**_staff(403), **dict.fromkeys(DUTY, _home(409))}, default=_home(403)),
            api=True,
        ),
        Route(
            "api:shift-signup",
            "DELETE",
            obj=R_SHIFT,
            expect=_objects({**_staff(404), "street_admin": (404, 404, 404)}, default=_home(404)),
            api=True,
        ),
        Route(
            "api:shift-assign",
            "POST",
            obj=R_SHIFT,
            data=lambda c, r: {"person": c.plain_in(c.street.cuiyu).pk},
            # A 翠玉 resident without a pledge: 翠玉 organisers reach the refusal (409); on 南苑 shifts 403.
            expect=_objects(
                {"worker_cuiyu": (409, 409, 404), "worker_nanyuan": (403, 403, 404), "street_admin": (403, 403, 409)},
                default=_home(403),
            ),
            api=True,
        ),
        Route(
            "api:shift-checkin",
            "POST",
            obj=R_SHIFT,
            data=lambda c, r: {"code": "forged"},
            expect=_objects({"street_admin": (400, 400, 400)}, default=_home(400)),
            api=True,
        ),
        Route(
            "api:shift-checkout",
            "POST",
            obj=R_SHIFT,
            data=lambda c, r: {"code": "forged"},
            expect=_objects({"street_admin": (400, 400, 400)}, default=_home(400)),
            api=True,
        ),
        Route("api:pledges", expect=_api(200), api=True),
        Route(
            "api:pledges",
            "POST",
            data=lambda c, r: {"community": c.home_community[r].pk, "title": "矩阵保证书", "body": "矩阵"},
            expect=_api(201, ORGANISERS),
            api=True,
        ),
        Route(
            "api:pledge-sign",
            "POST",
            obj=R_PLEDGE,
            # The second signature of the same version is a 409.
            expect=_objects({**_staff(403), **dict.fromkeys(DUTY, (201, 409, 404))}, default=_home(403)),
            api=True,
        ),
        Route("api:pledge-wall", obj=R_PLEDGE, expect=everyone_sees, api=True),
        Route("api:availability", expect=_api(200), api=True),
        Route(
            "api:availability",
            "PUT",
            data=lambda c, r: {"slots": ["0-morning"], "max_shifts_per_week": 2},
            expect=_api(200),
            api=True,
        ),
        Route("api:absences", expect=_api(200), api=True),
        Route(
            "api:absences",
            "POST",
            data=lambda c, r: {"starts_on": "2099-01-01", "ends_on": "2099-01-02"},
            expect=_api(201),
            api=True,
        ),
        Route("api:absence", "DELETE", obj=R_ABSENCE, expect=_objects({}, default=(204, 404, 404)), api=True),
        Route("api:duty-requests", expect=_api(200), api=True),
        Route(
            "api:duty-requests",
            "POST",
            data=lambda c, r: {"kind": "leave", "assignment": 999999},
            expect=_api(404),
            api=True,
        ),
        Route(
            "api:duty-request-approve",
            "POST",
            obj=R_REQUEST,
            expect=_objects(_staff(200), default=(404, 404, 404)),
            api=True,
        ),
        Route(
            "api:duty-request-decline",
            "POST",
            obj=R_REQUEST,
            expect=_objects(_staff(200), default=(404, 404, 404)),
            api=True,
        ),
        Route(
            "api:duty-request-withdraw",
            "POST",
            obj=R_REQUEST,
            expect=_objects({**_staff(403)}, default=(404, 404, 404)),
            api=True,
        ),
        Route("api:rosters", expect=_api(200), api=True),
        Route(
            "api:rosters",
            "POST",
            data=lambda c, r: {
                "community": c.home_community[r].pk,
                "kind": "week",
                "starts_on": (dt.date(2099, 1, 5) + dt.timedelta(weeks=ROLES.index(r))).isoformat(),
            },
            expect=_api(201, ORGANISERS),
            api=True,
        ),
        Route(
            "api:roster-autofill",
            "POST",
            obj=R_PERIOD,
            expect=_objects(_staff(202), default=_home(403)),
            api=True,
        ),
        Route(
            "api:roster-apply",
            "POST",
            obj=R_PERIOD,
            # No finished run to apply: organisers get a 400 that says so.
            expect=_objects(_staff(400), default=_home(403)),
            api=True,
        ),
        Route(
            "api:roster-autofill-job",
            obj=R_JOB,
            expect=_objects(_staff(200), default=(404, 404, 404)),
            api=True,
        ),
    ]


# --- objects --------------------------------------------------------------------------------------


def _compound(cast: Cast, community: OrgUnit) -> OrgUnit:
    return cast.street.cuiyu_compound if community == cast.street.cuiyu else cast.street.nanyuan_compound


def _point(cast: Cast, community: OrgUnit) -> DutyPoint:
    from mulin.rosters.services.setup import point_create

    point = DutyPoint.objects.filter(community=community).first()
    return point or point_create(actor=SYSTEM, compound=_compound(cast, community), name="矩阵投放点")


def _pledge(community: OrgUnit) -> Pledge:
    from mulin.rosters.services.pledges import pledge_publish

    pledge = Pledge.objects.filter(community=community).order_by("-version").first()
    return pledge or pledge_publish(actor=SYSTEM, community=community, title="矩阵保证书", body="按时到岗。")


def _period(cast: Cast, community: OrgUnit) -> RosterPeriod:
    """Next week's roster of the community."""
    from mulin.rosters.services.setup import period_generate

    _point(cast, community)
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    return RosterPeriod.objects.filter(community=community, starts_on=monday).first() or period_generate(
        actor=SYSTEM, community=community, kind="week", starts_on=monday
    )


def _shift(cast: Cast, community: OrgUnit) -> Shift:
    """A fresh one-minute shift next week (never overlapping another of the matrix)."""
    from mulin.rosters.services.setup import shift_add

    point = _point(cast, community)
    period = _period(cast, community)
    monday = period.starts_on
    n = next(_counter) % 1400  # 7 days × 200 slots between 10:00 and 16:40
    day = monday + dt.timedelta(days=n // 200)
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())
    start += dt.timedelta(minutes=2 * (n % 200))
    return shift_add(
        actor=SYSTEM, period=period, point=point, starts_at=start, ends_at=start + dt.timedelta(minutes=1), headcount=2
    )


def _volunteer(cast: Cast, community: OrgUnit) -> Person:
    building = cast.street.cuiyu_building if community == cast.street.cuiyu else cast.street.nanyuan_building
    person = make_person(home=building, with_account=True)
    volunteer_profile_set(actor=SYSTEM, person=person, skills=["cleaning"], availability=[])
    return person


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    if kind == R_SHIFT:
        return {"shift_id": _shift(cast, community).pk}
    if kind == R_PLEDGE:
        return {"pledge_id": _pledge(community).pk}
    if kind == R_POINT:
        return {"point_id": _point(cast, community).pk}
    if kind == R_PERIOD:
        return {"period_id": _period(cast, community).pk}
    if kind == R_JOB:
        period = _period(cast, community)
        job = AutofillJob.objects.create(period=period, community=community, scope_path=period.scope_path)
        return {"job_id": job.pk}
    own = cast.person(role)
    if kind == R_ABSENCE:
        person = own if which == "own" and own is not None else cast.plain_in(community)
        absence = DutyAbsence.objects.create(person=person, starts_on=dt.date(2099, 1, 1), ends_on=dt.date(2099, 1, 2))
        return {"absence_id": absence.pk}
    # R_REQUEST: a pending leave request of a fresh volunteer of the community.
    from mulin.rosters.services.duty import shift_sign_up
    from mulin.rosters.services.pledges import pledge_sign
    from mulin.rosters.services.requests import duty_request_leave

    person = _volunteer(cast, community)
    pledge_sign(actor=actor_for_person(person), pledge=_pledge(community))
    assignment = shift_sign_up(actor=actor_for_person(person), shift=_shift(cast, community))
    request = duty_request_leave(actor=actor_for_person(person), assignment=assignment)
    return {"request_id": request.pk}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "roster_assignments": sorted(Assignment.objects.values_list("pk", "status")),
        "roster_filled": sorted(Shift.objects.values_list("pk", "filled")),
        "roster_pledges": Pledge.objects.count(),
        "roster_signatures": PledgeSignature.objects.count(),
        "roster_absences": DutyAbsence.objects.count(),
        "roster_requests": sorted(DutyRequest.objects.values_list("pk", "status")),
        "roster_periods": RosterPeriod.objects.count(),
        "roster_jobs": sorted(AutofillJob.objects.values_list("pk", "status")),
    }


# --- successful requests (tests/security/test_sec_mass_assignment.py) -------------------------------
# The matrix rows above show the refusals the cast's state leads to (no pledge signed, no live code,
# no finished run). The mass-assignment test needs each write route to succeed once, plain and with
# hostile extra fields: here, per route, the identity and a preparation that makes the state a
# success needs. `prepare(cast, role, url_kwargs)` runs once, before both requests and outside their
# savepoints; it returns the URL arguments and a function that makes the body (called right before
# each request, so a rotating code is fresh).

Prepare = Callable[[Cast, str, dict[str, Any]], tuple[dict[str, Any], Callable[[], dict[str, Any]]]]


def _signed(cast: Cast, role: str) -> Person:
    """The identity, having signed its community's pledge (once)."""
    from mulin.rosters.services.pledges import pledge_sign

    person = cast.person(role)
    assert person is not None
    pledge = _pledge(cast.home_community[role])
    if not PledgeSignature.objects.filter(person=person, pledge=pledge).exists():
        pledge_sign(actor=actor_for_person(person), pledge=pledge)
    return person


def _on_duty(cast: Cast, role: str, shift: Shift) -> Assignment:
    from mulin.rosters.services.duty import shift_sign_up

    return shift_sign_up(actor=actor_for_person(_signed(cast, role)), shift=shift)


def _shift_starting_in(cast: Cast, community: OrgUnit, minutes: int) -> Shift:
    """A 90-minute shift of the community starting `minutes` from now (in this week's roster)."""
    from mulin.rosters.services.setup import period_generate, shift_add

    point = _point(cast, community)
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=minutes)
    day = timezone.localtime(start).date()
    monday = day - dt.timedelta(days=day.weekday())
    period = RosterPeriod.objects.filter(community=community, starts_on__lte=day, ends_on__gte=day).first()
    period = period or period_generate(actor=SYSTEM, community=community, kind="week", starts_on=monday)
    return shift_add(
        actor=SYSTEM, period=period, point=point, starts_at=start, ends_at=start + dt.timedelta(minutes=90), headcount=2
    )


def _prepare_sign_up(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    _signed(cast, role)
    return kwargs, dict


def _prepare_withdraw(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    _on_duty(cast, role, Shift.objects.get(pk=kwargs["shift_id"]))
    return kwargs, dict


def _prepare_assign(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    from mulin.rosters.services.pledges import pledge_sign

    community = Shift.objects.get(pk=kwargs["shift_id"]).community
    volunteer = _volunteer(cast, community)
    pledge_sign(actor=actor_for_person(volunteer), pledge=_pledge(community))
    return kwargs, lambda: {"person": volunteer.pk}


def _prepare_check_in(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    from mulin.rosters.services.duty import point_code

    shift = _shift_starting_in(cast, cast.home_community[role], 10)  # check-in opens 30 minutes before
    _on_duty(cast, role, shift)
    return {"shift_id": shift.pk}, lambda: {"code": point_code(shift.point_id)}


def _prepare_check_out(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    """On duty since 20 minutes ago: signed up and checked in before the start (the clock moved back
    for that), checking out now."""
    import time_machine

    from mulin.rosters.services.duty import point_code, shift_check_in

    with time_machine.travel(timezone.now() - dt.timedelta(minutes=40), tick=False):
        shift = _shift_starting_in(cast, cast.home_community[role], 20)
        assignment = _on_duty(cast, role, shift)
        shift_check_in(actor=actor_for_person(assignment.person), assignment=assignment)
    return {"shift_id": shift.pk}, lambda: {"code": point_code(shift.point_id)}


def _prepare_leave(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    assignment = _on_duty(cast, role, _shift(cast, cast.home_community[role]))
    return kwargs, lambda: {"kind": "leave", "assignment": assignment.pk, "reason": "家里有事"}


def _prepare_request_withdraw(
    cast: Cast, role: str, kwargs: dict[str, Any]
) -> tuple[dict[str, Any], Callable[[], Any]]:
    from mulin.rosters.services.requests import duty_request_leave

    assignment = _on_duty(cast, role, _shift(cast, cast.home_community[role]))
    request = duty_request_leave(actor=actor_for_person(assignment.person), assignment=assignment)
    return {"request_id": request.pk}, dict


def _prepare_apply(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    """A finished auto-fill run of the period, with someone who signed the pledge to place."""
    from mulin.rosters.services.autofill import autofill_run, autofill_start

    period = RosterPeriod.objects.get(pk=kwargs["period_id"])
    _signed(cast, "volunteer")
    person = cast.person(role)
    assert person is not None
    job = autofill_start(actor=actor_for_person(person), period=period, time_limit_seconds=1)
    autofill_run(job.pk)
    return kwargs, lambda: {"job": job.pk}


def _prepare_pledge_page(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    _pledge(cast.home_community[role])
    return kwargs, dict


PREPARED: dict[tuple[str, str], tuple[str, Prepare]] = {
    ("rosters:pledge", "POST"): ("volunteer", _prepare_pledge_page),
    ("rosters:withdraw", "POST"): ("volunteer", _prepare_withdraw),
    ("api:shift-signup", "POST"): ("volunteer", _prepare_sign_up),
    ("api:shift-signup", "DELETE"): ("volunteer", _prepare_withdraw),
    ("api:shift-assign", "POST"): ("worker_cuiyu", _prepare_assign),
    ("api:shift-checkin", "POST"): ("volunteer", _prepare_check_in),
    ("api:shift-checkout", "POST"): ("volunteer", _prepare_check_out),
    ("api:duty-requests", "POST"): ("volunteer", _prepare_leave),
    ("api:duty-request-withdraw", "POST"): ("volunteer", _prepare_request_withdraw),
    ("api:roster-apply", "POST"): ("worker_cuiyu", _prepare_apply),
}
