"""Mass assignment: every write route, sent with extra fields a client has no business setting
(community, owner, status, role, is_staff, id, created_by, person, requester, claimant, points …),
either ignores them or refuses the request — and then nothing else changed.

How: the write routes are the permission matrix's rows with an unsafe method (the matrix's
meta-test makes every route in the URL resolver have a row, and test_sec_methods_and_csrf.py
refuses methods a route has no row for). For each, an identity the matrix lets through sends the
row's ordinary request, then the same request with hostile extra fields, each in a savepoint that is
rolled back. The database changes of the two must be the same (ids, times, hashes and random names
aside); if the second was refused (400, or a re-checked id: 403/404), it must have changed nothing.

ASVS 5.0 8.2.3, 15.3.3 (4.0.3 5.1.2); security reference §4 C3/C4, §10.1.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse

from mulin.activities.tests import matrix_rows as activity_matrix
from mulin.organizations.tests import matrix_rows as people_matrix
from mulin.rosters.tests import matrix_rows as roster_matrix
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast, sign_in
from mulin.web.tests.test_permission_matrix import OBJECTS, ROUTES, Route, _target
from mulin.wishes.tests import matrix_rows as wish_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OK = frozenset({200, 201, 202, 204, 302})  # 202: a job accepted (an auto-fill run)
REFUSALS = frozenset({400, 403, 404, 409})
# Tables a request touches whatever it carries (sign-in state), and content types.
UNWATCHED = frozenset(
    {
        "sessions.session",
        "accounts.usersession",
        "axes.accesslog",
        "knox.authtoken",
        "contenttypes.contenttype",
        "auth.permission",
    }
)
# Columns whose values differ between two identical requests.
VOLATILE = frozenset(
    {"hash", "prev_hash", "request_id", "target_id", "number", "file_name", "key", "fingerprint", "password"}
    | {"key_prefix", "key_hash"}  # an Open311 key is random each time it is issued
    | {"handle", "code_digest"}  # a new account's opaque handle, a texted code's digest
)


# Rows whose normal request does not carry a body worth extending, with a body that does.
def _one_booking_body(cast: Cast, role: str) -> dict[str, Any]:
    """The matrix's booking body makes a fresh room each time; here both requests (plain and with
    extra fields) must book the same room, or their rows differ by the room alone. Each request is
    rolled back, so the same slot is free for the second."""
    from mulin.web.tests.test_permission_matrix import ROUTES as MATRIX_ROUTES

    key = f"_booking_body_{role}"
    if not hasattr(cast, key):
        [route] = [r for r in MATRIX_ROUTES if r.name == "api:bookings" and r.method == "POST"]
        assert route.data is not None
        setattr(cast, key, route.data(cast, role))
    return dict(getattr(cast, key))


BODIES: dict[str, Callable[[Cast, str], Any]] = {
    "api:notification-preferences": lambda c, r: [{"kind": "wishes.claimed", "channel": "sms", "enabled": False}],
    "api:bookings": _one_booking_body,
}


def _import_file(cast: Cast, role: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mulin.organizations.tests.test_imports import csv_text, person_row

    row = person_row(1, 社区="翠玉社区", 小区="集翠源", 楼栋="1", 党组织="", 党员状态="", 入党日期="")
    row["党组织/所在支部"] = ""
    return {"file": SimpleUploadedFile("people.csv", csv_text([row]).encode(), content_type="text/csv")}


def _password_change(cast: Cast, role: str) -> dict[str, str]:
    from mulin.organizations.tests.factories import TEST_PASSWORD

    new = "Another-Horse-Battery-7"
    return {"current_password": TEST_PASSWORD, "new_password": new, "new_password_again": new}


def _token(cast: Cast, role: str) -> dict[str, str]:
    from mulin.organizations.tests.factories import TEST_PASSWORD

    return {"phone": cast.people["resident_a"].phone, "password": TEST_PASSWORD}


# Write routes whose matrix row only shows refusals (an empty form, a wrong password, no file): the
# identity and body of an ordinary, successful request.
def _open311_request(cast: Cast, role: str) -> dict[str, str]:
    """A city hotline's request, with a key issued once per cast (the client it names must be the same
    row in both runs)."""
    key = getattr(cast, "_open311_key", None)
    if key is None:
        from mulin.organizations.tests.factories import SYSTEM
        from mulin.workorders.services import open311_client_issue

        _client, key = open311_client_issue(
            actor=SYSTEM, street=cast.street.street, name="12345热线", default_community=cast.street.nanyuan
        )
        cast._open311_key = key  # type: ignore[attr-defined]
    return {"api_key": key, "service_code": "river-litter", "address_string": "胜利河德胜桥", "description": "漂浮物"}


SUCCESSFUL: dict[tuple[str, str], tuple[str, Callable[[Cast, str], Any]]] = {
    ("api:token", "POST"): (ANONYMOUS, _token),
    ("accounts:password_change", "POST"): ("resident_a", _password_change),
    ("organizations:import", "POST"): ("worker_cuiyu", _import_file),
    ("api:people-import", "POST"): ("worker_cuiyu", _import_file),
    # Open311 clients sign with an api_key, not an account: no identity of the matrix may file.
    ("open311:requests", "POST"): (ANONYMOUS, _open311_request),
    **people_matrix.SUCCESSFUL,
}
# Write routes whose success needs state the cast has not (a signed pledge, a live check-in code, a
# finished auto-fill run, an existing sign-up): the identity and a preparation, run once before both
# requests, that returns the URL arguments and a function making the body (see the apps' matrix_rows).
PREPARED: dict[tuple[str, str], tuple[str, Callable[[Cast, str, dict[str, Any]], Any]]] = {
    **roster_matrix.PREPARED,
    **activity_matrix.PREPARED,
    **people_matrix.PREPARED,
}


def hostile_fields(cast: Cast, role: str) -> dict[str, Any]:
    """Fields a client might try to set: someone else's ids, privileged flags, states and amounts."""
    victim = cast.plain_in(cast.other_community(role))
    other = cast.other_community(role)
    admin = cast.people["street_admin"]
    return {
        "community": other.pk,
        "community_id": other.pk,
        "unit_id": other.pk,
        "home_unit_id": other.pk,
        "scope_path": other.path,
        "path": cast.street.street.path,
        "owner": victim.pk,
        "owner_id": victim.pk,
        "created_by": victim.pk,
        "created_by_id": victim.pk,
        "person": victim.pk,
        "person_id": victim.pk,
        "requester": victim.pk,
        "requester_id": victim.pk,
        "claimant": victim.pk,
        "claimant_id": victim.pk,
        "wisher_id": victim.pk,
        "entered_by": admin.pk,
        "confirmed_by": admin.pk,
        "user": admin.user_id,
        "user_id": admin.user_id,
        "granted_by": admin.pk,
        "id": 987654,
        "pk": 987654,
        "status": "closed",
        "state": "closed",
        "role": "street_admin",
        "roles": ["street_admin"],
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "is_demo": True,
        "verified": True,
        "points": 99999,
        "hours": 999,
        "rating": 5,
        "balance": 99999,
        "phone_index": "forged",
        "id_number_index": "forged",
        "preferred_language": "en",
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
    }


def with_extras(data: Any, extras: dict[str, Any], *, api: bool) -> Any:
    """The route's own body plus every extra field it does not already carry (a field the route
    really reads is not an extra)."""
    if isinstance(data, list):
        return [with_extras(item, extras, api=api) for item in data]
    data = dict(data or {})
    for name, value in extras.items():
        if name in data:
            continue
        if api:
            data[name] = value
        else:
            data[name] = ",".join(map(str, value)) if isinstance(value, list) else str(value).lower()
    return data


# --- database snapshots -------------------------------------------------------------------------------


def _watched_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in UNWATCHED
    ]


def _value(field: models.Field, value: Any) -> Any:
    if field.name in VOLATILE or isinstance(field, models.UUIDField):
        return "<varies>"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "<set>"
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    tables = {}
    for model in _watched_models():
        fields = list(model._meta.concrete_fields)
        rows = {}
        for obj in model._base_manager.all():
            rows[obj.pk] = {f.attname: _value(f, getattr(obj, f.attname)) for f in fields if not f.primary_key}
        tables[model._meta.label_lower] = rows
    return tables


def _new_ids_in_json(value: Any, new_pks: dict[str, set[Any]]) -> Any:
    """Ids of rows the request created, inside JSON (a queued task's ``{"delivery_id": 558}``),
    read "<new>" too: PostgreSQL's sequences do not roll back with the savepoint. ``<model>_id``
    names the model."""
    if not isinstance(value, dict):
        return value
    return {
        key: "<new>"
        if key.endswith("_id")
        and any(item in pks for label, pks in new_pks.items() if label.partition(".")[2] == key.removesuffix("_id"))
        else item
        for key, item in value.items()
    }


def changes(before: dict, after: dict) -> dict[str, Any]:
    """What a request changed, comparable across two runs: changed rows by pk (existing rows have
    the same pk in both runs), new rows without their pk, deleted pks. References to rows created
    by the request itself read "<new>", since sequences differ between the runs."""
    new_pks = {label: set(after[label]) - set(before[label]) for label in after}
    out: dict[str, Any] = {}
    for model in _watched_models():
        label = model._meta.label_lower
        fk_targets = {
            f.attname: f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }

        def normalise(row: dict[str, Any], fk_targets: dict[str, str] = fk_targets) -> dict[str, Any]:
            return {
                name: "<new>"
                if name in fk_targets and value in new_pks.get(fk_targets[name], ())
                else _new_ids_in_json(value, new_pks)
                for name, value in row.items()
            }

        old, new = before[label], after[label]
        changed = {pk: normalise(new[pk]) for pk in old.keys() & new.keys() if new[pk] != old[pk]}
        added = sorted((normalise(new[pk]) for pk in new.keys() - old.keys()), key=repr)
        removed = sorted(old.keys() - new.keys(), key=repr)
        if changed or added or removed:
            out[label] = {"changed": changed, "added": added, "removed": removed}
    return out


def trial(send: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
    """Send one request in a savepoint that is rolled back; its status and database changes."""
    sequences = _sequences()
    with transaction.atomic():
        before = snapshot()
        status = send().status_code
        after = snapshot()
        transaction.set_rollback(True)
    _restore_sequences(sequences)
    return status, changes(before, after)


def _sequences() -> dict[str, tuple[int | None, bool]]:
    """PostgreSQL's sequences as they stand (none on SQLite, whose ids roll back with the rows)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
        return {name: (value, value is not None) for name, value in cursor.fetchall()}


def _restore_sequences(sequences: dict[str, tuple[int | None, bool]]) -> None:
    """Put the sequences back where they were: they do not roll back with a savepoint, so without
    this the second request's new rows get other ids than the first's, and every text that quotes
    an id (a notification's "#12" and its link) would differ between two identical requests."""
    if not sequences:
        return
    now = _sequences()
    moved = {name: before for name, before in sequences.items() if now.get(name) != before}
    with connection.cursor() as cursor:
        for name, (value, called) in moved.items():
            cursor.execute("SELECT setval(%s, %s, %s)", [name, value or 1, called])


# --- the cases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    route: Route
    role: str
    which: str
    body: Callable[[Cast, str], Any] | None = None
    prepare: Callable[[Cast, str, dict[str, Any]], Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.route.method} {self.route.name} as {self.role} ({self.which})"


def _succeeds(route: Route, role: str) -> list[str]:
    """Objects (own/same/other, or "-") for which the matrix lets `role` through."""
    if role in (ANONYMOUS, DISABLED) or role in route.refused_with_200:
        return []
    expected = route.expect[role]
    if isinstance(expected, tuple):
        return [which for which, status in zip(OBJECTS, expected, strict=True) if status in OK]
    return ["-"] if expected in OK else []


def write_cases() -> list[Case]:
    """For every write route: the first identity the matrix lets through (least powerful first) and,
    if different, the street administrator."""
    cases = []
    for route in ROUTES:
        if route.method == "GET":
            continue
        if (route.name, route.method) in SUCCESSFUL:
            role, body = SUCCESSFUL[route.name, route.method]
            cases.append(Case(route, role, "-", body))
            continue
        if (route.name, route.method) in PREPARED:
            role, prepare = PREPARED[route.name, route.method]
            cases.append(Case(route, role, "-", prepare=prepare))
            continue
        allowed = [(role, which) for role in ROLES for which in _succeeds(route, role)[:1]]
        picked = allowed[:1] + [pair for pair in allowed if pair[0] == "street_admin"][:1]
        cases += [Case(route, role, which) for role, which in dict.fromkeys(picked)]
    return cases


# Write routes that no identity of the cast can use successfully, with why. Empty: the roster and
# activity routes that were here (issues 10 and 12) have PREPARED entries now.
NO_SUCCESS_IN_CAST: dict[tuple[str, str], str] = {}


def test_every_write_route_has_at_least_one_identity_that_may_use_it():
    routes_with_cases = {(case.route.name, case.route.method) for case in write_cases()}
    write_routes = {(route.name, route.method) for route in ROUTES if route.method != "GET"}

    assert routes_with_cases | set(NO_SUCCESS_IN_CAST) == write_routes, sorted(
        write_routes - routes_with_cases - set(NO_SUCCESS_IN_CAST)
    )
    assert not routes_with_cases & set(NO_SUCCESS_IN_CAST), "now covered: remove from NO_SUCCESS_IN_CAST"


@pytest.mark.parametrize("case", write_cases(), ids=lambda case: case.id)
def test_extra_fields_are_ignored_or_refused_and_change_nothing_else(cast, case):
    route, role = case.route, case.role
    kwargs = _target(cast, route, role, case.which if case.which != "-" else "same") if route.obj else {}
    url = reverse(route.name, kwargs={**route.kwargs, **kwargs})
    build = case.body or BODIES.get(route.name, route.data) or (lambda c, r: {})
    if case.prepare is not None:
        kwargs, make_body = case.prepare(cast, role, kwargs)
        url = reverse(route.name, kwargs={**route.kwargs, **kwargs})
        build = lambda c, r: make_body()  # noqa: E731

    def send(*, extras: bool) -> Callable[[], Any]:
        """A fresh client and body for each run (an upload is read once; a password change moves
        the session), made before the savepoint opens."""
        data = build(cast, role)
        if extras:
            data = with_extras(data, hostile_fields(cast, role), api=route.api)
        if route.api:
            api = cast.api(role)
            return lambda: getattr(api, route.method.lower())(url, data, format=route.format)
        client = Client()
        if cast.person(role) is not None and role != DISABLED:
            sign_in(client, cast.people[role])
        return lambda: getattr(client, route.method.lower())(url, data)

    plain_status, plain_changes = trial(send(extras=False))
    hostile_status, hostile_changes = trial(send(extras=True))

    assert plain_status in OK, f"{case.id}: the ordinary request did not succeed ({plain_status})"
    if hostile_status in REFUSALS:
        assert hostile_changes == {}, f"{case.id}: refused with {hostile_status} but changed {sorted(hostile_changes)}"
        return
    assert hostile_status == plain_status, f"{case.id}: extra fields changed the answer to {hostile_status}"
    assert hostile_changes == plain_changes, f"{case.id}: extra fields changed what was written"


def test_the_snapshot_sees_a_field_set_from_the_request(cast):
    """The comparison is not blind: a request that writes what it was sent shows up as a difference."""
    from mulin.organizations.models import Person

    person = cast.cuiyu_plain
    first = trial(lambda: _FakeResponse(Person.objects.filter(pk=person.pk).update(full_name="甲")))[1]
    second = trial(lambda: _FakeResponse(Person.objects.filter(pk=person.pk).update(full_name="乙")))[1]

    assert first != second
    assert first["organizations.person"]["changed"][person.pk]["full_name"] == "甲"


@dataclass
class _FakeResponse:
    updated: int
    status_code: int = 200


def test_wish_matrix_objects_are_covered():
    kinds_used = {route.obj for route in ROUTES if route.method != "GET" and route.obj}

    assert kinds_used & set(wish_matrix.OBJECT_KINDS), "the wish rows should bring object routes"
    assert uuid  # (imported for the UUIDField rule above)
