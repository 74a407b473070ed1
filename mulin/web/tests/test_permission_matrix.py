"""The permission matrix: every web and API route × every identity × own / same-community /
other-community object → the status each must get.

How to read a row: `Route("organizations:person", obj=PERSON, expect={...})` lists, per identity,
one status, or for routes about an object three statuses for (own, same community, other
community). "Own" is the identity's own person (or, for units, the building they live in),
"same community" a resident of their community without an account (or their community), "other
community" one of the other community.

Refusals of unsafe requests (POST/PUT) must leave the database exactly as it was.

`test_every_route_has_a_row` walks the URL resolver: a new route without a row here fails CI, so
whoever adds a route decides, in this table, who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mulin.activities.tests import matrix_rows as activity_matrix
from mulin.core.models import AuditEvent, QueuedTask
from mulin.health.tests import matrix_rows as health_matrix
from mulin.notifications.models import Notification, NotificationPreference
from mulin.organizations.models import OrgUnit, Person, RoleAssignment
from mulin.organizations.tests import matrix_rows as people_matrix
from mulin.patrols.tests import matrix_rows as patrol_matrix
from mulin.rosters.tests import matrix_rows as roster_matrix
from mulin.roundtable.tests import matrix_rows as roundtable_matrix
from mulin.stations.tests import matrix_rows as station_matrix
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast, for_one_test
from mulin.wishes.tests import matrix_rows as wish_matrix
from mulin.workorders.tests import matrix_rows as workorder_matrix

# About a thousand requests: marked slow (still run by `make test` and CI).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PERSON, UNIT, ATTEMPT = "person", "unit", "attempt"

# Who holds which capability in the cast (see mulin/organizations/roles.py).
PEOPLE_VIEWERS = frozenset(
    {"branch_secretary", "worker_cuiyu", "worker_nanyuan", "partner_contact", "street_admin", "system_admin",
     "security_admin"}
)  # fmt: skip
PEOPLE_MANAGERS = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS, DISABLED}


def web(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403, anonymous: int = 302) -> dict[str, Any]:
    """Web page: `ok` for `allowed`, `denied` for other signed-in people, the login redirect
    for anonymous and disabled accounts."""
    return {role: anonymous if role in (ANONYMOUS, DISABLED) else ok if role in allowed else denied for role in ROLES}


def api(ok: int, allowed: frozenset[str] = SIGNED_IN, denied: int = 403) -> dict[str, Any]:
    """API endpoint: as `web`, but 401 for anonymous callers and disabled accounts."""
    return web(ok, allowed, denied, anonymous=401)


def everyone(status: int) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


# Own / same community / other community, per identity. Residents, members and volunteers
# see only themselves; a branch secretary only branch members (the plain residents are not);
# community workers their community; the street and system/security administrators everyone.
PERSON_DETAIL = {
    ANONYMOUS:          (302, 302, 302),
    "resident_a":       (200, 404, 404),
    "resident_b":       (200, 404, 404),
    "party_member":     (200, 404, 404),
    "volunteer":        (200, 404, 404),
    "branch_secretary": (200, 404, 404),
    "worker_cuiyu":     (200, 200, 404),
    "worker_nanyuan":   (200, 200, 404),
    "partner_contact":  (200, 404, 404),
    "street_admin":     (200, 200, 200),
    "system_admin":     (200, 200, 200),
    "security_admin":   (200, 200, 200),
    "audit_admin":      (200, 404, 404),
    DISABLED:           (302, 302, 302),
}  # fmt: skip

# Showing a value in full: everyone may see their own; the system and security administrators
# see people masked only (403: they may see the person, not the value).
PERSON_REVEAL = {
    **PERSON_DETAIL,
    "system_admin":     (200, 403, 403),
    "security_admin":   (200, 403, 403),
}  # fmt: skip

# Units: own = the building one lives in, same = one's community, other = the other community.
ORG_UNIT_DETAIL = {
    **dict.fromkeys(SIGNED_IN, (200, 200, 404)),
    ANONYMOUS:          (401, 401, 401),
    "street_admin":     (200, 200, 200),
    "system_admin":     (200, 200, 200),
    "security_admin":   (200, 200, 200),
    DISABLED:           (401, 401, 401),
}  # fmt: skip


def _api_object(table: dict[str, tuple[int, int, int]]) -> dict[str, tuple[int, int, int]]:
    return {role: (401, 401, 401) if role in (ANONYMOUS, DISABLED) else statuses for role, statuses in table.items()}


@dataclass(frozen=True)
class Route:
    name: str
    method: str = "GET"
    obj: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    data: Callable[[Cast, str], Any] | None = None
    api: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)
    format: str = "json"  # API request bodies
    # Identities whose request is refused although the page answers 200 (a form shown again
    # with its errors): they too must change nothing.
    refused_with_200: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def _new_person(cast: Cast, role: str) -> dict[str, Any]:
    return {"full_name": "新登记居民", "home_unit": cast.street.cuiyu_building.pk, "phone": ""}


ROUTES: list[Route] = [
    # --- shell ---
    Route("web:home", expect=web(200)),
    Route("web:profile", expect=web(200)),
    Route("web:text_size", "POST", expect=everyone(302), data=lambda c, r: {"size": "large", "next": "/"}),
    Route("web:set_language", "POST", expect=everyone(302), data=lambda c, r: {"language": "en", "next": "/"}),
    Route("web:audit_log", expect=web(200, frozenset({"audit_admin"}))),
    Route("web:lockouts", expect=web(200, frozenset({"security_admin"}))),
    Route("web:lockout_clear", "POST", obj=ATTEMPT, expect=web(302, frozenset({"security_admin"}))),
    Route(
        "web:network_limit_lift",
        "POST",
        expect=web(302, frozenset({"security_admin"})),
        data=lambda c, r: {"address": "192.0.2.9"},
    ),
    # --- sign-in ---
    Route("accounts:login", expect={**everyone(302), ANONYMOUS: 200, DISABLED: 200}),
    Route(
        "accounts:login",
        "POST",
        expect={**everyone(302), ANONYMOUS: 200, DISABLED: 200},  # empty form: shown again
        data=lambda c, r: {},
        refused_with_200=frozenset({ANONYMOUS, DISABLED}),
    ),
    Route("accounts:verify", expect=everyone(302)),  # no password step pending: back to the login
    Route("accounts:verify", "POST", expect=everyone(302), data=lambda c, r: {"code": "123456"}),
    Route("accounts:enrol", expect=everyone(302)),
    Route("accounts:enrol", "POST", expect=everyone(302), data=lambda c, r: {"code": "123456"}),
    Route("accounts:logout", "POST", expect=everyone(302)),
    Route("accounts:password_change", expect=web(200)),
    Route(
        "accounts:password_change",
        "POST",
        expect=web(200),
        data=lambda c, r: {"current_password": "wrong"},
        refused_with_200=SIGNED_IN,
    ),
    # --- people and the tree ---
    Route("organizations:people", expect=web(200, PEOPLE_VIEWERS)),
    Route("organizations:person_create", expect=web(200, PEOPLE_MANAGERS)),
    Route(
        "organizations:person_create",
        "POST",
        # The 南苑 worker cannot choose a 翠玉 building: the form comes back with an error.
        expect={**web(302, PEOPLE_MANAGERS), "worker_nanyuan": 200},
        data=_new_person,
        refused_with_200=frozenset({"worker_nanyuan"}),
    ),
    Route("organizations:person", obj=PERSON, expect=PERSON_DETAIL),
    Route("organizations:person_reveal", "POST", obj=PERSON, expect=PERSON_REVEAL, kwargs={"field": "phone"}),
    Route("organizations:tree", expect=web(200)),
    Route("organizations:import", expect=web(200, PEOPLE_VIEWERS)),
    # No file: the managers' form comes back with an error; viewers may export but not import.
    Route("organizations:import", "POST", expect=web(400, PEOPLE_MANAGERS), data=lambda c, r: {}),
    Route("organizations:import_template", expect=web(200, PEOPLE_MANAGERS)),
    Route("organizations:export", "POST", expect=web(200, PEOPLE_VIEWERS), data=lambda c, r: {}),
    # --- notifications ---
    Route("notifications:inbox", expect=web(200)),
    Route("notifications:mark_read", "POST", expect=everyone(302), data=lambda c, r: {}),
    Route("notifications:preferences", expect=web(200)),
    Route("notifications:preferences", "POST", expect=everyone(302), data=lambda c, r: {}),
    # --- API ---
    # Public, but a request with a dead token is refused rather than served anonymously.
    Route("api:schema", expect={**everyone(200), DISABLED: 401}, api=True),
    Route("api:docs", expect={**everyone(200), DISABLED: 401}, api=True),
    Route("api:token", "POST", expect=everyone(400), data=lambda c, r: {}, api=True),  # empty body
    Route("api:logout", "POST", expect=api(204), api=True),
    Route("api:me", expect=api(200), api=True),
    Route("api:org-units", expect=api(200), api=True),
    Route("api:org-unit", obj=UNIT, expect=ORG_UNIT_DETAIL, api=True),
    Route("api:people", expect=api(200, PEOPLE_VIEWERS), api=True),
    Route(
        "api:people",
        "POST",
        expect={**api(201, PEOPLE_MANAGERS), "worker_nanyuan": 400},
        data=_new_person,
        api=True,
    ),
    Route("api:person", obj=PERSON, expect=_api_object(PERSON_DETAIL), api=True),
    Route(
        "api:person-reveal",
        "POST",
        obj=PERSON,
        expect=_api_object(PERSON_REVEAL),
        data=lambda c, r: {"field": "phone"},
        api=True,
    ),
    Route(
        "api:people-import",
        "POST",
        expect=api(400, PEOPLE_MANAGERS),  # no file
        data=lambda c, r: {},
        api=True,
        format="multipart",
    ),
    Route("api:people-export", expect=api(200, PEOPLE_VIEWERS), api=True),
    Route("api:notifications", expect=api(200), api=True),
    Route("api:notifications-read", "POST", expect=api(200), data=lambda c, r: {}, api=True),
    Route("api:notification-preferences", expect=api(200), api=True),
    Route("api:notification-preferences", "PUT", expect=api(200), data=lambda c, r: [], api=True),
]

# The wish wall and the points ledger keep their rows, objects and world beside their code.
ROUTES += wish_matrix.rows(Route, PERSON)
ROUTES += people_matrix.rows(Route, PERSON, PERSON_DETAIL)
ROUTES += roster_matrix.rows(Route, PERSON)
ROUTES += workorder_matrix.rows(Route)
ROUTES += patrol_matrix.rows(Route)
ROUTES += roundtable_matrix.rows(Route)
ROUTES += station_matrix.rows(Route)
ROUTES += activity_matrix.rows(Route)
ROUTES += health_matrix.rows(Route)

# Whole namespaces covered by a dedicated test instead of one row per route.
COVERED_NAMESPACES = {"admin": "test_admin_site_admits_only_the_system_administrator"}
OBJECTS = ("own", "same", "other")


# --- the matrix ---------------------------------------------------------------------------------


@pytest.fixture
def cast(module_cast, db) -> Cast:  # type: ignore[no-untyped-def]
    """Built once for this module (conftest.py); each test gets a copy and its changes roll back."""
    return for_one_test(module_cast)


def _world() -> dict[str, Any]:
    """What a refused request must not change."""
    return {
        "people": sorted(Person.objects.values_list("pk", "full_name", "phone_index", "home_unit_id", "is_active")),
        "roles": RoleAssignment.objects.count(),
        "units": OrgUnit.objects.count(),
        # Refused requests write their own `access.refused` row (AccessRefusalAuditMiddleware).
        "audit": AuditEvent.objects.exclude(verb__startswith="login.").exclude(verb="access.refused").count(),
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
        "preferences": NotificationPreference.objects.count(),
        "lockouts": AccessAttempt.objects.count(),
        "tasks": QueuedTask.objects.count(),
        **wish_matrix.world(),
        **workorder_matrix.world(),
        **patrol_matrix.world(),
        **roster_matrix.world(),
        **roundtable_matrix.world(),
        **station_matrix.world(),
        **activity_matrix.world(),
        **health_matrix.world(),
    }


def _target(cast: Cast, route: Route, role: str, which: str) -> dict[str, Any]:
    if route.obj in wish_matrix.OBJECT_KINDS:
        return wish_matrix.target(cast, route.obj, role, which)
    if route.obj in workorder_matrix.OBJECT_KINDS:
        return workorder_matrix.target(cast, route.obj, role, which)
    if route.obj in patrol_matrix.OBJECT_KINDS:
        return patrol_matrix.target(cast, route.obj, role, which)
    if route.obj in roster_matrix.OBJECT_KINDS:
        return roster_matrix.target(cast, route.obj, role, which)
    if route.obj in roundtable_matrix.OBJECT_KINDS:
        return roundtable_matrix.target(cast, route.obj, role, which)
    if route.obj in station_matrix.OBJECT_KINDS:
        return station_matrix.target(cast, route.obj, role, which)
    if route.obj in activity_matrix.OBJECT_KINDS:
        return activity_matrix.target(cast, route.obj, role, which)
    if route.obj in health_matrix.OBJECT_KINDS:
        return health_matrix.target(cast, route.obj, role, which)
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    if route.obj == PERSON:
        person = cast.person(role) if which == "own" and role != ANONYMOUS else cast.plain_in(community)
        return {"person_id": person.pk}
    if route.obj == UNIT:
        own = cast.person(role)
        unit = (own.home_unit if own else cast.street.cuiyu_building) if which == "own" else community
        return {"unit_id": unit.pk}
    if route.obj == ATTEMPT:
        attempt = AccessAttempt.objects.create(
            username=f"locked-{role}-{which}", ip_address="192.0.2.1", user_agent="test", failures_since_start=5
        )
        return {"attempt_id": attempt.pk}
    return {}


def _request(cast: Cast, route: Route, role: str, kwargs: dict[str, Any]) -> Any:
    url = reverse(route.name, kwargs={**route.kwargs, **kwargs})
    data = route.data(cast, role) if route.data else {}
    if route.api:
        client = cast.api(role)
        method = getattr(client, route.method.lower())
        response = method(url, data, format=route.format) if route.method != "GET" else method(url)
    else:
        client = cast.web(role)
        method = getattr(client, route.method.lower())
        response = method(url, data) if route.method != "GET" else method(url)
    return response


# Routes that may show a phone, ID number or address in full. Each showing writes exactly one audit
# row; tests/security/test_sec_audit_privacy.py checks the rows hold no value. Any other route whose
# answer carries a full value fails the matrix.
PII_ROUTES = frozenset(
    {
        "organizations:person_reveal",
        "api:person-reveal",
        "wishes:contact",
        "api:wish-contact",
        "organizations:export",
        "api:people-export",
    }
)


def _personal_values() -> list[str]:
    values: list[str] = []
    for person in Person.objects.all():
        values += [value for value in (person.phone, person.id_number, person.address) if value and len(value) >= 6]
    return values


def _shows_personal_data(response: Any, values: list[str]) -> bool:
    if not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return False  # spreadsheets: the export tests read them
    body = response.content.decode(errors="replace")
    return any(value in body for value in values)


def _refused(route: Route, role: str, status: int) -> bool:
    """Whether this answer refuses the request (then the database must be unchanged)."""
    if status in {400, 401, 403, 404, 405} or role in route.refused_with_200:
        return True
    # The login redirect of a page that needs a signed-in person.
    return status == 302 and role in (ANONYMOUS, DISABLED) and route.name not in PUBLIC_ACTIONS


PUBLIC_ACTIONS = {"web:text_size", "web:set_language", "accounts:logout", "accounts:verify", "accounts:enrol"}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_permission_matrix(cast, route):
    assert set(route.expect) == set(ROLES), f"{route.id}: the row must name every identity"
    mismatches = []
    personal_values = _personal_values()
    for role in ROLES:
        expected = route.expect[role]
        triple = route.obj in (
            PERSON,
            UNIT,
            *wish_matrix.OBJECT_KINDS,
            *workorder_matrix.OBJECT_KINDS,
            *patrol_matrix.OBJECT_KINDS,
            *roster_matrix.OBJECT_KINDS,
            *roundtable_matrix.OBJECT_KINDS,
            *station_matrix.OBJECT_KINDS,
            *activity_matrix.OBJECT_KINDS,
            *health_matrix.OBJECT_KINDS,
        )
        cases = zip(OBJECTS, expected, strict=True) if triple else [("-", expected)]
        for which, status in cases:
            kwargs = _target(cast, route, role, which)
            before = _world() if route.method != "GET" else None
            audit_before = AuditEvent.objects.count()
            response = _request(cast, route, role, kwargs)
            got = response.status_code
            if got != status:
                mismatches.append(f"{role:>16} {which:>5}: expected {status}, got {got}")
            if _shows_personal_data(response, personal_values):
                if route.name not in PII_ROUTES:
                    mismatches.append(f"{role:>16} {which:>5}: shows personal data in full (not an audited route)")
                elif AuditEvent.objects.count() - audit_before != 1:
                    mismatches.append(f"{role:>16} {which:>5}: showed personal data without exactly one audit row")
            elif before is not None and _refused(route, role, got):
                after = _world()
                if after != before:
                    changed = {key for key in before if before[key] != after[key]}
                    mismatches.append(f"{role:>16} {which:>5}: refused with {got} but changed {sorted(changed)}")
    assert not mismatches, f"{route.id}\n" + "\n".join(mismatches)


# --- the meta-test ------------------------------------------------------------------------------


def _all_routes(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> list[tuple[str, str]]:
    """(namespace, name or pattern) of every endpoint the URLconf serves."""
    resolver = resolver or get_resolver()
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            found += _all_routes(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else f"{prefix}{entry.pattern}"
            found.append((namespace, name))
    return found


def test_every_route_has_a_row():
    covered = {route.name for route in ROUTES}
    missing = sorted(
        name
        for namespace, name in _all_routes()
        if name not in covered and namespace.split(":")[0] not in COVERED_NAMESPACES
    )
    assert not missing, (
        "These routes have no row in the permission matrix (mulin/web/tests/test_permission_matrix.py); "
        "add one saying who may use them: " + ", ".join(missing)
    )


def test_the_meta_test_sees_every_route_kind():
    names = {name for _namespace, name in _all_routes()}

    assert {"web:home", "organizations:person", "api:person-reveal", "admin:index"} <= names


# --- unsafe methods on read-only routes ---------------------------------------------------------


def test_read_only_routes_refuse_other_methods_and_change_nothing(cast):
    role = "street_admin"  # the widest powers short of the system itself
    problems = []
    for route in ROUTES:
        if route.method != "GET":
            continue
        url = reverse(route.name, kwargs={**route.kwargs, **_target(cast, route, role, "same")})
        for method in ("post", "put", "patch", "delete"):
            if _has_method(route.name, method):
                continue
            client = cast.api(role) if route.api else cast.web(role)
            before = _world()

            status = getattr(client, method)(url).status_code

            if status not in {403, 405}:
                problems.append(f"{method.upper()} {route.name}: {status}")
            if _world() != before:
                problems.append(f"{method.upper()} {route.name}: changed the database")
    assert not problems, "\n".join(problems)


def _has_method(name: str, method: str) -> bool:
    return any(r.name == name and r.method.lower() == method for r in ROUTES)


# --- the admin site -----------------------------------------------------------------------------


ADMIN_PAGES = [
    "admin:index",
    "admin:organizations_orgunit_changelist",
    "admin:organizations_person_changelist",
    "admin:accounts_user_changelist",
]


def test_admin_site_admits_only_the_system_administrator(cast):
    mismatches = []
    for role in ROLES:
        for page in ADMIN_PAGES:
            status = cast.web(role).get(reverse(page)).status_code
            expected = 200 if role == "system_admin" else 302
            if status != expected:
                mismatches.append(f"{role} {page}: expected {expected}, got {status}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_shows_no_personal_data(cast):
    page = cast.web("system_admin").get(reverse("admin:organizations_person_changelist")).content.decode()

    for person in Person.objects.all():
        assert person.phone not in page
        assert person.id_number not in page
