"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for river patrols.

Identities and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py). A segment object lies in the identity's community ("own" and "same")
or in the other community ("other"); everyone registered in the street reads every segment,
members, volunteers and staff claim them, residents and partner contacts only read; the
administrators read as the residents they also are."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM
from mulin.patrols import services
from mulin.patrols.models import Campaign, Inspection, PatrolLog, PatrolPhoto, River, Segment, SegmentClaim
from mulin.patrols.tests.factories import COURSE
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast

SEGMENT, RIVER, LOG, PHOTO = "patrol_segment", "patrol_river", "patrol_log", "patrol_photo"
CAMPAIGN = "patrol_campaign"
OBJECT_KINDS = frozenset({SEGMENT, RIVER, LOG, PHOTO, CAMPAIGN})

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
# The system, security and audit administrators live in the street too: they read as residents.
READERS = SIGNED_IN
PATROLLERS = READERS - {"resident_a", "resident_b", "partner_contact", "system_admin", "security_admin", "audit_admin"}
COMMUNITY_STAFF = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})
STREET_STAFF = frozenset({"street_admin"})
_names = itertools.count(1)
Triple = tuple[int, int, int]


def _web(ok: int, allowed: frozenset[str], denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _api(ok: int, allowed: frozenset[str], denied: int = 403) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _objects(ok: int, allowed: frozenset[str], *, denied: int, api: bool = False) -> dict[str, Triple]:
    out = 401 if api else 302
    table: dict[str, Triple] = {}
    for role in ROLES:
        status = out if role in OUT else ok if role in allowed else denied if role in READERS else 404
        table[role] = (status, status, status)
    return table


def _river(cast: Cast, name: str = "矩阵河") -> River:
    # Made without the service: a refused request's data must not write an audit row.
    river, _created = River.objects.get_or_create(
        street=cast.street.street, name=name, defaults={"scope_path": cast.street.street.path}
    )
    return river


def _form_segment(cast: Cast, role: str) -> Segment:
    """A segment in the identity's community for the patrol forms' data (on its own river, which
    `world` leaves out: the data is made before the request)."""
    community = cast.home_community[role]
    segment, _created = Segment.objects.get_or_create(
        river=_river(cast, "矩阵巡河"),
        name=f"巡{community.pk}",
        defaults={"community": community, "scope_path": community.path, "coordinates": COURSE, "length_m": 300},
    )
    return segment


def _patrol(cast: Cast, role: str, *, web: bool) -> dict[str, Any]:
    ended = timezone.localtime() - dt.timedelta(minutes=5)
    started = ended - dt.timedelta(minutes=30)
    data: dict[str, Any] = {"segment": _form_segment(cast, role).pk, "water_colour": "clear", "clarity_cm": 40}
    if web:
        return {**data, "started_at": f"{started:%Y-%m-%dT%H:%M}", "ended_at": f"{ended:%Y-%m-%dT%H:%M}",
                "floating_litter": "0", "smell": "0"}  # fmt: skip
    return {**data, "started_at": started.isoformat(), "ended_at": ended.isoformat()}


def _campaign_staff(ok: int, *, api: bool = False) -> dict[str, Triple]:
    """Staff of the campaign's community (the street's staff everywhere) close it."""
    out = 401 if api else 302
    table: dict[str, Triple] = {}
    for role in ROLES:
        if role in OUT:
            table[role] = (out, out, out)
        elif role == "street_admin":
            table[role] = (ok, ok, ok)
        elif role in {"worker_cuiyu", "worker_nanyuan"}:
            table[role] = (ok, ok, 403)
        else:
            table[role] = (403, 403, 403)
    return table


def _campaign(cast: Cast, community: Any) -> Campaign:
    compound = community.children.filter(kind="compound").first()
    return services.campaign_create(
        actor=SYSTEM,
        unit=community,
        title=f"矩阵排查{next(_names)}",
        compounds=[compound],
        starts_on=dt.date(2019, 8, 8),
        ends_on=dt.date(2019, 8, 11),
    )


def _inspection_payload(cast: Cast, role: str) -> dict[str, Any]:
    # An open campaign of the identity's community, made without the service (no audit row).
    community = cast.home_community[role]
    compound = community.children.filter(kind="compound").first()
    campaign, created = Campaign.objects.get_or_create(
        unit=community,
        title="矩阵数据排查",
        defaults={
            "scope_path": community.path,
            "hazards": services.TYPHOON_HAZARDS,
            "starts_on": dt.date(2019, 8, 8),
            "ends_on": dt.date(2019, 8, 11),
        },
    )
    if created:
        campaign.compounds.set([compound])
    return {"campaign": campaign.pk, "compound": compound.pk, "found": ["trees"]}


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the patrol routes."""

    def segment_payload(cast: Cast, role: str) -> dict[str, Any]:
        return {
            "river": _river(cast).pk,
            "community": cast.home_community[role].pk,
            "name": f"矩阵段{role}",
            "coordinates": COURSE,
        }

    return [
        # --- pages ---
        Route("patrols:rivers", expect=_web(200, READERS)),
        Route("patrols:segment", obj=SEGMENT, expect=_objects(200, READERS, denied=404)),
        Route(
            "patrols:segment",
            "POST",
            obj=SEGMENT,
            data=lambda c, r: {"role": "primary"},
            expect=_objects(302, PATROLLERS, denied=403),
        ),
        Route("patrols:log_create", expect=_web(200, PATROLLERS)),
        Route("patrols:log_create", "POST", data=lambda c, r: _patrol(c, r, web=True), expect=_web(302, PATROLLERS)),
        Route("patrols:log", obj=LOG, expect=_objects(200, READERS, denied=404)),
        Route("patrols:photo", obj=PHOTO, expect=_objects(200, READERS, denied=404)),
        Route("patrols:campaigns", expect=_web(200, READERS)),
        Route("patrols:campaign", obj=CAMPAIGN, expect=_objects(200, READERS, denied=404)),
        Route(
            "patrols:campaign_inspect",
            "POST",
            obj=CAMPAIGN,
            # The target was just made: the newest campaign (own, same or other community).
            data=lambda c, r: {"compound": Campaign.objects.latest("id").compounds.get().pk},
            expect=_objects(302, PATROLLERS, denied=403),
        ),
        Route(
            "patrols:campaign_close",
            "POST",
            obj=CAMPAIGN,
            data=lambda c, r: {"summary": "矩阵总结"},
            expect=_campaign_staff(302),
        ),
        # --- API ---
        Route("api:campaigns", expect=_api(200, SIGNED_IN), api=True),
        Route(
            "api:campaigns",
            "POST",
            data=lambda c, r: {
                "unit": c.home_community[r].pk,
                "title": "矩阵排查",
                "compounds": [c.home_community[r].children.filter(kind="compound").first().pk],
                "starts_on": "2019-08-08",
                "ends_on": "2019-08-11",
            },
            expect=_api(201, COMMUNITY_STAFF),
            api=True,
        ),
        Route("api:campaign", obj=CAMPAIGN, expect=_objects(200, READERS, denied=404, api=True), api=True),
        Route(
            "api:campaign-close",
            "POST",
            obj=CAMPAIGN,
            data=lambda c, r: {"summary": "矩阵总结"},
            expect=_campaign_staff(200, api=True),
            api=True,
        ),
        Route("api:inspections", expect=_api(200, SIGNED_IN), api=True),
        Route(
            "api:inspections",
            "POST",
            data=_inspection_payload,
            expect=_api(201, PATROLLERS),
            api=True,
        ),
        Route("api:patrols", expect=_api(200, SIGNED_IN), api=True),
        Route(
            "api:patrols", "POST", data=lambda c, r: _patrol(c, r, web=False), expect=_api(201, PATROLLERS), api=True
        ),
        Route("api:patrol", obj=LOG, expect=_objects(200, READERS, denied=404, api=True), api=True),
        Route("api:rivers", expect=_api(200, SIGNED_IN), api=True),
        Route(
            "api:rivers",
            "POST",
            data=lambda c, r: {"street": c.street.street.pk, "name": f"矩阵新河{r}"},
            expect=_api(201, STREET_STAFF),
            api=True,
        ),
        Route("api:river", obj=RIVER, expect=_objects(200, READERS, denied=404, api=True), api=True),
        Route("api:segments", expect=_api(200, SIGNED_IN), api=True),
        Route(
            "api:segments",
            "POST",
            data=segment_payload,
            expect=_api(201, COMMUNITY_STAFF),
            api=True,
        ),
        Route("api:segment", obj=SEGMENT, expect=_objects(200, READERS, denied=404, api=True), api=True),
        Route(
            "api:segment-claim",
            "POST",
            obj=SEGMENT,
            data=lambda c, r: {"role": "primary"},
            expect=_objects(200, PATROLLERS, denied=403, api=True),
            api=True,
        ),
    ]


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh segment in the identity's community or the other one."""
    if kind == CAMPAIGN:
        community = cast.home_community[role] if which != "other" else cast.other_community(role)
        return {"campaign_id": _campaign(cast, community).pk}
    river = _river(cast)
    if kind == RIVER:
        return {"river_id": river.pk}
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    segment = services.segment_save(
        actor=SYSTEM, river=river, community=community, name=f"矩阵{next(_names)}", coordinates=COURSE
    )
    if kind == SEGMENT:
        return {"segment_id": segment.pk}
    from mulin.workorders.tests.factories import jpeg_upload

    patroller = cast.person("party_member")
    assert patroller is not None
    ended = timezone.now() - dt.timedelta(minutes=5)
    log = services.patrol_log_create(
        actor=actor_for_person(patroller),
        segment=segment,
        started_at=ended - dt.timedelta(minutes=30),
        ended_at=ended,
        photos=[jpeg_upload()] if kind == PHOTO else [],
    )
    if kind == LOG:
        return {"log_id": log.pk}
    return {"photo_uuid": log.photos.get().uuid}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "rivers": sorted(River.objects.exclude(name__in=["矩阵河", "矩阵巡河"]).values_list("pk", "name")),
        "segments": Segment.objects.exclude(river__name="矩阵巡河").count(),
        "patrol_logs": PatrolLog.objects.count(),
        "patrol_photos": PatrolPhoto.objects.count(),
        "campaigns": sorted(Campaign.objects.exclude(title="矩阵数据排查").values_list("pk", "status")),
        "inspections": Inspection.objects.count(),
        "segment_claims": sorted(SegmentClaim.objects.values_list("pk", "released_at")),
    }
