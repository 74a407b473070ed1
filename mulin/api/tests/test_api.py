"""The REST API's contract: error bodies in the caller's language, the schema and its docs,
/me/, and the scoped, filtered, keyset-paginated tree and people endpoints."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from mulin.accounts.models import User
from mulin.core.exceptions import StateConflict
from mulin.organizations.models import DEFAULT_LANGUAGE, OrgUnit, Person, Role, RoleAssignment
from mulin.organizations.tests.factories import make_person

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def bearer(person: Person) -> dict[str, str]:
    _instance, token = AuthToken.objects.create(user=person.user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def en(**headers: str) -> dict[str, str]:
    return {"HTTP_ACCEPT_LANGUAGE": "en", **headers}


def zh(**headers: str) -> dict[str, str]:
    return {"HTTP_ACCEPT_LANGUAGE": "zh-hans", **headers}


@pytest.fixture
def worker(street) -> Person:  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)


@pytest.fixture
def resident(street) -> Person:  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, with_account=True)


# --- error format -------------------------------------------------------------------------------


def test_401_without_credentials_is_json_with_a_bearer_challenge(api_client):
    response = api_client.get("/api/v1/me/", **en())

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}


def test_401_with_a_forged_token(api_client):
    response = api_client.get("/api/v1/me/", **en(HTTP_AUTHORIZATION="Bearer " + "a" * 64))

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_401_message_is_chinese_for_a_chinese_caller(api_client):
    response = api_client.get("/api/v1/me/", **zh())

    assert response.status_code == 401
    assert response.json()["detail"] == "身份认证信息未提供。"
    assert response.json()["code"] == "not_authenticated"


def test_403_is_json_with_a_message(api_client, resident):
    response = api_client.get("/api/v1/people/", **en(**bearer(resident)))

    assert response.status_code == 403
    assert response.json() == {"detail": "You may not see the list of people.", "code": "permission_denied"}


def test_404_for_another_communitys_person_is_the_same_as_for_a_missing_one(api_client, street, worker):
    stranger = make_person(home=street.nanyuan_building)
    auth = bearer(worker)

    other = api_client.get(f"/api/v1/people/{stranger.pk}/", **en(**auth))
    missing = api_client.get("/api/v1/people/987654/", **en(**auth))

    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Not found.", "code": "not_found"}
    assert api_client.get(f"/api/v1/people/{stranger.pk}/", **zh(**auth)).json()["detail"] == "未找到。"


def test_400_lists_errors_per_field(api_client, street, worker):
    response = api_client.post(
        "/api/v1/people/",
        {"home_unit": street.cuiyu_building.pk, "phone": "12345"},
        format="json",
        **en(**bearer(worker)),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "The request has invalid fields; nothing was changed."
    assert body["errors"] == {"full_name": ["This field is required."]}


def test_400_from_a_service_lists_its_field_errors(api_client, street, worker):
    response = api_client.post(
        "/api/v1/people/",
        {"full_name": "王秀英", "home_unit": street.cuiyu_building.pk, "phone": "12345", "id_number": "123"},
        format="json",
        **en(**bearer(worker)),
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phone", "id_number"}
    assert response.json()["errors"]["phone"] == ["Enter a valid 11-digit mobile number."]


def test_400_field_messages_are_chinese_for_a_chinese_caller(api_client, street, worker):
    response = api_client.post(
        "/api/v1/people/", {"home_unit": street.cuiyu_building.pk}, format="json", **zh(**bearer(worker))
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"full_name": ["该字段是必填项。"]}


def test_409_for_a_duplicate_names_the_field(api_client, street, worker):
    existing = make_person(home=street.cuiyu_building)
    before = Person.objects.count()

    response = api_client.post(
        "/api/v1/people/",
        {"full_name": "同号的人", "home_unit": street.cuiyu_building.pk, "phone": existing.phone},
        format="json",
        **en(**bearer(worker)),
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This person is already registered.",
        "code": "duplicate_person",
        "errors": {"phone": ["Someone with this mobile number is already registered."]},
    }
    assert Person.objects.count() == before


def test_our_own_messages_are_chinese_for_a_chinese_caller(api_client, street, resident, worker):
    existing = make_person(home=street.cuiyu_building)
    forbidden = api_client.get("/api/v1/people/", **zh(**bearer(resident)))
    conflict = api_client.post(
        "/api/v1/people/",
        {"full_name": "同号的人", "home_unit": street.cuiyu_building.pk, "phone": existing.phone},
        format="json",
        **zh(**bearer(worker)),
    )

    for body in (forbidden.json(), conflict.json()):
        assert CJK.search(body["detail"]), body
    assert CJK.search(conflict.json()["errors"]["phone"][0])


# --- schema and docs ----------------------------------------------------------------------------


def test_openapi_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (untyped fields, failing querysets …)
    # into an error, so an endpoint added without a proper schema fails here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/people/{person_id}/reveal/" in schema
    assert "bearerAuth" in schema or "knoxApiToken" in schema


def test_schema_is_served_as_openapi(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_loads_every_asset_from_our_own_static_files(client):
    page = client.get("/api/v1/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert not [s for s in sources if "//" in s or s.startswith("http")], sources
    assert "<style" not in html  # refused by the CSP; the stylesheet comes from /static
    for source in sources:
        assert client.get(source).status_code == 200, source
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert "http://" not in script
    assert "https://" not in script


def test_redoc_is_not_offered_because_it_needs_a_font_cdn(client):
    assert client.get("/api/v1/redoc/").status_code == 404


# --- /me/ ---------------------------------------------------------------------------------------


def test_me_shows_person_masked_roles_and_scopes(api_client, street, worker):
    response = api_client.get("/api/v1/me/", **bearer(worker))

    body = response.json()
    assert response.status_code == 200
    assert body["person"]["id"] == worker.pk
    assert body["person"]["phone"] == worker.phone[:3] + "****" + worker.phone[-4:]
    assert worker.id_number not in str(body)
    assert {(r["role"], r["unit"]["id"]) for r in body["roles"]} == {
        ("resident", street.cuiyu_building.pk),
        ("community_worker", street.cuiyu.pk),
    }
    scopes = {s["capability"]: s["unit_paths"] for s in body["scopes"]}
    assert scopes["people.reveal"] == [street.cuiyu.path]
    assert "audit.view" not in scopes
    assert body["needs_second_factor"] is True
    assert body["demo_account"] is False


def test_me_for_every_demo_account(daguan, api_client, settings):
    from mulin.demo import daguan as street

    settings.MULIN_DEMO = True  # demo accounts skip the second factor only in demo mode

    for phone, name, role, unit_name, _compound, _extra in street.DEMO_ACCOUNTS:
        token = api_client.post(
            "/api/v1/auth/token/", {"phone": phone, "password": street.DEMO_PASSWORD}, format="json"
        )
        assert token.status_code == 200, (phone, token.content)
        me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
        assert me.status_code == 200, (phone, me.content)
        body = me.json()
        assert body["person"]["full_name"] == name
        assert body["person"]["phone"] == phone[:3] + "****" + phone[-4:]
        held = {(r["role"], r["unit"]["name"]) for r in body["roles"]}
        if role == "resident":  # registration makes a resident of a building in their compound
            assert any(r == role and unit.startswith(unit_name) for r, unit in held), (phone, held)
        else:
            assert (role, unit_name) in held, (phone, held)
        assert body["demo_account"] is True
        from mulin.organizations.roles import ROLE_SPECS

        assert body["needs_second_factor"] is any(ROLE_SPECS[r["role"]].is_staff for r in body["roles"])


# --- /org-units/ --------------------------------------------------------------------------------


def test_org_units_are_the_callers_community_for_a_resident(api_client, street, resident):
    response = api_client.get("/api/v1/org-units/", **bearer(resident))

    assert response.status_code == 200
    assert [u["name"] for u in response.json()] == ["翠玉社区", "集翠源", "集翠源1幢", "翠玉社区第一党支部"]


def test_org_units_filter_by_kind_and_parent(api_client, street, worker):
    auth = bearer(worker)

    by_kind = api_client.get("/api/v1/org-units/?kind=compound", **auth).json()
    by_parent = api_client.get(f"/api/v1/org-units/?parent={street.cuiyu_compound.pk}", **auth).json()
    bad_kind = api_client.get("/api/v1/org-units/?kind=palace", **auth)

    assert [u["name"] for u in by_kind] == ["集翠源"]
    assert [u["name"] for u in by_parent] == ["集翠源1幢"]
    assert bad_kind.status_code == 400
    assert "kind" in bad_kind.json()["errors"]


def test_org_unit_of_another_community_is_404(api_client, street, resident):
    auth = bearer(resident)

    assert api_client.get(f"/api/v1/org-units/{street.cuiyu_compound.pk}/", **auth).status_code == 200
    assert api_client.get(f"/api/v1/org-units/{street.nanyuan_compound.pk}/", **auth).status_code == 404


def test_audit_admin_role_adds_no_org_units_beyond_where_they_live(api_client, street):
    auditor = make_person(home=street.cuiyu_building, role=Role.AUDIT_ADMIN, at=street.street, with_account=True)

    units = api_client.get("/api/v1/org-units/", **bearer(auditor)).json()

    assert {u["name"] for u in units} == {"翠玉社区", "集翠源", "集翠源1幢", "翠玉社区第一党支部"}


# --- /people/ -----------------------------------------------------------------------------------


def test_people_are_scoped_masked_and_newest_first(api_client, street, worker):
    neighbour = make_person(home=street.cuiyu_building)
    stranger = make_person(home=street.nanyuan_building)

    body = api_client.get("/api/v1/people/", **bearer(worker)).json()

    ids = [p["id"] for p in body["results"]]
    assert ids == sorted(ids, reverse=True)
    assert neighbour.pk in ids
    assert stranger.pk not in ids
    row = next(p for p in body["results"] if p["id"] == neighbour.pk)
    assert "****" in row["phone"]
    assert neighbour.phone not in str(body)


def test_people_filter_by_name_and_unit(api_client, street, worker):
    compound_only = make_person(home=street.cuiyu_compound, full_name="李小区")
    make_person(home=street.cuiyu, full_name="李社区")
    auth = bearer(worker)

    by_name = api_client.get("/api/v1/people/?q=小区", **auth).json()["results"]
    by_unit = api_client.get(f"/api/v1/people/?unit={street.cuiyu_compound.pk}&q=李", **auth).json()["results"]

    assert [p["id"] for p in by_name] == [compound_only.pk]
    assert [p["id"] for p in by_unit] == [compound_only.pk]


@pytest.mark.parametrize("unit", ["abc", "-1", "nanyuan"])
def test_people_filter_by_a_unit_the_caller_cannot_see_is_a_400(api_client, street, worker, unit):
    value = str(street.nanyuan.pk) if unit == "nanyuan" else unit

    response = api_client.get(f"/api/v1/people/?unit={value}", **bearer(worker))

    assert response.status_code == 400
    assert "unit" in response.json()["errors"]


def test_people_pages_are_keyset_pages_without_gaps_or_count_queries(api_client, street, worker):
    for n in range(30):
        make_person(home=street.cuiyu_building, full_name=f"居民{n:02d}")
    auth = bearer(worker)
    expected = set(Person.objects.filter(home_unit__path__startswith=street.cuiyu.path).values_list("pk", flat=True))

    seen: list[int] = []
    url = "/api/v1/people/?page_size=7"
    with CaptureQueriesContext(connection) as queries:
        while url:
            body = api_client.get(url, **auth).json()
            assert len(body["results"]) <= 7
            seen += [p["id"] for p in body["results"]]
            url = body["next"]

    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert "cursor=" in api_client.get("/api/v1/people/?page_size=7", **auth).json()["next"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_page_size_is_capped(api_client, street, worker):
    for _ in range(3):
        make_person(home=street.cuiyu_building)

    body = api_client.get("/api/v1/people/?page_size=100000", **bearer(worker)).json()

    assert len(body["results"]) <= 100


def _world() -> tuple:
    return (
        Person.objects.count(),
        RoleAssignment.objects.count(),
        User.objects.count(),
        OrgUnit.objects.count(),
        sorted(User.objects.values_list("pk", "is_staff", "is_active")),
    )


def test_post_people_ignores_fields_it_does_not_read(api_client, street, worker):
    before = _world()
    body = {
        "full_name": "王秀英",
        "home_unit": street.cuiyu_building.pk,
        "phone": "13800138000",
        # Mass-assignment attempts: none of these may have an effect.
        "community": street.nanyuan.pk,
        "owner": worker.pk,
        "status": "full",
        "role": "street_admin",
        "roles": [{"role": "street_admin", "unit": street.street.pk}],
        "is_staff": True,
        "is_active": False,
        "id": 424242,
        "created_by": worker.pk,
        "user": worker.user.pk,
        "phone_index": "forged",
        "preferred_language": "en",
    }

    response = api_client.post("/api/v1/people/", body, format="json", **bearer(worker))

    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.pk != 424242
    assert person.home_unit == street.cuiyu_building
    assert person.user is None
    assert person.is_active is True
    assert person.preferred_language == DEFAULT_LANGUAGE  # the product default, not the tests' English
    assert list(person.role_assignments.values_list("role", flat=True)) == [Role.RESIDENT]
    after = _world()
    assert after[0] == before[0] + 1
    assert after[1] == before[1] + 1  # the resident role, nothing else
    assert after[2:] == before[2:]


def test_post_people_into_another_community_is_refused_and_writes_nothing(api_client, street, worker):
    before = _world()

    response = api_client.post(
        "/api/v1/people/",
        {"full_name": "王秀英", "home_unit": street.nanyuan_building.pk},
        format="json",
        **bearer(worker),
    )

    assert response.status_code == 400
    assert "home_unit" in response.json()["errors"]
    assert _world() == before


def test_post_people_by_a_resident_is_403_and_writes_nothing(api_client, street, resident):
    before = _world()

    response = api_client.post(
        "/api/v1/people/",
        {"full_name": "王秀英", "home_unit": street.cuiyu_building.pk},
        format="json",
        **bearer(resident),
    )

    assert response.status_code == 403
    assert _world() == before


def test_reveal_by_a_role_that_sees_masked_only_is_403_without_audit(api_client, street):
    from mulin.core.models import AuditEvent

    system_admin = make_person(home=street.cuiyu_building, role=Role.SYSTEM_ADMIN, at=street.street, with_account=True)
    person = make_person(home=street.cuiyu_building)
    before = AuditEvent.objects.filter(verb="person.revealed").count()

    response = api_client.post(
        f"/api/v1/people/{person.pk}/reveal/", {"field": "phone"}, format="json", **bearer(system_admin)
    )

    assert response.status_code == 403
    assert person.phone not in response.content.decode()
    assert AuditEvent.objects.filter(verb="person.revealed").count() == before


def test_state_conflict_carries_http_409():
    assert StateConflict("x").status == 409
