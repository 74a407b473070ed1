"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for activities, with
the objects they act on and what a refusal must leave unchanged.

"Own" and "same" are an activity for the identity's home community, held by that community's
branch; "other" one for the other community. Such an activity is seen by the people of its
community and by the organisers of its host (the branch, the community's staff, the street).
Activities start in three days, so check-in and ticking are refused with a message (302/409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from mulin.activities.models import Activity, ActivitySeries, ActivityType, CalendarFeed, Signup
from mulin.activities.services import QR_PURPOSE, activity_series_create, activity_sign_up
from mulin.activities.tests.factories import make_activity, soon
from mulin.core.qrcodes import qr_token
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast

ACTIVITY, SIGNUP, SERIES = "activity", "activity_signup", "activity_series"
OBJECT_KINDS = frozenset({ACTIVITY, SIGNUP, SERIES})

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
VIEWERS = SIGNED_IN  # everyone with a person record is a resident somewhere (the admins too)
ORGANISERS = frozenset({"branch_secretary", "worker_cuiyu", "worker_nanyuan", "partner_contact", "street_admin"})
Triple = tuple[int, int, int]


def _web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _api(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _objects(table: dict[str, Triple], *, default: Triple, api: bool = False) -> dict[str, Triple]:
    out: Triple = (401, 401, 401) if api else (302, 302, 302)
    return {role: out if role in OUT else table.get(role, default) for role in ROLES}


def _seen(ok: int, *, api: bool = False) -> dict[str, Triple]:
    """Everyone of the activity's community sees it; the street administrator everywhere."""
    table = {**dict.fromkeys(VIEWERS, (ok, ok, 404)), "street_admin": (ok, ok, ok)}
    return _objects(table, default=(404, 404, 404), api=api)


def _run(ok: int, *, api: bool = False) -> dict[str, Triple]:
    """The host's organisers: the branch secretary (their branch), community staff, the street."""
    table = {
        **dict.fromkeys(VIEWERS, (403, 403, 404)),
        "branch_secretary": (ok, ok, 404),
        "worker_cuiyu": (ok, ok, 404),
        "worker_nanyuan": (ok, ok, 404),
        "street_admin": (ok, ok, ok),
    }
    return _objects(table, default=(404, 404, 404), api=api)


def _branch_of(cast: Cast, community: OrgUnit) -> OrgUnit:
    return cast.street.cuiyu_branch if community == cast.street.cuiyu else cast.street.nanyuan_branch


def _host_of(cast: Cast, role: str) -> OrgUnit:
    s = cast.street
    return {
        "branch_secretary": s.nanyuan_branch,
        "worker_cuiyu": s.cuiyu,
        "worker_nanyuan": s.nanyuan,
        "partner_contact": s.partner,
        "street_admin": s.street,
    }.get(role, cast.home_community[role])


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the activity routes."""

    def page_activity(cast: Cast, role: str) -> dict[str, Any]:
        start, end = soon(days=6)
        from mulin.activities.models import ActivityType

        return {
            "type": ActivityType.objects.get(code="lecture").pk,
            "title": "矩阵活动",
            "host": _host_of(cast, role).pk,
            "audience": "everyone",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{end:%Y-%m-%dT%H:%M}",
            "address": "矩阵地址",
            "capacity": "10",
        }

    def api_activity(cast: Cast, role: str) -> dict[str, Any]:
        start, end = soon(days=6)
        return {
            "type": "lecture",
            "title": "矩阵活动",
            "host": _host_of(cast, role).pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "address": "矩阵地址",
            "capacity": 10,
        }

    def code(cast: Cast, role: str) -> dict[str, str]:
        latest = Activity.objects.order_by("-pk").first()
        return {"code": qr_token(QR_PURPOSE, latest.pk if latest else 0)}

    return [
        Route("activities:list", expect=_web(200, VIEWERS)),
        Route("activities:create", expect=_web(200, ORGANISERS)),
        Route("activities:create", "POST", expect=_web(302, ORGANISERS), data=page_activity),
        Route("activities:detail", obj=ACTIVITY, expect=_seen(200)),
        Route("activities:signup", "POST", obj=ACTIVITY, expect=_seen(302)),
        Route("activities:signup_cancel", "POST", obj=ACTIVITY, expect=_seen(302)),
        Route("activities:cancel", "POST", obj=ACTIVITY, expect=_run(302)),
        Route("activities:code", obj=ACTIVITY, expect=_run(200)),
        Route("activities:checkin", obj=ACTIVITY, expect=_seen(200)),
        Route("activities:checkin", "POST", obj=ACTIVITY, expect=_seen(302), data=code),
        Route("activities:attendance", obj=ACTIVITY, expect=_run(200)),
        Route("activities:tick", "POST", obj=SIGNUP, expect=_run(302)),
        Route("api:activities", expect=_api(200), api=True),
        Route("api:activities", "POST", expect=_api(201, ORGANISERS), data=api_activity, api=True),
        Route("api:activity-types", expect=_api(200), api=True),
        Route("api:activity", obj=ACTIVITY, expect=_seen(200, api=True), api=True),
        Route("api:activity-signup", "POST", obj=ACTIVITY, expect=_seen(201, api=True), api=True),
        Route("api:activity-signup", "DELETE", obj=ACTIVITY, expect=_seen(409, api=True), api=True),
        Route("api:activity-checkin", "POST", obj=ACTIVITY, expect=_seen(409, api=True), data=code, api=True),
        Route("api:activity-attendance", obj=ACTIVITY, expect=_run(200, api=True), api=True),
        Route("activities:series", obj=SERIES, expect=_seen(200)),
        Route("activities:series_cancel", "POST", obj=SERIES, expect=_run(302)),
        Route("api:activity-series", obj=SERIES, expect=_seen(200, api=True), api=True),
        Route("api:activity-series-cancel", "POST", obj=SERIES, expect=_run(200, api=True), api=True),
        Route("activities:calendar", expect=_web(200, VIEWERS)),
        Route("activities:calendar_reset", "POST", expect=_web(302, VIEWERS)),
        # Public by its secret (a phone calendar cannot sign in): an unknown secret is 404 for everyone.
        Route("activities:calendar_feed", expect=dict.fromkeys(ROLES, 404), kwargs={"key": "x" * 43}),
        Route("api:activity-calendar", expect=_api(200), api=True),
        Route("api:activity-calendar-reset", "POST", expect=_api(200), api=True),
    ]


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh activity for the identity's or the other community (and, for
    ticking, a sign-up of a resident there)."""
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    if kind == SERIES:
        start, end = soon(days=6)
        series = activity_series_create(
            actor=SYSTEM,
            repeat="weekly",
            count=2,
            type=ActivityType.objects.get(code="theme-party-day"),
            title="矩阵系列",
            host=_branch_of(cast, community),
            starts_at=start,
            ends_at=end,
            capacity=5,
            audience=Activity.Audience.COMMUNITY,
            address="矩阵地址",
        )
        return {"series_id": series.pk}
    activity = make_activity(
        _branch_of(cast, community), title="矩阵主题党日", audience=Activity.Audience.COMMUNITY, capacity=5
    )
    if kind == ACTIVITY:
        return {"activity_id": activity.pk}
    signup = activity_sign_up(actor=actor_for_person(cast.plain_in(community)), activity=activity)
    return {"activity_id": activity.pk, "signup_id": signup.pk}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "activities": sorted(Activity.objects.values_list("pk", "status", "confirmed_count")),
        "series": sorted(ActivitySeries.objects.values_list("pk", "cancelled_at")),
        "calendar_feeds": sorted(CalendarFeed.objects.values_list("pk", "key_hash")),
        "signups": sorted(Signup.objects.values_list("pk", "status", "checked_in_at")),
    }


# --- successful requests (tests/security/test_sec_mass_assignment.py) -------------------------------
# As in mulin/rosters/tests/matrix_rows.py: the identity and the state a successful request needs
# (a sign-up to give up; an activity about to start, with a place, and the venue's current code).


def _prepare_cancel(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    person = cast.person(role)
    assert person is not None
    activity_sign_up(actor=actor_for_person(person), activity=Activity.objects.get(pk=kwargs["activity_id"]))
    return kwargs, dict


def _prepare_check_in(cast: Cast, role: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], Callable[[], Any]]:
    """An activity of the identity's community starting in half an hour (check-in opens an hour
    before), with the identity's place."""
    person = cast.person(role)
    assert person is not None
    start = timezone.now() + dt.timedelta(minutes=30)
    activity = make_activity(
        _branch_of(cast, cast.home_community[role]),
        title="矩阵签到活动",
        audience=Activity.Audience.COMMUNITY,
        capacity=5,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    activity_sign_up(actor=actor_for_person(person), activity=activity)
    return {"activity_id": activity.pk}, lambda: {"code": qr_token(QR_PURPOSE, activity.pk)}


PREPARED: dict[tuple[str, str], tuple[str, Callable[[Cast, str, dict[str, Any]], Any]]] = {
    ("api:activity-signup", "DELETE"): ("resident_a", _prepare_cancel),
    ("api:activity-checkin", "POST"): ("resident_a", _prepare_check_in),
}
