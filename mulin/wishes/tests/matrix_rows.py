"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for the wish wall
and the points ledger, with the objects they act on and what a refusal must leave unchanged.

Identities, homes and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py). Everyone with a person record is a resident somewhere, so every signed-in
identity sees the street-wide wall and may post; claims, moderation and points staff follow roles.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.utils import timezone

from mulin.organizations.models import Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM
from mulin.points.defaults import ensure_default_rules
from mulin.points.models import LedgerEntry, PointRule, ServiceCertificate
from mulin.points.services import certificate_issue, points_award
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast
from mulin.wishes.defaults import ensure_default_categories
from mulin.wishes.models import Wish, WishCategory, WishEvent
from mulin.wishes.services import wish_claim, wish_fulfil, wish_publish, wish_submit
from mulin.wishes.tests.factories import jpeg_upload

WISH_SUBMITTED, WISH_PUBLISHED, WISH_PHOTO = "wish_submitted", "wish_published", "wish_photo"
WISH_CLAIMED, WISH_FULFILLED = "wish_claimed", "wish_fulfilled"
CATEGORY, RULE, ENTRY, CERTIFICATE = "wish_category", "points_rule", "ledger_entry", "certificate"
OBJECT_KINDS = frozenset(
    {WISH_SUBMITTED, WISH_PUBLISHED, WISH_CLAIMED, WISH_FULFILLED, WISH_PHOTO, CATEGORY, RULE, ENTRY, CERTIFICATE}
)

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
MODERATORS = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})
CLAIMERS = frozenset({"party_member", "volunteer", "branch_secretary", "partner_contact"})
STREET_STAFF = frozenset({"street_admin"})  # points staff and category editors in the cast
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


# --- expectations -------------------------------------------------------------------------------

PUBLIC_WISH = _objects({}, default=_same(200))
SUBMITTED_WISH = _objects(
    {"worker_cuiyu": (200, 200, 404), "worker_nanyuan": (200, 200, 404), "street_admin": _same(200)},
    default=(200, 404, 404),  # one's own, nobody else's
)
CLAIM = dict.fromkeys(CLAIMERS, (403, 302, 302))  # never one's own wish
PUBLISH = {"worker_cuiyu": (302, 302, 404), "worker_nanyuan": (302, 302, 404), "street_admin": _same(302)}
CONTACT = {"worker_cuiyu": (200, 200, 403), "worker_nanyuan": (200, 200, 403), "street_admin": _same(200)}
PHOTO = {
    "party_member": _same(200),  # the claimant of the others' wishes
    "worker_cuiyu": (200, 200, 404),
    "worker_nanyuan": (200, 200, 404),
    "street_admin": _same(200),
}
OWN_LEDGER = _objects({"street_admin": _same(200)}, default=(200, 404, 404))
# The API's action endpoints. Claimed and fulfilled wishes are claimed by the party member, except
# the party member's own, which the volunteer claimed.
MODERATE_API = {"worker_cuiyu": (200, 200, 404), "worker_nanyuan": (200, 200, 404), "street_admin": _same(200)}
RELEASE_API = {
    "party_member": (403, 200, 200),  # the claimant
    "worker_cuiyu": (200, 200, 403),  # staff of the wish's community (others see it on the wall)
    "worker_nanyuan": (200, 200, 403),
    "street_admin": _same(200),
}
FULFIL_API = {"party_member": (403, 200, 200)}  # the claimant alone
WISHER_ONLY_API = (200, 403, 403)  # confirm a fulfilled wish, withdraw a published one


def rows(Route: Any, PERSON: str) -> list[Any]:
    """The matrix rows of the wishes and points routes."""
    year = timezone.localdate().year

    def category_form(cast: Cast, role: str) -> dict[str, str]:
        pk = WishCategory.objects.get(code="other").pk
        return {
            f"c{pk}-name_zh_hans": "其他",
            f"c{pk}-name_en": "Other",
            f"c{pk}-default_hours": "2",
            f"c{pk}-order": "90",
        }

    def rule_form(cast: Cast, role: str) -> dict[str, str]:
        pk = PointRule.objects.get(code="wish-fulfilled").pk
        return {
            f"rule{pk}-points": "10",
            f"rule{pk}-hours": "0",
            f"rule{pk}-max_hours": "8",
            f"rule{pk}-is_active": "on",
        }

    def new_wish(cast: Cast, role: str) -> dict[str, Any]:
        return {"title": "矩阵心愿", "category": WishCategory.objects.get(code="repair").pk}

    return [
        # --- the wish wall ---
        Route("wishes:wall", expect=_web(200)),
        Route("wishes:create", expect=_web(200)),
        Route("wishes:create", "POST", expect=_web(302), data=new_wish),
        Route("wishes:enter", expect=_web(200, MODERATORS)),
        Route("wishes:mine", expect=_web(200)),
        Route("wishes:for_me", expect=_web(200, CLAIMERS)),
        Route("wishes:review", expect=_web(200, MODERATORS)),
        Route("wishes:stats", expect=_web(200, MODERATORS)),
        Route("wishes:categories", expect=_web(200, STREET_STAFF)),
        Route(
            "wishes:categories",
            "POST",
            expect=_web(302, STREET_STAFF),
            data=lambda c, r: {
                "code": f"matrix-{r}",
                "name_zh_hans": "矩阵",
                "name_en": "Matrix",
                "default_hours": "1",
                "order": "99",
                "is_active": "on",
            },
        ),
        Route(
            "wishes:category_edit",
            "POST",
            obj=CATEGORY,
            expect=_objects({"street_admin": _same(302)}, default=_same(403)),
            data=category_form,
        ),
        Route("wishes:detail", obj=WISH_PUBLISHED, expect=PUBLIC_WISH),
        Route("wishes:detail", obj=WISH_SUBMITTED, expect=SUBMITTED_WISH),
        Route(
            "wishes:action",
            "POST",
            obj=WISH_PUBLISHED,
            kwargs={"action": "claim"},
            expect=_objects(CLAIM, default=_same(403)),
        ),
        Route(
            "wishes:action",
            "POST",
            obj=WISH_SUBMITTED,
            kwargs={"action": "publish"},
            expect=_objects(PUBLISH, default=(403, 404, 404)),
        ),
        Route("wishes:contact", "POST", obj=WISH_PUBLISHED, expect=_objects(CONTACT, default=_same(403))),
        Route("wishes:photo", obj=WISH_PHOTO, expect=_objects(PHOTO, default=(200, 404, 404))),
        # --- points ---
        Route("points:mine", expect=_web(200)),
        Route("points:people", expect=_web(200, STREET_STAFF)),
        Route("points:person", obj=PERSON, expect=OWN_LEDGER),
        Route(
            "points:correct",
            "POST",
            obj=ENTRY,
            expect=_objects({"street_admin": _same(302)}, default=_same(404)),
            data=lambda c, r: {"points": "-1", "hours": "0", "reason": "矩阵"},
        ),
        # Nobody has service on record: the page comes back with a message, nothing is issued.
        Route("points:certificate_issue", "POST", kwargs={"year": year}, expect=_web(302)),
        Route("points:certificate", obj=CERTIFICATE, expect=OWN_LEDGER),
        Route("points:verify", expect=dict.fromkeys(ROLES, 200)),  # public: masked name and totals only
        Route("points:rules", expect=_web(200, STREET_STAFF)),
        Route(
            "points:rule_update",
            "POST",
            obj=RULE,
            expect=_objects({"street_admin": _same(302)}, default=_same(403)),
            data=rule_form,
        ),
        # --- API ---
        Route("api:wishes", expect=_api(200), api=True),
        Route(
            "api:wishes",
            "POST",
            expect=_api(201),
            data=lambda c, r: {"title": "矩阵心愿", "category": "repair"},
            api=True,
        ),
        Route("api:wish-categories", expect=_api(200), api=True),
        Route("api:wish-time-slots", expect=_api(200), api=True),
        Route("api:wish", obj=WISH_PUBLISHED, expect=_objects({}, default=_same(200), api=True), api=True),
        Route(
            "api:wish-claim",
            "POST",
            obj=WISH_PUBLISHED,
            api=True,
            expect=_objects(dict.fromkeys(CLAIMERS, (403, 200, 200)), default=_same(403), api=True),
        ),
        Route(
            "api:wish-publish",
            "POST",
            obj=WISH_SUBMITTED,
            api=True,
            expect=_objects(MODERATE_API, default=(403, 404, 404), api=True),
        ),
        Route(
            "api:wish-reject",
            "POST",
            obj=WISH_SUBMITTED,
            api=True,
            data=lambda c, r: {"reason": "矩阵"},
            expect=_objects(MODERATE_API, default=(403, 404, 404), api=True),
        ),
        Route(
            "api:wish-release",
            "POST",
            obj=WISH_CLAIMED,
            api=True,
            expect=_objects(RELEASE_API, default=_same(403), api=True),
        ),
        Route(
            "api:wish-fulfil",
            "POST",
            obj=WISH_CLAIMED,
            api=True,
            format="multipart",
            data=lambda c, r: {"note": "好了", "photos": [jpeg_upload()]},
            expect=_objects(FULFIL_API, default=_same(403), api=True),
        ),
        Route(
            "api:wish-confirm",
            "POST",
            obj=WISH_FULFILLED,
            api=True,
            data=lambda c, r: {"rating": 5},
            expect=_objects({}, default=WISHER_ONLY_API, api=True),
        ),
        Route(
            "api:wish-withdraw",
            "POST",
            obj=WISH_PUBLISHED,
            api=True,
            expect=_objects({}, default=WISHER_ONLY_API, api=True),
        ),
        Route(
            "api:wish-contact",
            "POST",
            obj=WISH_PUBLISHED,
            api=True,
            expect=_objects(CONTACT, default=_same(403), api=True),
        ),
        Route("api:points-me", expect=_api(200), api=True),
    ]


# --- objects --------------------------------------------------------------------------------------


def _owner(cast: Cast, role: str, which: str) -> Person:
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    own = cast.person(role)
    return own if which == "own" and own is not None else cast.plain_in(community)


def _wish(wisher: Person) -> Wish:
    return wish_submit(
        actor=actor_for_person(wisher), title="楼道灯坏了", category=WishCategory.objects.get(code="repair")
    )


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh object of `kind` owned by the identity, a neighbour, or a stranger."""
    ensure_default_categories(WishCategory)
    ensure_default_rules(PointRule)
    if kind == CATEGORY:
        return {"category_id": WishCategory.objects.get(code="other").pk}
    if kind == RULE:
        return {"rule_id": PointRule.objects.get(code="wish-fulfilled").pk}
    owner = _owner(cast, role, which)
    if kind in (ENTRY, CERTIFICATE):
        community = cast.home_community[role] if which != "other" else cast.other_community(role)
        [entry, *_rest] = points_award(
            event="wishes.closed",
            person=owner,
            source=_wish(owner),  # any fresh row will do: a new source each time
            occurred_at=timezone.now(),
            scope_path=community.path,
            hours=Decimal(1),
        )
        if kind == ENTRY:
            return {"entry_id": entry.pk}
        return {"number": certificate_issue(actor=SYSTEM, person=owner, year=timezone.localdate().year).number}
    wish = _wish(owner)
    if kind == WISH_SUBMITTED:
        return {"wish_id": wish.pk}
    wish_publish(actor=SYSTEM, wish=wish)
    if kind == WISH_PUBLISHED:
        return {"wish_id": wish.pk}
    claimant = cast.people["volunteer"] if owner == cast.people["party_member"] else cast.people["party_member"]
    with override_settings(MULIN_WISH_MAX_OPEN_CLAIMS=10**6):  # one helper holds every claim of the matrix
        wish_claim(actor=actor_for_person(claimant), wish=wish)
    if kind == WISH_CLAIMED:
        return {"wish_id": wish.pk}
    wish_fulfil(actor=actor_for_person(claimant), wish=wish, note="好了", photos=[jpeg_upload()])
    if kind == WISH_FULFILLED:
        return {"wish_id": wish.pk}
    return {"photo_uuid": wish.photos.get().uuid}


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "wishes": sorted(Wish.objects.values_list("pk", "status", "claimant_id", "title")),
        "wish_events": WishEvent.objects.count(),
        "categories": sorted(WishCategory.objects.values_list("pk", "is_active", "name_zh_hans", "default_hours")),
        "rules": sorted(PointRule.objects.values_list("pk", "points", "max_hours", "is_active")),
        "ledger": LedgerEntry.objects.count(),
        "certificates": ServiceCertificate.objects.count(),
    }
