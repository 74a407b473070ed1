"""Every GET operation answers as the schema says (issue 9, item 9): schemathesis' response
checks — status code declared, content type declared, body valid against the declared schema —
on requests generated from the schema, in-process (the WSGI app; no server, no network).

Generic: the operations come from /api/v1/schema/, so a module added later is checked without
editing this file. Besides generated requests (mostly ids that do not exist: the 404 path), each
detail operation is called with the ids its own list answered, so that real records are checked
against the detail schema too. Two identities: a resident and the street administrator (who sees
the most). Bounded to a few examples per operation (well under a minute).
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mulin.organizations.scoping import actor_for_person
from mulin.web.tests.cast import Cast
from mulin.wishes.models import WishCategory
from mulin.wishes.services import wish_submit
from tests.security.test_sec_api_fuzz import in_test_transaction

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("MULIN_CONFORMANCE_EXAMPLES", "4"))
IDENTITIES = ("resident_a", "street_admin")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFORMANCE_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
PARAMETER = re.compile(r"\{[^}]+\}")


def _failure(identity: str, case: Any, response: Any, exc: Exception) -> str:
    return (
        f"{identity}: GET {case.formatted_path} query={case.query} → {response.status_code}: {str(exc).strip()[:400]}"
    )


def _validate(identity: str, case: Any, headers: dict[str, str], problems: list[str]) -> Any:
    response = case.call(headers=headers)
    try:
        case.validate_response(response, checks=CHECKS)
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a FailureGroup of check failures
        problems.append(_failure(identity, case, response, exc))
    return response


def test_every_get_operation_answers_as_the_schema_says(cast: Cast) -> None:
    # Given records for the lists and details to show (a wish awaiting verification, the cast's people)
    wish_submit(
        actor=actor_for_person(cast.people["resident_a"]),
        title="楼道灯坏了",
        category=WishCategory.objects.get(code="repair"),
    )
    tokens = {who: AuthToken.objects.create(user=cast.people[who].user)[1] for who in IDENTITIES}
    app = get_wsgi_application()
    problems: list[str] = []
    checked = 0
    with in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        gets = [operation for operation in operations if operation.method.upper() == "GET"]
        assert len(gets) >= 15, "the schema lost its GET operations"
        lists = {operation.path: operation for operation in gets if not operation.path_parameters}
        for identity in IDENTITIES:
            headers = {"Authorization": f"Bearer {tokens[identity]}", "Accept-Language": "en"}
            ids: dict[str, list[Any]] = {}
            # When every list is called plainly, then every detail with the ids the list gave
            for path, operation in lists.items():
                response = _validate(identity, operation.Case(), headers, problems)
                checked += 1
                try:
                    body = response.json()
                except Exception:  # an export answers with a workbook
                    body = None
                results = body.get("results", body) if isinstance(body, dict) else body
                if isinstance(results, list):
                    ids[path] = [item["id"] for item in results if isinstance(item, dict) and "id" in item][:3]
            for operation in gets:
                parameters = list(operation.path_parameters)
                list_path = PARAMETER.split(operation.path)[0]
                if len(parameters) == 1 and operation.path.endswith("}/") and list_path in ids:
                    for value in ids[list_path]:
                        case = operation.Case(path_parameters={parameters[0].name: value})
                        _validate(identity, case, headers, problems)
                        checked += 1
            # and requests generated from the schema
            for operation in gets:
                checked += _generated(identity, operation, headers, problems)
    # Then every answer was declared, and its body matched the declared schema
    assert checked >= len(gets) * len(IDENTITIES), checked
    assert not problems, "\n".join(dict.fromkeys(problems))


def _generated(identity: str, operation: Any, headers: dict[str, str], problems: list[str]) -> int:
    sent = 0
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    @CONFORMANCE_SETTINGS
    @given(case=strategy)
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        _validate(identity, case, headers, problems)

    run()
    return sent
