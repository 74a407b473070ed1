"""The published schema is one a third-party client can use (issue 9, item 9): it passes
openapi-spec-validator, and every operation — of every module, present and future — has one
media type per request body, declares the error statuses it answers, and no field publishes a
default or a pattern that its own type refuses. Generic over the schema, never a list of routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                yield path, method, operation, [*item.get("parameters", []), *operation.get("parameters", [])]


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def walk(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk(item, f"{where}/{index}")


def test_openapi_spec_validator_accepts_the_schema(schema):
    validate(schema)  # raises OpenAPIValidationError with the first problem


def test_the_checks_below_see_the_operations_of_every_module(schema):
    paths = set(schema["paths"])
    assert {"/api/v1/auth/token/", "/api/v1/wishes/", "/api/v1/people/", "/api/v1/notifications/"} <= paths
    assert sum(1 for _ in operations(schema)) >= 40


def test_every_request_body_has_one_media_type_json_unless_it_carries_a_file(schema):
    wrong = []
    for path, method, operation, _ in operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        body = resolve(schema, next(iter(content.values()))["schema"])
        has_file = any(node.get("format") == "binary" for _, node in walk(body))
        expected = ["multipart/form-data"] if has_file else ["application/json"]
        if list(content) != expected:
            wrong.append(f"{method.upper()} {path}: {list(content)}")
    assert not wrong, wrong


def test_every_operation_declares_the_error_statuses_it_can_answer(schema):
    missing = []
    for path, method, operation, parameters in operations(schema):
        responses = operation["responses"]
        secured = any(requirement for requirement in operation.get("security", []))
        expected = set()
        if secured:
            expected |= {"401", "403"}
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
            expected.add("400")
        if any(status.startswith("2") for status in responses) is False:
            missing.append(f"{method.upper()} {path}: no success status")
        lacking = expected - set(responses)
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
        for status, response in responses.items():
            if status.startswith(("4", "5")) and "content" in response:
                error = resolve(schema, response["content"]["application/json"]["schema"])
                if status in {"401", "403", "404"}:
                    assert set(error.get("required", [])) >= {"detail", "code"}, (path, status, error)
    assert not missing, missing


def test_no_default_or_pattern_that_the_fields_own_type_refuses(schema):
    wrong = []
    for where, node in walk(schema):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and re.search(pattern, ""):
            wrong.append(f"{where}: pattern {pattern!r} accepts an empty string")
        if node.get("default") == "":
            refuses = (
                "format" in node
                or node.get("minLength", 0) >= 1
                or ("enum" in node and "" not in node["enum"])
                or any("$ref" in branch for branch in node.get("allOf", []))
            )
            if refuses:
                wrong.append(f"{where}: default '' is not a valid value")
    assert not wrong, wrong


def test_ids_in_query_parameters_are_integers(schema):
    wrong = [
        f"{method.upper()} {path} ?{p['name']}"
        for path, method, _operation, parameters in operations(schema)
        for p in parameters
        if p["in"] == "query" and p.get("schema", {}).get("type") == "number"
    ]
    assert not wrong, wrong
    parent = next(p for p in schema["paths"]["/api/v1/org-units/"]["get"]["parameters"] if p["name"] == "parent")
    assert parent["schema"]["type"] == "integer"


def test_a_choice_that_may_be_blank_in_an_answer_says_so(schema):
    # A wish without a preferred time answers preferred_time: "" (a generated client refused it).
    wish = schema["components"]["schemas"]["Wish"]["properties"]["preferred_time"]
    branches = [resolve(schema, branch) for branch in wish.get("oneOf", wish.get("allOf", []))]
    assert any("" in branch.get("enum", []) for branch in branches), wish


def test_a_damaged_page_cursor_is_a_bad_parameter_not_a_missing_list(street, api_client):
    from mulin.organizations.models import Role
    from mulin.organizations.tests.factories import make_person

    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, with_account=True)
    api_client.force_authenticate(worker.user)

    response = api_client.get("/api/v1/people/?cursor=not-a-cursor", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has invalid fields; nothing was changed.",
        "code": "invalid",
        "errors": {"cursor": ["This page link is not valid; start again from the first page."]},
    }
