"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for work orders and
their Open311 face, with the objects they act on and what a refusal must leave unchanged.

Identities, homes and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py). "Own" is an order the identity reported in their community, "same" one a
neighbour reported there, "other" one reported in the other community. Everyone registered sees
the street's orders (their public fields); staff of the order's community act on it; the partner
contact works on orders sent to the partner unit; the reporter verifies, reopens and rates.
"""

from __future__ import annotations

from typing import Any

from mulin.organizations.models import Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast
from mulin.workorders import services
from mulin.workorders.defaults import ensure_default_categories
from mulin.workorders.models import ExternalDepartment, Open311Client, WorkOrder, WorkOrderCategory, WorkOrderEvent
from mulin.workorders.tests.factories import jpeg_upload

WO_REPORTED, WO_ACCEPTED, WO_DISPATCHED = "wo_reported", "wo_accepted", "wo_dispatched"
WO_WITH_PARTNER, WO_RESOLVED, WO_VERIFIED, WO_CLOSED = "wo_partner", "wo_resolved", "wo_verified", "wo_closed"
WO_PHOTO, OPEN311_CLIENT = "wo_photo", "open311_client"
OBJECT_KINDS = frozenset(
    {WO_REPORTED, WO_ACCEPTED, WO_DISPATCHED, WO_WITH_PARTNER, WO_RESOLVED, WO_VERIFIED, WO_CLOSED, WO_PHOTO}
    | {OPEN311_CLIENT}
)

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
MANAGERS = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})
HANDLERS = frozenset({"branch_secretary", "partner_contact"})
STREET_STAFF = frozenset({"street_admin"})
Triple = tuple[int, int, int]


def _web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _api(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok if role in allowed else denied for role in ROLES}


def _objects(table: dict[str, Triple], *, default: Triple, api: bool = False) -> dict[str, Triple]:
    out: Triple = (401, 401, 401) if api else (302, 302, 302)
    return {role: out if role in OUT else table.get(role, default) for role in ROLES}


def _same(status: int) -> Triple:
    return (status, status, status)


def _staff(ok: int) -> dict[str, Triple]:
    """Staff act on orders of their own community; the street administrator on all."""
    return {"worker_cuiyu": (ok, ok, 403), "worker_nanyuan": (ok, ok, 403), "street_admin": _same(ok)}


def _reporter_or_staff(ok: int) -> dict[str, Triple]:
    return {**dict.fromkeys(SIGNED_IN, (ok, 403, 403)), **_staff(ok)}


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the work-order routes."""

    def report(cast: Cast, role: str) -> dict[str, Any]:
        return {
            "category": WorkOrderCategory.objects.get(code="river-litter").pk,
            "title": "矩阵工单",
            "community": cast.home_community[role].pk,
        }

    def api_report(cast: Cast, role: str) -> dict[str, Any]:
        return {"category": "river-litter", "title": "矩阵工单", "community": cast.home_community[role].pk}

    reason = {"reason": "矩阵理由"}
    return [
        # --- pages ---
        Route("workorders:list", expect=_web(200)),
        Route("workorders:queue", expect=_web(200, MANAGERS | HANDLERS)),
        Route("workorders:mine", expect=_web(200)),
        Route("workorders:create", expect=_web(200)),
        Route("workorders:create", "POST", expect=_web(302), data=report),
        Route("workorders:detail", obj=WO_REPORTED, expect=_objects({}, default=_same(200))),
        Route(
            "workorders:action",
            "POST",
            obj=WO_REPORTED,
            kwargs={"action": "accept"},
            expect=_objects(_staff(302), default=_same(403)),
        ),
        Route(
            "workorders:action",
            "POST",
            obj=WO_WITH_PARTNER,
            kwargs={"action": "start"},
            expect=_objects({**_staff(302), "partner_contact": _same(302)}, default=_same(403)),
        ),
        Route(
            "workorders:rate",
            "POST",
            obj=WO_CLOSED,
            expect=_objects({}, default=(302, 403, 403)),
            data=lambda c, r: {"rate-fixed": "yes", "rate-satisfaction": "5"},
        ),
        Route(
            "workorders:photo",
            obj=WO_PHOTO,
            expect=_objects(
                {"worker_cuiyu": (200, 200, 404), "worker_nanyuan": (200, 200, 404), "street_admin": _same(200)},
                default=(200, 404, 404),
            ),
        ),
        Route("workorders:open311_clients", expect=_web(200, STREET_STAFF)),
        Route(
            "workorders:open311_clients",
            "POST",
            expect=_web(200, STREET_STAFF),
            data=lambda c, r: {"name": "矩阵热线", "default_community": c.street.nanyuan.pk},
        ),
        Route(
            "workorders:open311_revoke",
            "POST",
            obj=OPEN311_CLIENT,
            expect=_objects({"street_admin": _same(302)}, default=_same(404)),
        ),
        Route("workorders:departments", expect=_web(200, STREET_STAFF)),
        Route(
            "workorders:departments",
            "POST",
            expect=_web(302, STREET_STAFF),
            data=lambda c, r: {"code": f"m-{r}", "name_zh_hans": "矩阵部门", "is_active": "on"},
        ),
        # --- API ---
        Route("api:work-orders", expect=_api(200), api=True),
        Route("api:work-orders", "POST", expect=_api(201), data=api_report, api=True),
        Route("api:work-order", obj=WO_REPORTED, expect=_objects({}, default=_same(200), api=True), api=True),
        Route(
            "api:work-order-parties",
            obj=WO_REPORTED,
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-accept",
            "POST",
            obj=WO_REPORTED,
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-dispatch",
            "POST",
            obj=WO_ACCEPTED,
            data=lambda c, r: {"unit": c.street.partner.pk},
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-reassign",
            "POST",
            obj=WO_DISPATCHED,
            data=lambda c, r: {"unit": c.street.partner.pk, **reason},
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-return",
            "POST",
            obj=WO_WITH_PARTNER,
            data=lambda c, r: reason,
            expect=_objects({**_staff(200), "partner_contact": _same(200)}, default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-start",
            "POST",
            obj=WO_WITH_PARTNER,
            expect=_objects({**_staff(200), "partner_contact": _same(200)}, default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-resolve",
            "POST",
            obj=WO_WITH_PARTNER,
            data=lambda c, r: {"note": "矩阵处理", "photos": [jpeg_upload()]},
            format="multipart",
            expect=_objects({**_staff(200), "partner_contact": _same(200)}, default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-send-back",
            "POST",
            obj=WO_RESOLVED,
            data=lambda c, r: reason,
            expect=_objects(_reporter_or_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-verify",
            "POST",
            obj=WO_RESOLVED,
            expect=_objects(_reporter_or_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-close",
            "POST",
            obj=WO_VERIFIED,
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-close-unfixed",
            "POST",
            obj=WO_REPORTED,
            data=lambda c, r: {"resolution": "duplicate", **reason},
            expect=_objects(_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-reopen",
            "POST",
            obj=WO_CLOSED,
            data=lambda c, r: reason,
            expect=_objects(_reporter_or_staff(200), default=_same(403), api=True),
            api=True,
        ),
        Route(
            "api:work-order-rate",
            "POST",
            obj=WO_CLOSED,
            data=lambda c, r: {"fixed": True, "satisfaction": 5},
            expect=_objects({}, default=(200, 403, 403), api=True),
            api=True,
        ),
        Route("api:work-order-categories", expect=_api(200), api=True),
        Route("api:external-departments", expect=_api(200), api=True),
        # --- Open311: services are public; requests need a client's api_key (none here: 403) ---
        Route("open311:services", expect=dict.fromkeys(ROLES, 200), api=True),
        Route("open311:requests", expect=dict.fromkeys(ROLES, 403), api=True),
        Route(
            "open311:requests",
            "POST",
            data=lambda c, r: {"service_code": "river-litter", "address_string": "矩阵"},
            format="multipart",
            expect=dict.fromkeys(ROLES, 403),
            api=True,
        ),
        Route("open311:request", kwargs={"request_id": 1}, expect=dict.fromkeys(ROLES, 403), api=True),
    ]


# --- objects --------------------------------------------------------------------------------------


def _reporter(cast: Cast, role: str, which: str) -> tuple[Person, Any]:
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    own = cast.person(role)
    return (own if which == "own" and own is not None else cast.plain_in(community)), community


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh object of `kind` reported by the identity, a neighbour, or a stranger."""
    ensure_default_categories(WorkOrderCategory)
    if kind == OPEN311_CLIENT:
        client, _key = services.open311_client_issue(
            actor=SYSTEM, street=cast.street.street, name="矩阵热线", default_community=cast.street.nanyuan
        )
        return {"client_id": client.pk}
    reporter, community = _reporter(cast, role, which)
    order = services.work_order_create(
        actor=actor_for_person(reporter),
        category=WorkOrderCategory.objects.get(code="river-litter"),
        title="河面漂浮物",
        community=community,
        photos=[jpeg_upload()] if kind == WO_PHOTO else [],
    )
    if kind == WO_PHOTO:
        return {"photo_uuid": order.photos.get().uuid}
    if kind == WO_REPORTED:
        return {"order_id": order.pk}
    services.work_order_accept(actor=SYSTEM, order=order)
    if kind == WO_ACCEPTED:
        return {"order_id": order.pk}
    party = cast.street.partner if kind != WO_DISPATCHED else community
    services.work_order_dispatch(actor=SYSTEM, order=order, party=party)
    if kind in (WO_DISPATCHED, WO_WITH_PARTNER):
        return {"order_id": order.pk}
    services.work_order_resolve(actor=SYSTEM, order=order, note="已处理", photos=[jpeg_upload()])
    if kind == WO_RESOLVED:
        return {"order_id": order.pk}
    services.work_order_verify(actor=SYSTEM, order=order)
    if kind == WO_VERIFIED:
        return {"order_id": order.pk}
    services.work_order_close(actor=SYSTEM, order=order)
    return {"order_id": order.pk}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "work_orders": sorted(
            WorkOrder.objects.values_list("pk", "status", "assignee_unit_id", "resolution", "satisfaction")
        ),
        "work_order_events": WorkOrderEvent.objects.count(),
        "open311_clients": sorted(Open311Client.objects.values_list("pk", "revoked_at")),
        "departments": ExternalDepartment.objects.count(),
    }
